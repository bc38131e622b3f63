"""Permissions by role: the backend answers has_perm from accounts.roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Model

from eduboard.accounts.roles import role_allows


class RoleBackend(ModelBackend):
    """Username/password sign-in; permissions come from the user's role, then Django's own."""

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if user_obj.is_superuser:
            return True
        app_label, _sep, codename = perm.partition(".")
        action, _sep, model = codename.partition("_")
        if role_allows(getattr(user_obj, "role", ""), app_label, action, model):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        role = getattr(user_obj, "role", "")
        if any(role_allows(role, app_label, action) for action in ("view", "add", "change", "delete")):
            return True
        return super().has_module_perms(user_obj, app_label)

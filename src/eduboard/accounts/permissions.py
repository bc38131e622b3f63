"""API permissions: the role decides which actions, visible_to decides which rows."""

from __future__ import annotations

from rest_framework.permissions import DjangoModelPermissions


class RolePermission(DjangoModelPermissions):
    """Signed-in users only; reading needs `view`, writing needs `add`/`change`/`delete` for the model."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

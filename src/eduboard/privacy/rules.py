"""Who may do what with a subject-access request: one definition each, asked by the views, the services and the
commands' pages alike."""

from __future__ import annotations

from typing import Any

from eduboard.accounts.roles import Role

#: Roles that prepare a learner's answer: the board's administrators for every learner, heads for their own.
PREPARING_ROLES = frozenset({Role.BOARD_ADMIN, Role.INSTITUTION_HEAD})
#: Roles that sign an answer off before it is given: the board's administrators (the controller's officers).
SIGNING_ROLES = frozenset({Role.BOARD_ADMIN})


def may_prepare(user: Any) -> bool:
    """Whether `user` prepares subject-access answers (for the learners their scope shows)."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in PREPARING_ROLES)


def may_sign_off(user: Any) -> bool:
    """Whether `user` signs a prepared answer off (the board)."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SIGNING_ROLES)

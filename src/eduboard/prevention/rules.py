"""Rules of the prevention area that read no table: who reads learners' names case by case."""

from __future__ import annotations

from eduboard.accounts.roles import BOARD_WIDE_ROLES
from eduboard.core.scope import Viewer


def reads_names_case_by_case(viewer: Viewer) -> bool:
    """Board-wide roles see prevention figures, and a learner's case only once they open it with a reason."""
    return getattr(viewer, "role", "") in BOARD_WIDE_ROLES

"""How long a signed-in session lasts: an idle limit and an absolute limit, shorter for the board's roles.

The session holds when it was signed in and when it was last used (seconds since the epoch); the last use is
written at most once a minute, so a busy page does not save the session on every request.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _

SIGNED_IN_AT = "_eduboard_signed_in_at"
LAST_SEEN_AT = "_eduboard_last_seen_at"
LAST_SEEN_PRECISION_SECONDS = 60


def session_limits(user: Any) -> tuple[int, int]:
    """(idle seconds, absolute seconds) a session of `user` may last: the board's roles (who see every institution)
    have the shorter ones."""
    if getattr(user, "sees_all_institutions", False):
        return settings.SESSION_IDLE_MINUTES_BOARD * 60, settings.SESSION_MAX_HOURS_BOARD * 3600
    return settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_MAX_HOURS * 3600


def session_started(session: SessionBase) -> None:
    """Stamp a session that has just been signed in."""
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def session_ending_reason(session: SessionBase, user: Any) -> str:
    """Why the signed-in session must end now ("" when it goes on); marks it as used otherwise."""
    now = time.time()
    idle_limit, absolute_limit = session_limits(user)
    signed_in_at = float(session.get(SIGNED_IN_AT) or 0)
    last_seen_at = float(session.get(LAST_SEEN_AT) or 0)
    if not signed_in_at:  # a session from before the limits: it starts counting now
        session_started(session)
        return ""
    if now - signed_in_at > absolute_limit:
        return _("You were signed out: a session lasts at most %(hours)d hours. Sign in again.") % {
            "hours": absolute_limit // 3600
        }
    if now - last_seen_at > idle_limit:
        return _("You were signed out after %(minutes)d minutes without activity. Sign in again.") % {
            "minutes": idle_limit // 60
        }
    if now - last_seen_at >= LAST_SEEN_PRECISION_SECONDS:
        session[LAST_SEEN_AT] = now
    return ""

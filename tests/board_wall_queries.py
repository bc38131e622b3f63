"""The counted queries PostgreSQL's second wall (core.board_wall) adds to a request of an institution's role: none
(the setting goes on the driver's own cursor; the user's boards are read by the pages anyway)."""

from __future__ import annotations

WALL_QUERIES = 0

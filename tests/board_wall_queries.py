"""The queries PostgreSQL's second wall (core.board_wall) adds to a request of an institution's role: the user's
boards, setting the wall and emptying it again. On SQLite there is no wall and they are none."""

from __future__ import annotations

from django.db import connection

WALL_QUERIES = 3 if connection.vendor == "postgresql" else 0

"""The counted queries PostgreSQL's second wall (core.board_wall) adds to a request of an institution's role: the
user's boards (one); the setting itself goes on the driver's own cursor and is not counted. On SQLite there is no
wall and they are none."""

from __future__ import annotations

from django.db import connection

WALL_QUERIES = 1 if connection.vendor == "postgresql" else 0

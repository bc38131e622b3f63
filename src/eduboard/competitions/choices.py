"""Codes of the robotics competitions (stable: files, the API and the figures name them)."""

from __future__ import annotations

# Seed 000, 2.4: the robotics championship's disciplines and their robot rules (code, format, Latvian, English,
# Russian, width mm, length mm, mass g, Yuko points to win, attempts, run limit s). The board edits them as data.
DISCIPLINES: list[tuple[str, str, str, str, str, int | None, int | None, int | None, int, int, int]] = [
    ("mini_sumo", "sumo", "Mini sumo", "Mini sumo", "Мини-сумо", 100, 100, 500, 2, 1, 180),
    ("lego_sumo", "sumo", "Lego sumo", "Lego sumo", "Лего-сумо", 200, 200, 1000, 2, 1, 180),
    ("line_follower", "line_follower", "Līnijas sekotājs", "Line follower", "Следование по линии",
     250, 250, 1000, 2, 3, 120),
]  # fmt: skip

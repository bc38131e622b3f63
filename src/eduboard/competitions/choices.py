"""Codes of the robotics competitions (stable: files, the API and the figures name them)."""

from __future__ import annotations

from typing import Any

# Seed 000, 2.4: the city's robotics championship runs five disciplines ("Lego sumo", mini sumo, line followers,
# Lego line followers, competitions with a self-built robot). Each with its robot rules as data: the largest
# width, length and mass, the Yuko points that win a sumo match, a timed discipline's attempts and run limit, the
# kind of robot allowed and how far two timekeepers' times may differ and still agree. The board edits them as
# data (the disciplines' page in the admin); these are the values a new installation starts from.
DISCIPLINES: list[dict[str, Any]] = [
    {"code": "mini_sumo", "format": "sumo", "name_lv": "Mini sumo", "name_en": "Mini sumo", "name_ru": "Мини-сумо",
     "max_width_mm": 100, "max_length_mm": 100, "max_mass_g": 500, "points_to_win": 2, "attempts": 1,
     "run_limit_s": 180, "robot_kind": "any", "agreement_ms": 100},
    {"code": "lego_sumo", "format": "sumo", "name_lv": "Lego sumo", "name_en": "Lego sumo", "name_ru": "Лего-сумо",
     "max_width_mm": 200, "max_length_mm": 200, "max_mass_g": 1000, "points_to_win": 2, "attempts": 1,
     "run_limit_s": 180, "robot_kind": "lego", "agreement_ms": 100},
    {"code": "line_follower", "format": "line_follower", "name_lv": "Līnijas sekotājs", "name_en": "Line follower",
     "name_ru": "Следование по линии", "max_width_mm": 250, "max_length_mm": 250, "max_mass_g": 1000,
     "points_to_win": 2, "attempts": 3, "run_limit_s": 120, "robot_kind": "any", "agreement_ms": 100},
    {"code": "lego_line_follower", "format": "line_follower", "name_lv": "Lego līnijas sekotājs",
     "name_en": "Lego line follower", "name_ru": "Лего-следование по линии", "max_width_mm": 250,
     "max_length_mm": 300, "max_mass_g": 1500, "points_to_win": 2, "attempts": 3, "run_limit_s": 120,
     "robot_kind": "lego", "agreement_ms": 100},
    {"code": "self_built", "format": "line_follower", "name_lv": "Pašbūvēts robots", "name_en": "Self-built robot",
     "name_ru": "Самодельный робот", "max_width_mm": 300, "max_length_mm": 300, "max_mass_g": 2000,
     "points_to_win": 2, "attempts": 2, "run_limit_s": 180, "robot_kind": "self_built", "agreement_ms": 100},
]  # fmt: skip

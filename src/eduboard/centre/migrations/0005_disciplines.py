"""The seed's robotics disciplines with their robot rules: reference data every installation has."""

from typing import Any

from django.db import migrations

# The disciplines as they were when this migration was written (frozen here: the codes now live in
# eduboard.competitions.choices, which a migration must not follow).
# Seed 000, 2.4: the robotics championship's disciplines and their robot rules (code, format, Latvian, English,
# Russian, width mm, length mm, mass g, Yuko points to win, attempts, run limit s). The board edits them as data.
DISCIPLINES = [
    ("mini_sumo", "sumo", "Mini sumo", "Mini sumo", "Мини-сумо", 100, 100, 500, 2, 1, 180),
    ("lego_sumo", "sumo", "Lego sumo", "Lego sumo", "Лего-сумо", 200, 200, 1000, 2, 1, 180),
    ("line_follower", "line_follower", "Līnijas sekotājs", "Line follower", "Следование по линии",
     250, 250, 1000, 2, 3, 120),
]  # fmt: skip



def create(apps: Any, schema_editor: Any) -> None:
    Discipline = apps.get_model("innovation", "Discipline")
    for code, fmt, lv, en, ru, width, length, mass, points, attempts, limit in DISCIPLINES:
        Discipline.objects.update_or_create(
            code=code,
            defaults={
                "format": fmt, "name_lv": lv, "name_en": en, "name_ru": ru, "max_width_mm": width,
                "max_length_mm": length, "max_mass_g": mass, "points_to_win": points, "attempts": attempts,
                "run_limit_s": limit,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("innovation", "0004_competitions_courses_materials")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The seed's robotics disciplines with their robot rules: reference data every installation has."""

from typing import Any

from django.db import migrations

from eduboard.innovation.choices import DISCIPLINES


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

"""The four risk rules with their default thresholds (the board edits them)."""

from typing import Any

from django.db import migrations

RULES = {"unexcused_absences": 20, "insufficient_grades": 2, "repeating": None, "left_without_destination": None}


def forwards(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("prevention", "RiskRule")
    for code, threshold in RULES.items():
        rule.objects.get_or_create(code=code, defaults={"threshold": threshold})


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_prevention")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Risk rules become each board's (issue 41): the rules there are become the first board's, every other board gets
the default ones, and a code is unique within a board."""

from typing import Any

from django.db import migrations, models

from eduboard.core.migration_ops import board_field, give_rows_a_board

RULES = {"unexcused_absences": 20, "insufficient_grades": 2, "repeating": None, "left_without_destination": None}


def every_board_its_rules(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("prevention", "RiskRule")
    for board in apps.get_model("registry", "Board").objects.all():
        for code, threshold in RULES.items():
            rule.objects.get_or_create(board=board, code=code, defaults={"threshold": threshold})


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_risk_rules"), ("registry", "0016_row_level_security")]

    operations = [
        migrations.AddField(
            model_name="riskrule",
            name="board",
            field=board_field(null=True),
        ),
        give_rows_a_board("prevention", "RiskRule"),
        migrations.AlterField(
            model_name="riskrule",
            name="code",
            field=models.CharField(
                choices=[
                    ("unexcused_absences", "unexcused absences in a month"),
                    ("insufficient_grades", "insufficient term grades"),
                    ("repeating", "repeating a grade"),
                    ("left_without_destination", "left with no known next institution"),
                ],
                max_length=40,
                verbose_name="code",
            ),
        ),
        migrations.RunPython(every_board_its_rules, migrations.RunPython.noop),
    ]

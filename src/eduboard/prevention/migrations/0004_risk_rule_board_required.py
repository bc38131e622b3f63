"""A risk rule always belongs to a board, and its code is unique within the board (after 0003 gave every rule one;
a migration of its own, so PostgreSQL has no pending row checks when the column changes)."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field


class Migration(migrations.Migration):
    dependencies = [("prevention", "0003_risk_rules_per_board")]

    operations = [
        migrations.AlterField(
            model_name="riskrule",
            name="board",
            field=board_field(),
        ),
        migrations.AddConstraint(
            model_name="riskrule",
            constraint=models.UniqueConstraint(fields=("board", "code"), name="risk_rule_unique_board_code"),
        ),
    ]

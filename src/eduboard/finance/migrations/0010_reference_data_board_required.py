"""Every row of a board's finance reference data belongs to a board, and codes are unique within it (after 0009
gave every row one; a migration of its own, so PostgreSQL has no pending row checks when the columns change)."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field


class Migration(migrations.Migration):
    dependencies = [("finance", "0009_reference_data_per_board")]

    operations = [
        migrations.AlterField(model_name="cateringcontract", name="board", field=board_field()),
        migrations.AlterField(model_name="costrate", name="board", field=board_field()),
        migrations.AlterField(model_name="fundingsource", name="board", field=board_field()),
        migrations.AlterField(model_name="institutionset", name="board", field=board_field()),
        migrations.AlterField(model_name="mealrule", name="board", field=board_field()),
        migrations.AlterField(model_name="settlementline", name="board", field=board_field()),
        migrations.AddConstraint(
            model_name="costrate",
            constraint=models.UniqueConstraint(fields=("board", "year", "kind"), name="cost_rate_unique_board_year_kind"),
        ),
        migrations.AddConstraint(
            model_name="fundingsource",
            constraint=models.UniqueConstraint(fields=("board", "code"), name="funding_source_unique_board_code"),
        ),
        migrations.AddConstraint(
            model_name="institutionset",
            constraint=models.UniqueConstraint(fields=("board", "name"), name="institution_set_unique_board_name"),
        ),
        migrations.AddConstraint(
            model_name="mealrule",
            constraint=models.UniqueConstraint(fields=("board", "code"), name="meal_rule_unique_board_code"),
        ),
    ]

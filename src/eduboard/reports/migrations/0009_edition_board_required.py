"""Every report edition belongs to a board (after 0008 gave every edition one; a migration of its own, so
PostgreSQL has no pending row checks when the column changes)."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_editions_per_board")]

    operations = [
        migrations.AlterField(
            model_name="reportedition",
            name="board",
            field=board_field(),
        ),
        migrations.AddConstraint(
            model_name="reportedition",
            constraint=models.UniqueConstraint(
                fields=("board", "kind", "school_year", "number"), name="report_edition_board_number_unique"
            ),
        ),
    ]

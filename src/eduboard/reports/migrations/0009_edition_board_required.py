"""Every report edition belongs to a board (after 0008 gave every edition one; a migration of its own, so
PostgreSQL has no pending row checks when the column changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_editions_per_board")]

    operations = [
        migrations.AlterField(
            model_name="reportedition",
            name="board",
            field=models.ForeignKey(
                help_text="The board whose data this is.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registry.board",
                verbose_name="board",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportedition",
            constraint=models.UniqueConstraint(
                fields=("board", "kind", "school_year", "number"), name="report_edition_board_number_unique"
            ),
        ),
    ]

"""Report editions become their board's (issue 41): the editions there are become the first board's, and an edition's
number counts within its board's report of a school year."""

import django.db.models.deletion
from django.db import migrations, models

from eduboard.core.migration_ops import give_rows_a_board


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_edition_files"), ("registry", "0017_board_thresholds")]

    operations = [
        migrations.RemoveConstraint(model_name="reportedition", name="report_edition_number_unique"),
        migrations.AddField(
            model_name="reportedition",
            name="board",
            field=models.ForeignKey(
                null=True,
                help_text="The board whose data this is.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registry.board",
                verbose_name="board",
            ),
        ),
        give_rows_a_board("reports", "ReportEdition"),
    ]

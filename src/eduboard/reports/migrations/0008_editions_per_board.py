"""Report editions become their board's (issue 41): the editions there are become the first board's, and an edition's
number counts within its board's report of a school year."""

from django.db import migrations

from eduboard.core.migration_ops import board_field, give_rows_a_board


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_edition_files"), ("registry", "0017_board_thresholds")]

    operations = [
        migrations.RemoveConstraint(model_name="reportedition", name="report_edition_number_unique"),
        migrations.AddField(
            model_name="reportedition",
            name="board",
            field=board_field(null=True),
        ),
        give_rows_a_board("reports", "ReportEdition"),
    ]

"""The counts of residents learning in other municipalities become their board's (issue 41): the counts there are
become the first board's."""

from django.db import migrations

from eduboard.core.migration_ops import board_field, give_rows_a_board


class Migration(migrations.Migration):
    dependencies = [("registry", "0017_board_thresholds")]

    operations = [
        migrations.RemoveConstraint(model_name="residentselsewhere", name="residents_elsewhere_unique"),
        migrations.AddField(
            model_name="residentselsewhere",
            name="board",
            field=board_field(null=True),
        ),
        give_rows_a_board("registry", "ResidentsElsewhere"),
    ]

"""The counts of residents learning in other municipalities become their board's (issue 41): the counts there are
become the first board's."""

import django.db.models.deletion
from django.db import migrations, models

from eduboard.core.migration_ops import give_rows_a_board


class Migration(migrations.Migration):
    dependencies = [("registry", "0017_board_thresholds")]

    operations = [
        migrations.RemoveConstraint(model_name="residentselsewhere", name="residents_elsewhere_unique"),
        migrations.AddField(
            model_name="residentselsewhere",
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
        give_rows_a_board("registry", "ResidentsElsewhere"),
    ]

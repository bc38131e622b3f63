"""Every survey belongs to a board (after 0004 gave every survey one; a migration of its own, so PostgreSQL has no
pending row checks when the column changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_surveys_per_board")]

    operations = [
        migrations.AlterField(
            model_name="survey",
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
            model_name="survey",
            constraint=models.UniqueConstraint(fields=("board", "code"), name="survey_unique_board_code"),
        ),
    ]

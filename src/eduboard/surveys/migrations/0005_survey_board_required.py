"""Every survey belongs to a board (after 0004 gave every survey one; a migration of its own, so PostgreSQL has no
pending row checks when the column changes)."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_surveys_per_board")]

    operations = [
        migrations.AlterField(
            model_name="survey",
            name="board",
            field=board_field(),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(fields=("board", "code"), name="survey_unique_board_code"),
        ),
    ]

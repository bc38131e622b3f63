"""Every count of residents learning elsewhere belongs to a board (after 0018 gave every count one; a migration of
its own, so PostgreSQL has no pending row checks when the column changes)."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field


class Migration(migrations.Migration):
    dependencies = [("registry", "0018_residents_elsewhere_per_board")]

    operations = [
        migrations.AlterField(
            model_name="residentselsewhere",
            name="board",
            field=board_field(),
        ),
        migrations.AddConstraint(
            model_name="residentselsewhere",
            constraint=models.UniqueConstraint(
                fields=("board", "school_year", "municipality", "level"), name="residents_elsewhere_board_unique"
            ),
        ),
    ]

"""Surveys become their board's (issue 41): the surveys there are become the first board's, and a survey's code is
unique within its board."""

from django.db import migrations, models

from eduboard.core.migration_ops import board_field, give_rows_a_board


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_code_draft"), ("registry", "0017_board_thresholds")]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="board",
            field=board_field(null=True),
        ),
        migrations.AlterField(
            model_name="survey",
            name="code",
            field=models.SlugField(help_text="Used in files and the API.", max_length=40, verbose_name="code"),
        ),
        give_rows_a_board("surveys", "Survey"),
    ]

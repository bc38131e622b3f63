"""A board's finance reference data (issue 41): funding sources, groups of institutions, approved costs per learner,
meal rules, catering contracts and settlement lines become the first board's; every other board gets the standard
funding sources; a code (a name, a year and kind) is unique within a board, no longer across the deployment."""

from typing import Any

from django.db import migrations, models

from eduboard.core.migration_ops import board_field, give_rows_a_board

STANDARD_SOURCES = [
    ("state", "Valsts budžets"),
    ("municipal", "Pašvaldības budžets"),
    ("eu_funds", "ES struktūrfondi"),
    ("erasmus", "Erasmus+"),
    ("other", "Cits avots"),
]


def every_board_its_sources(apps: Any, schema_editor: Any) -> None:
    source = apps.get_model("finance", "FundingSource")
    for board in apps.get_model("registry", "Board").objects.all():
        for code, name in STANDARD_SOURCES:
            source.objects.get_or_create(board=board, code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("finance", "0008_translated_notes"), ("registry", "0017_board_thresholds")]

    operations = [
        migrations.RemoveConstraint(model_name="costrate", name="cost_rate_unique_year_kind"),
        migrations.AddField(model_name="cateringcontract", name="board", field=board_field(null=True)),
        migrations.AddField(model_name="costrate", name="board", field=board_field(null=True)),
        migrations.AddField(model_name="fundingsource", name="board", field=board_field(null=True)),
        migrations.AddField(model_name="institutionset", name="board", field=board_field(null=True)),
        migrations.AddField(model_name="mealrule", name="board", field=board_field(null=True)),
        migrations.AddField(model_name="settlementline", name="board", field=board_field(null=True)),
        migrations.AlterField(
            model_name="fundingsource",
            name="code",
            field=models.SlugField(help_text="Used in import files.", max_length=40, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="institutionset",
            name="name",
            field=models.CharField(help_text="Used in import files.", max_length=120, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="mealrule", name="code", field=models.SlugField(max_length=40, verbose_name="code")
        ),
        give_rows_a_board(
            "finance", "CateringContract", "CostRate", "FundingSource", "InstitutionSet", "MealRule", "SettlementLine"
        ),
        migrations.RunPython(every_board_its_sources, migrations.RunPython.noop),
    ]

"""Boards as tenants (issue 41): a deployment with institutions gets its first board, made from the settings (its
names) and the home municipality, and every institution becomes that board's."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NAME_SETTINGS = {
    "name": "BOARD_NAME",
    "name_genitive": "BOARD_NAME_GENITIVE",
    "council": "COUNCIL_NAME",
    "council_genitive": "COUNCIL_NAME_GENITIVE",
}


def first_board(apps, schema_editor):
    Municipality = apps.get_model("registry", "Municipality")
    Board = apps.get_model("registry", "Board")
    Institution = apps.get_model("registry", "Institution")
    if not Institution.objects.exists():
        return  # a new deployment: the first board is made when its first institution is (Board.for_new_institution)
    home = Municipality.objects.filter(is_home=True).order_by("pk").first()
    values = {}
    for field, setting in NAME_SETTINGS.items():
        for suffix in ("", "_en", "_ru"):
            values[f"{field}{suffix}"] = str(getattr(settings, f"{setting}{suffix.upper()}", "") or "")
    code = (getattr(settings, "BOARD_CODE", "") or "daugavpils").lower()
    board = Board.objects.create(code=code, municipality=home, **values)
    Institution.objects.update(board=board)


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_name_cases_and_translated_notes")]

    operations = [
        migrations.CreateModel(
            name="Board",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        help_text="A short code used in files, commands (--board) and addresses (?board=), e.g. “daugavpils”.",
                        max_length=32,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[a-z0-9][a-z0-9_-]*$", "Lower-case letters, digits, - and _ only."
                            )
                        ],
                        verbose_name="code",
                    ),
                ),
                ("name", models.CharField(help_text="E.g. “Daugavpils pilsētas Izglītības pārvalde”.", max_length=255, verbose_name="name")),
                ("name_genitive", models.CharField(blank=True, help_text="Whose? (kā?) Left blank, it is suggested.", max_length=255, verbose_name="name (genitive)")),
                ("council", models.CharField(help_text="The council the board reports to.", max_length=255, verbose_name="council")),
                ("council_genitive", models.CharField(blank=True, help_text="Whose? (kā?) Left blank, it is suggested.", max_length=255, verbose_name="council (genitive)")),
                ("name_en", models.CharField(blank=True, max_length=255, verbose_name="name in English")),
                ("name_genitive_en", models.CharField(blank=True, max_length=255, verbose_name="name in English (possessive)")),
                ("council_en", models.CharField(blank=True, max_length=255, verbose_name="council in English")),
                ("council_genitive_en", models.CharField(blank=True, max_length=255, verbose_name="council in English (possessive)")),
                ("name_ru", models.CharField(blank=True, max_length=255, verbose_name="name in Russian")),
                ("name_genitive_ru", models.CharField(blank=True, max_length=255, verbose_name="name in Russian (genitive)")),
                ("council_ru", models.CharField(blank=True, max_length=255, verbose_name="council in Russian")),
                ("council_genitive_ru", models.CharField(blank=True, max_length=255, verbose_name="council in Russian (genitive)")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "municipality",
                    models.OneToOneField(
                        help_text="The municipality whose education authority this is; its residents are the board's residents.",
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="board",
                        to="registry.municipality",
                        verbose_name="municipality",
                    ),
                ),
            ],
            options={"verbose_name": "board", "verbose_name_plural": "boards", "ordering": ["code"]},
        ),
        migrations.AddField(
            model_name="institution",
            name="board",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="institutions",
                to="registry.board",
            ),
        ),
        migrations.RunPython(first_board, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="institution",
            name="board",
            field=models.ForeignKey(
                help_text="The board (a municipality's education authority) the institution belongs to.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="institutions",
                to="registry.board",
                verbose_name="board",
            ),
        ),
    ]

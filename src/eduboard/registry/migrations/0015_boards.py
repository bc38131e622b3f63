"""Boards as tenants (issue 41): a deployment with institutions gets its first board, made from the settings (its
names) and the home municipality, and every institution becomes that board's."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

from eduboard.core.migration_ops import give_rows_a_board

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
        # A deployment with institutions: its first board from the settings, every institution that board's.
        give_rows_a_board("registry", "Institution"),
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

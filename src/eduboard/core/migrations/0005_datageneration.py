import uuid

from django.db import migrations, models

AREAS = ("registry", "people", "finance", "quality")


def first_tokens(apps, schema_editor):
    DataGeneration = apps.get_model("core", "DataGeneration")
    DataGeneration.objects.bulk_create([DataGeneration(area=area, token=uuid.uuid4().hex) for area in AREAS])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_import_encoding"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataGeneration",
            fields=[
                ("area", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="area")),
                ("token", models.CharField(max_length=32, verbose_name="token")),
            ],
            options={"verbose_name": "data generation", "verbose_name_plural": "data generations"},
        ),
        migrations.RunPython(first_tokens, migrations.RunPython.noop),
    ]

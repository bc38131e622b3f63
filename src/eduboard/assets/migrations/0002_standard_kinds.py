from django.db import migrations

KINDS = [
    ("chromebook", "Chromebook dators"),
    ("laptop", "Portatīvais dators"),
    ("tablet", "Planšetdators"),
    ("interactive_screen", "Interaktīvais ekrāns"),
    ("projector", "Projektors"),
    ("robotics_kit", "Robotikas komplekts"),
    ("microscope", "Mikroskops"),
    ("other", "Cits"),
]


def standard_kinds(apps, schema_editor):
    AssetKind = apps.get_model("assets", "AssetKind")
    for code, name in KINDS:
        AssetKind.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]

    operations = [migrations.RunPython(standard_kinds, migrations.RunPython.noop)]

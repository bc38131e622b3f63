"""The standard position kinds that files name by code."""

from django.db import migrations

from eduboard.people.positions import ensure_standard_positions


def add_positions(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_standard_positions(apps.get_model("people", "PositionKind"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_positions, migrations.RunPython.noop)]

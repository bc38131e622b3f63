"""Version 1 of the default observation form and its answer scales (seed 002's criteria)."""

from typing import Any

from django.db import migrations

from eduboard.quality.defaults import create_default_form


def forwards(apps: Any, schema_editor: Any) -> None:
    create_default_form(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_observations_and_exams")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Version 1 of the quality frameworks eduboard ships: MK 325 (2024), the seven areas of seed 003, and the heads'."""

from typing import Any

from django.db import migrations

from eduboard.quality.frameworks import create_frameworks


def forwards(apps: Any, schema_editor: Any) -> None:
    create_frameworks(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("quality", "0006_self_assessment_accreditation_heads")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

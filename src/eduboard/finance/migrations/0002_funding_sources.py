"""The standard funding sources; more can be added (the list is extendable)."""

from typing import Any

from django.db import migrations

from eduboard.finance.sources import ensure_standard_sources


def create_sources(apps: Any, schema_editor: Any) -> None:
    ensure_standard_sources(apps.get_model("finance", "FundingSource"))


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(create_sources, migrations.RunPython.noop)]

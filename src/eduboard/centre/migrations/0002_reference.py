"""The seed's four modules and five age bands, and the prizes' place: reference data every installation has."""

from typing import Any

from django.db import migrations

from eduboard.centre.choices import AGE_BANDS, MODULES


def create(apps: Any, schema_editor: Any) -> None:
    Module = apps.get_model("innovation", "Module")
    AgeBand = apps.get_model("innovation", "AgeBand")
    for position, (code, lv, en, ru) in enumerate(MODULES):
        Module.objects.update_or_create(code=code, defaults={"name_lv": lv, "name_en": en, "name_ru": ru, "position": position})
    for code, youngest, oldest in AGE_BANDS:
        AgeBand.objects.update_or_create(code=code, defaults={"youngest": youngest, "oldest": oldest})


class Migration(migrations.Migration):
    dependencies = [("innovation", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

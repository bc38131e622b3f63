"""The retention rule of the answers kept with subject-access requests (privacy.retention's `access_requests`):
after three years the copy of the answer and the requester's name go; the dates of the request stay."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("privacy", "RetentionRule")
    rule.objects.get_or_create(
        kind="access_requests",
        defaults={
            "months": 36,
            "legal_ground": (
                "VDAR 5. panta 2. punkts: pierādījums, ka pieprasījums izpildīts; atbildes kopija nav jāglabā ilgāk"
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_retention_defaults")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

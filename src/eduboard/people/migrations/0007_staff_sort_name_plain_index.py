"""The staff's sort key gets one plain index, as the learners' (registry 0008)."""

from django.db import migrations, models

import eduboard.core.latvian
from eduboard.core.migration_ops import replace_field_index


class Migration(migrations.Migration):
    dependencies = [("people", "0006_constraint_messages")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="staffmember",
                    name="sort_name",
                    field=eduboard.core.latvian.LatvianKeyField(kind="sort", sources=("last_name", "first_name")),
                ),
                migrations.AddIndex(
                    model_name="staffmember", index=models.Index(fields=["sort_name"], name="staff_sort_name_idx")
                ),
            ],
            database_operations=[replace_field_index("people", "staffmember", "sort_name", "staff_sort_name_idx")],
        )
    ]

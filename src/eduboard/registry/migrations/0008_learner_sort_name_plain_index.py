"""The learners' sort key gets one plain index instead of `db_index`'s two on PostgreSQL (the second, with
`varchar_pattern_ops`, served no query and cost every insert); the table is not rebuilt on SQLite."""

from django.db import migrations, models

import eduboard.core.latvian
from eduboard.core.migration_ops import replace_field_index




class Migration(migrations.Migration):
    dependencies = [("registry", "0007_constraint_messages")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="learner",
                    name="sort_name",
                    field=eduboard.core.latvian.LatvianKeyField(kind="sort", sources=("last_name", "first_name")),
                ),
                migrations.AddIndex(
                    model_name="learner", index=models.Index(fields=["sort_name"], name="learner_sort_name_idx")
                ),
            ],
            database_operations=[replace_field_index("registry", "learner", "sort_name", "learner_sort_name_idx")],
        )
    ]

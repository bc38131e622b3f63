"""Operations that migrations share (they import nothing from the areas, so old migrations keep working)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def replace_field_index(app_label: str, model_name: str, field_name: str, index_name: str) -> migrations.RunPython:
    """Drop the index(es) that `db_index=True` gave a column (on PostgreSQL a CharField's also has a `_like` twin)
    and make one plain index named `index_name`; backwards, the other way round. No table is rebuilt."""

    def names(schema_editor: Any, model: Any) -> tuple[str, str, str]:
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        return table, column, schema_editor._create_index_name(table, [column])

    def forwards(apps: Any, schema_editor: Any) -> None:
        table, column, old = names(schema_editor, apps.get_model(app_label, model_name))
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old + '_like')}")
        schema_editor.execute(f"CREATE INDEX {quote(index_name)} ON {quote(table)} ({quote(column)})")

    def backwards(apps: Any, schema_editor: Any) -> None:
        table, column, old = names(schema_editor, apps.get_model(app_label, model_name))
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name)}")
        schema_editor.execute(f"CREATE INDEX {quote(old)} ON {quote(table)} ({quote(column)})")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX {quote(old + '_like')} ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
            )

    return migrations.RunPython(forwards, backwards, elidable=False)


def move_content_types(from_label: str, to_label: str, models: list[str]) -> migrations.RunPython:
    """When models move to another app and keep their tables (state-only migrations), move their content types too:
    their permissions and audit-trail entries point at the content type, so they follow and nothing is lost. A
    database made after the move has no old content types: then there is nothing to do."""

    def rename(source: str, target: str) -> Any:
        def run(apps: Any, schema_editor: Any) -> None:
            content_type = apps.get_model("contenttypes", "ContentType")
            db = schema_editor.connection.alias
            for model in models:
                if not content_type.objects.using(db).filter(app_label=target, model=model).exists():
                    content_type.objects.using(db).filter(app_label=source, model=model).update(app_label=target)

        return run

    return migrations.RunPython(rename(from_label, to_label), rename(to_label, from_label), elidable=False)

"""Operations that migrations share (they import nothing from the areas, so old migrations keep working)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


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


#: The settings that hold the first board's Latvian names (registry.boards.NAME_SETTINGS, as of migration 0015).
_BOARD_NAME_SETTINGS = {
    "name": "BOARD_NAME",
    "name_genitive": "BOARD_NAME_GENITIVE",
    "council": "COUNCIL_NAME",
    "council_genitive": "COUNCIL_NAME_GENITIVE",
}


def first_board(apps: Any) -> Any:
    """The deployment's first board as a migration sees it (historical models): the first there is, else one made
    from the settings' names, the code BOARD_CODE and the home municipality."""
    from django.conf import settings

    board_model = apps.get_model("registry", "Board")
    board = board_model.objects.order_by("pk").first()
    if board is None:
        home = apps.get_model("registry", "Municipality").objects.filter(is_home=True).order_by("pk").first()
        values = {
            f"{field}{suffix}": str(getattr(settings, f"{setting}{suffix.upper()}", "") or "")
            for field, setting in _BOARD_NAME_SETTINGS.items()
            for suffix in ("", "_en", "_ru")
        }
        code = (getattr(settings, "BOARD_CODE", "") or "daugavpils").lower()
        board = board_model.objects.create(code=code, municipality=home, **values)
    return board


def give_rows_a_board(app_label: str, *model_names: str) -> migrations.RunPython:
    """Reference data that becomes a board's (issue 41): every existing row of the models named becomes the first
    board's (`first_board`, made when rows exist and no board does yet). Backwards: nothing to undo."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        models = [apps.get_model(app_label, name) for name in model_names]
        if not any(model.objects.exists() for model in models):
            return
        board = first_board(apps)
        for model in models:
            model.objects.update(board=board)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def board_field(*, null: bool = False) -> models.ForeignKey[Any, Any]:
    """The `board` of a board's reference data (registry.board_data.BoardData) as its migrations add it: nullable
    while existing rows are given one, then required."""
    return models.ForeignKey(
        null=null,
        help_text="The board whose data this is.",
        on_delete=models.CASCADE,
        related_name="+",
        to="registry.board",
        verbose_name="board",
    )

"""`import_reference KIND FILE`: the board's reference lists (asset kinds, funding sources, priority grounds,
subjects, the centre's modules) with their names in Latvian, English and Russian.

A row names a record by its key (its code, or for subjects its Latvian name) and gives its texts; a known record
takes the texts given (a blank English or Russian cell keeps what is there), an unknown one is added. Each area
registers its lists under the import area `reference` with `reference_importer` (one importer, many models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from eduboard.core.imports import Importer, ImportResult, RowProblem, parse_required, parse_text
from eduboard.core.translated import TEXT_LANGUAGES, latvian_column


@dataclass
class ReferenceRow:
    key: str
    texts: dict[str, str]  # column -> text, for the columns the row fills
    extra: dict[str, Any] = field(default_factory=dict)


class ReferenceImporter(Importer):
    """One reference list: `model`, its translated text `text_field`, found by `key_field`."""

    model: ClassVar[type[models.Model]]
    text_field: ClassVar[str] = "name"
    key_field: ClassVar[str] = "code"  # or the Latvian text itself (subjects have no code)
    #: The position-like field a new row is put last by (e.g. a priority ground's rank), if the model has one.
    order_field: ClassVar[str] = ""
    max_length: ClassVar[int] = 120

    @classmethod
    def latvian_column(cls) -> str:
        return latvian_column(cls.model, cls.text_field)

    @classmethod
    def text_columns(cls) -> list[str]:
        return [f"{cls.text_field}_{code}" for code in TEXT_LANGUAGES]

    def rows(self) -> models.QuerySet[Any]:
        """The records the file is matched against: a board's list is the importing viewer's board's
        (`editable_by`, when the model's rows belong to a board)."""
        rows = self.model._default_manager.all()
        if hasattr(self.model, "new_row_defaults"):
            rows = rows.editable_by(self.viewer)  # type: ignore[attr-defined]
        return rows

    def new_row_defaults(self) -> dict[str, Any]:
        """What a new record takes besides its key and texts: a board's list names the viewer's board
        (the model's `new_row_defaults(viewer)`, when it has one)."""
        defaults = getattr(self.model, "new_row_defaults", None)
        found: dict[str, Any] = defaults(self.viewer) if callable(defaults) else {}
        return found

    def prepare(self) -> None:
        self.known = {self._normal(str(key)): pk for pk, key in self.rows().values_list("pk", self._key_column())}

    def _key_column(self) -> str:
        return self.latvian_column() if self.key_field == "name" else self.key_field

    @staticmethod
    def _normal(key: str) -> str:
        return key.strip().casefold()

    def parse(self, values: dict[str, str]) -> ReferenceRow:
        key_column = self.columns[0]
        key = parse_required(values, key_column, max_length=self.max_length)
        texts: dict[str, str] = {}
        for code, column in zip(TEXT_LANGUAGES, self.text_columns(), strict=True):
            if column == key_column:
                texts[column] = key
                continue
            text = parse_text(values, column, max_length=self.max_length) if column in values else ""
            if text:
                texts[column] = text
            elif code == TEXT_LANGUAGES[0] and self._normal(key) not in self.known:
                raise RowProblem(column, _("a new record needs its Latvian name"))
        extra: dict[str, Any] = {}
        if self._normal(key) not in self.known:
            try:
                extra = self.new_row_defaults()
            except ValidationError as error:
                raise RowProblem(key_column, " ".join(error.messages)) from None
        return ReferenceRow(key=key, texts=texts, extra=extra)

    def key(self, record: ReferenceRow) -> str:
        return self._normal(record.key)

    def describe(self, record: ReferenceRow) -> str:
        return record.key

    def write(self, records: list[ReferenceRow], result: ImportResult) -> None:
        manager = self.model._default_manager
        latvian = self.latvian_column()
        for record in records:
            values: dict[str, Any] = {
                (latvian if column == f"{self.text_field}_lv" else column): text
                for column, text in record.texts.items()
            }
            pk = self.known.get(self.key(record))
            if pk is None:
                values.update(record.extra)
                if self.key_field != "name":
                    values[self.key_field] = record.key
                if self.order_field:
                    last = self.rows().aggregate(last=models.Max(self.order_field))["last"] or 0
                    values[self.order_field] = last + 1
                created = manager.create(**values)
                self.known[self.key(record)] = created.pk
                self.counted(
                    result,
                    "created",
                    record,
                    {
                        name: ("", value if isinstance(value, str | int) else str(value))
                        for name, value in values.items()
                    },
                )
                continue
            found = manager.select_for_update().get(pk=pk)
            changes = {
                name: (getattr(found, name), value) for name, value in values.items() if getattr(found, name) != value
            }
            if not changes:
                self.counted(result, "unchanged", record)
                continue
            for name, (_old, value) in changes.items():
                setattr(found, name, value)
            also = ["version"] if any(f.name == "version" for f in self.model._meta.get_fields()) else []
            if also:
                found.version += 1  # type: ignore[attr-defined]
            found.save(update_fields=[*changes, *also])
            self.counted(result, "updated", record, changes, label=found)


def reference_importer(
    model: type[models.Model],
    *,
    kind: str,
    title: Any,
    permission: str,
    key_field: str = "code",
    text_field: str = "name",
    order_field: str = "",
    max_length: int = 120,
) -> type[ReferenceImporter]:
    """The importer of one reference list (an area registers it under `reference` in its AppConfig.ready)."""
    lv, en, ru = (f"{text_field}_{code}" for code in TEXT_LANGUAGES)
    key_columns = [] if key_field == "name" else [key_field]
    example_key = [] if key_field == "name" else ["example"]
    attributes = {
        "__module__": __name__,
        "__doc__": f"The {kind} list in three languages.",
        "model": model,
        "kind": kind,
        "title": title,
        "permission": permission,
        "key_field": key_field,
        "text_field": text_field,
        "order_field": order_field,
        "max_length": max_length,
        "columns": [*key_columns, lv, en, ru],
        "optional_columns": frozenset({en, ru} | ({lv} if key_columns else set())),
        "example": [*example_key, "Piemērs", "Example", "Пример"],
    }
    return type(f"{model.__name__}ReferenceImporter", (ReferenceImporter,), attributes)

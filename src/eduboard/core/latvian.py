# ruff: noqa: S608, S611 - the SQL below names tables and columns of SEARCH_INDEXES only; searched words are parameters
"""Latvian text for people: search that ignores case and diacritics, and the Latvian alphabetical order.

Both are kept as columns computed from the row (`LatvianKeyField`) and written on every save, `bulk_create`
and `core.imports.insert_rows`, so a search or an ordering is one indexed column on SQLite and PostgreSQL
alike, whatever collation the database was created with.

- `fold("Bērziņa-Ozola")` is `"berzina ozola"`: lower case, no diacritics, words split at anything that is
  not a letter or digit. A search folds the words typed the same way and matches the start of a word, so
  "BĒRZIŅA", "Berzina" and "bērz" all find "Bērziņa", and "KIMIJAS" finds "Ķīmijas".
- `sort_key(text)` orders as the Unicode collation for Latvian (CLDR `lv`, as PostgreSQL's `lv-x-icu`):
  č, ģ, ķ, ļ, ņ, š, ž and y are letters of their own (c < č < d, i < y < j), the long vowels ā, ē, ī, ū
  differ from a, e, i, u only where the words are otherwise equal, space and punctuation come before
  digits and digits before letters; and numbers in the text compare by value ("4. PII" before "13. PII",
  groups 1, 2, …, 10, 11). The key holds only the characters 0–9 and a–z, whose byte order is the
  same under every collation, so `ORDER BY` on the column is the Latvian order everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

# The Latvian alphabet as CLDR sorts it (with the Latin letters Latvian words do not use); a letter with a
# long-vowel mark or any other accent not listed here sorts as its base letter, at the second level.
ALPHABET = "abcčdefgģhiyjkķlļmnņopqrsštuvwxzž"
_NUMBER = re.compile(r"(\d+)")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# Characters handled by the translation tables below; beyond them, one character at a time.
_TABLE_END = 0x0530


def _base36(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 36)
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits))


def _primary_token(char: str) -> tuple[str, str]:
    """(primary token, second-level mark) of one lower-case character that is not a digit."""
    if char in ALPHABET:
        return "4" + _base36(ALPHABET.index(char), 1), "0"
    decomposed = unicodedata.normalize("NFKD", char)
    base = decomposed[:1]
    if base and base != char and base in ALPHABET and len(decomposed) > 1:
        return "4" + _base36(ALPHABET.index(base), 1), "1"
    if char.isspace():
        return "1", ""
    if char.isalpha() or char.isnumeric():  # other scripts (Cyrillic …) after the Latin letters, by code point
        plain = base if base and base.isalpha() else char
        return "5" + _base36(ord(plain), 4), "0" if plain == char else "1"
    return "2", ""


def _fold_char(char: str) -> str:
    kept = "".join(c for c in unicodedata.normalize("NFKD", char.lower()) if not unicodedata.combining(c))
    return kept if kept.isalnum() else " "


_PRIMARY: dict[int, str] = {}
_SECOND: dict[int, str] = {}
_CASE: dict[int, str] = {}
_FOLD: dict[int, str] = {}
for _code in range(_TABLE_END):
    _char = chr(_code)
    _lower = _char.lower()
    _FOLD[_code] = _fold_char(_char)
    if _char.isdecimal():  # digit runs are replaced before the table applies
        continue
    _PRIMARY[_code], _SECOND[_code] = _primary_token(_lower[:1] or _char)
    _CASE[_code] = ("1" if _char != _lower else "0") if _SECOND[_code] else ""


def _number_token(digits: str) -> str:
    value = str(int(digits))
    return "3" + _base36(min(len(value), 35), 1) + value[:35]


def _translate(text: str, table: dict[int, str], per_char: Any) -> str:
    if max(text, default="") < "\u0530":
        return text.translate(table)
    return "".join(table[ord(c)] if ord(c) < _TABLE_END else per_char(c) for c in text)


def _primary(lower: str) -> str:
    """The first-level tokens of lower-case `text`: a run of digits is one token by its value."""
    if _NUMBER.search(lower) is None:
        return _translate(lower, _PRIMARY, lambda c: _primary_token(c)[0])
    parts = _NUMBER.split(lower)  # text, digits, text, digits, …, text
    return "".join(
        _number_token(part) if index % 2 else _translate(part, _PRIMARY, lambda c: _primary_token(c)[0])
        for index, part in enumerate(parts)
    )


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return " ".join(_translate(word, _FOLD, _fold_char).split())


def fold(text: str) -> str:
    """`text` for searching: lower case, without diacritics, one space between words."""
    # Word by word, each remembered: names repeat, and an import computes this for every row.
    return " ".join(filter(None, map(_fold_word, text.split())))


def search_words(text: str) -> list[str]:
    """The words of a search as `fold` writes them."""
    return fold(text).split()


@lru_cache(maxsize=200_000)
def _word_key(word: str) -> tuple[str, str, str]:
    """The three levels of one word (no spaces in it): first-level tokens, second-level and case marks."""
    letters = _NUMBER.sub("", word)
    second = _translate(letters.lower(), _SECOND, lambda c: _primary_token(c)[1])
    case = _translate(letters, _CASE, lambda c: ("1" if c != c.lower() else "0") if c.isalpha() else "")
    return _primary(word.lower()), second, case


def sort_key(text: str, max_length: int = 255) -> str:
    """A key whose byte order is the Latvian alphabetical order of `text`, numbers by value (see above)."""
    # Word by word, each remembered (names repeat); a space is the first-level token "1" between words.
    parts = list(map(_word_key, text.split()))
    if not parts:
        return "00"
    primary, second, case = zip(*parts, strict=True)
    return f"{'1'.join(primary)}0{''.join(second)}0{''.join(case)}"[:max_length]


class LatvianKeyField(models.CharField):
    """A column computed from other columns of the row: `kind="search"` holds `fold` of them (with a leading
    space, so a word's start is " " + the word), `kind="sort"` holds `sort_key` of them joined by a space.

    Written on every `save()` and `bulk_create` (Django asks each field for its value then) and by
    `core.imports.insert_rows`; a save with `update_fields` naming a source writes the key too (see
    `LatvianKeysMixin`). Never edited by hand, never shown.
    """

    description = "A search or sort key computed from other fields"

    def __init__(self, *args: Any, sources: Sequence[str] = (), kind: str = "sort", **kwargs: Any) -> None:
        self.sources = tuple(sources)
        self.kind = kind
        kwargs.setdefault("max_length", 255)
        kwargs["editable"] = False
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        kwargs["kind"] = self.kind
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 255:
            kwargs.pop("max_length")
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def compute(self, values: Iterable[Any]) -> str:
        """The key of the sources' values, in the order of `sources`."""
        text = " ".join([value if isinstance(value, str) else str(value) for value in values if value])
        if self.kind == "search":
            return (" " + fold(text))[: self.max_length]
        return sort_key(text, self.max_length or 255)

    def value_for(self, instance: models.Model) -> str:
        return self.compute(getattr(instance, source) for source in self.sources)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.value_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def key_fields(model: type[models.Model]) -> list[LatvianKeyField]:
    """The model's computed key columns."""
    return [field for field in model._meta.concrete_fields if isinstance(field, LatvianKeyField)]


def refresh_keys(instance: models.Model) -> list[str]:
    """Compute the keys of `instance` now (before a `bulk_update`); returns their field names."""
    names = []
    for field in key_fields(type(instance)):
        setattr(instance, field.attname, field.value_for(instance))
        names.append(field.name)
    return names


class LatvianKeysMixin(models.Model):
    """A model with `LatvianKeyField`s: a save that writes only some fields writes the keys computed from them."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            named = set(update_fields)
            extra = [
                field.name
                for field in key_fields(type(self))
                if field.name not in named and named.intersection(field.sources)
            ]
            if extra:
                kwargs["update_fields"] = [*update_fields, *extra]
        super().save(*args, **kwargs)


def fill_keys(app_label: str, *model_names: str) -> Any:
    """A migration step that computes the key columns of the rows already stored."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        for model_name in model_names:
            model = apps.get_model(app_label, model_name)
            fields = key_fields(model)
            names = [source for field in fields for source in field.sources]
            batch = []
            for row in model._default_manager.only("pk", *names).iterator(chunk_size=2000):
                refresh_keys(row)
                batch.append(row)
                if len(batch) == 2000:
                    model._default_manager.bulk_update(batch, [field.name for field in fields])
                    batch = []
            if batch:
                model._default_manager.bulk_update(batch, [field.name for field in fields])

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)


# The search columns with an index of their own (table, column): a trigram index on PostgreSQL, an FTS5 table
# kept by triggers on SQLite (`search_index`, `ensure_search_indexes`).
SEARCH_INDEXES: list[tuple[str, str]] = [("registry_learner", "search_name"), ("people_staffmember", "search_name")]


def _sqlite_fts_statements(table: str, column: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{table}', content_rowid='id')",
        # A bulk insert (`paused_search_index`) indexes its rows in one statement at its end: row by row through
        # the trigger costs ten times as much (41 against 4 µs a row).
        "CREATE TABLE IF NOT EXISTS eduboard_search_pause (name TEXT PRIMARY KEY)",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM eduboard_search_pause WHERE name = '{table}') BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def _create_search_index(connection: Any, table: str, column: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            )
        elif connection.vendor == "sqlite":
            for statement in _sqlite_fts_statements(table, column):
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def search_index(table: str, column: str) -> Any:
    """A migration step giving the search column `table.column` an index for word searches: on PostgreSQL a trigram
    index (`pg_trgm`; `LIKE '% word%'` reads it), on SQLite an FTS5 table of the column kept by triggers (a search
    asks it for the words' prefixes)."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        _create_search_index(schema_editor.connection, table, column)

    def backward(apps: Any, schema_editor: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
            elif schema_editor.connection.vendor == "sqlite":
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")

    return migrations.RunPython(forward, backward)


@contextmanager
def paused_search_index(model: type[models.Model]) -> Iterator[None]:
    """Around a bulk insert into `model`'s table on SQLite: the rows inserted are added to the FTS index in one
    statement at the end instead of one by one (in one transaction, so no other writer's row is missed)."""
    table = model._meta.db_table
    column = dict(SEARCH_INDEXES).get(table)
    if connection.vendor != "sqlite" or column is None:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            (last,) = cursor.fetchone()
            cursor.execute("INSERT OR IGNORE INTO eduboard_search_pause (name) VALUES (%s)", [table])
        yield
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM eduboard_search_pause WHERE name = %s", [table])
            cursor.execute(
                f"INSERT INTO {table}_fts(rowid, {column}) SELECT id, {column} FROM {table} WHERE id > %s", [last]
            )


def ensure_search_indexes(using: str = "default", **kwargs: Any) -> None:
    """After every migrate (post_migrate): on SQLite, make the FTS tables and triggers again where a migration that
    rebuilt a table (SQLite's way to alter one) dropped its triggers, and fill the index from the table."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    for table, column in SEARCH_INDEXES:
        if table not in tables:
            continue  # not migrated yet
        wanted = {f"{table}_fts_{suffix}" for suffix in ("ai", "ad", "au")}
        if f"{table}_fts" not in tables or not wanted <= triggers:
            _create_search_index(connection, table, column)


# The names the key columns have on every model (left out of the audit trail: they follow their sources).
KEY_FIELD_NAMES = ["search_name", "sort_name"]


def words_match(value: str, field: str = "search_name", *, indexed: type[models.Model] | None = None) -> Q:
    """A condition: every word of `value` starts a word of the `kind="search"` column `field`, whatever the
    case and diacritics ("berz" and "BĒRZIŅA" both match "Bērziņa"). No words: every row.

    With `indexed` (the model whose table is in SEARCH_INDEXES, `field` its search column or a path to it): on
    SQLite the words are looked up in the column's FTS5 index; on PostgreSQL `LIKE '% word%'` reads the trigram
    index by itself."""
    words = search_words(value)
    if not words:
        return Q()
    if indexed is not None and connection.vendor == "sqlite":
        table = indexed._meta.db_table
        prefix = field.rsplit("__", 1)[0] + "__" if "__" in field else ""
        match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        return Q(
            **{
                f"{prefix}pk__in": RawSQL(
                    f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",
                    [match],
                )
            }
        )
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": " " + word})
    return condition


def found_order(field: str = "sort_name", *, descending: bool = False) -> Any:
    """The ordering for rows found by a name search: on PostgreSQL an expression of `field` rather than the field,
    so the few rows found are sorted instead of the planner walking the whole sort index looking for them (it
    misjudges how the matches spread over it: 320 ms against 12 ms on the national set, bench/bench_search.py)."""
    if connection.vendor != "postgresql":
        return f"-{field}" if descending else field
    key = Concat(F(field), Value(""), output_field=models.CharField())
    return key.desc() if descending else key.asc()

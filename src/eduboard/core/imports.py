"""The import framework: CSV or XLSX in, all or nothing, every bad row named.

An import has two passes. The first reads and checks every row and collects every error as
`row N, column C: reason` (the header is row 1). Only a file without errors gets the second pass,
which writes in chunks inside one transaction, so a file is saved whole or not at all. Rows are
streamed: memory depends on the chunk size, not on the file's length. The rows' keys
(to find duplicate rows, and rows that give one person two names) are written as 64-bit digests to
a private temporary SQLite file (`KeyIndex`) and compared there after the last row; only the first
1,000 errors are kept. The first pass also keeps the records it parsed, pickled in chunks to a
private temporary file (`RecordSpool`); the second pass writes exactly those records, so the file is
read and parsed once, and what is saved is what was checked. An import runs in one thread on one
database connection: the job's worker.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import io
import os
import pickle
import queue
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook, load_workbook

from eduboard.core import uploads
from eduboard.core.bulk_rows import (  # noqa: F401 - the importers' bulk reads and writes, re-exported here
    analyze_database,
    analyze_tables,
    insert_rows,
    select_where_in,
    tables_outgrown,
)
from eduboard.core.scope import Viewer, institution_scope
from eduboard.core.text import CONTROL_CHARACTER, first_control_character, first_invisible_character
from eduboard.core.versions import _stamped

MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 2000  # rows between two reports of the check pass's progress
CHUNK_SIZE = 10_000  # rows per chunk: fewer round trips, and a few chunks in memory at most (docs/performance.md)
ANALYZE_AFTER_ROWS = 10_000  # an import that creates or changes this many rows refreshes the planner's statistics

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in all)
FOUND: Any = object()  # `ScopedImporter.write_changes`'s default label: the row written


@dataclass(frozen=True)
class RowError:
    """One problem of one cell (or of a whole row, or of the header)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportFailed(Exception):
    """The file was refused; nothing of it was saved."""

    def __init__(self, errors: Sequence[RowError], total_errors: int | None = None) -> None:
        self.errors = list(errors)
        self.total_errors = total_errors if total_errors is not None else len(self.errors)
        super().__init__("\n".join(str(error) for error in self.errors))


#: Sent when an importer has saved a file (inside the caller's transaction, if any), with `viewer` (whose rows they
#: were) and `result`: the data-quality checks run after every import (dataquality.apps).
import_saved = Signal()
#: The rows of each action (created, updated, unchanged) an import preview lists (core.import_preview).
PREVIEW_ROWS = 5


@dataclass
class ImportResult:
    """What an import did."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    logged: int = 0  # entries of the change log (objects created or changed), when one is kept

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class ErrorList(list[RowError]):
    """The errors of a file: the first MAX_REPORTED_ERRORS kept, the rest only counted (bounded memory)."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self) < MAX_REPORTED_ERRORS:
            super().append(error)


class RowProblem(Exception):
    """Raised by a parser for one cell."""

    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(message)


@dataclass
class TableFile:
    """A CSV or XLSX file to read row by row, looked at first (`eduboard.core.uploads`).

    CSV: a header row; UTF-8 (with or without BOM), UTF-16 with a BOM, or the `encoding` given (a codec
    name such as "cp1257"; None: automatic); separated by commas, semicolons or tabs, as its header line
    is. XLSX: the first sheet, a header row. A file that is none of these, too big, or not in its
    encoding is refused with one error (`ImportFailed`) before any row is read.
    """

    path: Path
    encoding: str | None = None
    fmt: str = field(init=False)
    codec: str = field(init=False, default="utf-8-sig")  # how a CSV is decoded
    delimiter: str = field(init=False, default=",")

    def __post_init__(self) -> None:
        suffix = self.path.suffix.lower()
        if suffix not in {".csv", ".xlsx"}:
            raise ImportFailed([RowError(0, "-", _("The file must be .csv or .xlsx; got “%s”.") % self.path.name)])
        self.fmt = suffix[1:]
        with _file_refusals(self.path):
            self.encoding = uploads.normalise_encoding(self.encoding)
            with self.path.open("rb") as handle:
                uploads.check_size(os.fstat(handle.fileno()).st_size)
                if self.fmt == "xlsx":
                    uploads.check_xlsx(handle)
                else:
                    text_format = uploads.check_csv(handle, self.encoding)
                    self.codec, self.delimiter = text_format.codec, text_format.delimiter

    def count_rows(self) -> int:
        """Data rows (without the header), for the progress bar. A CSV is decoded whole here, so a byte not in
        its encoding is refused now, naming its line, before any row is checked."""
        with _file_refusals(self.path):
            if self.fmt == "csv":
                with self.path.open("rb") as handle:
                    return max(uploads.count_lines(handle, self.codec) - 1, 0)
            with uploads.reading_xlsx(self.path):
                workbook = load_workbook(self.path, read_only=True)
                try:
                    return max((workbook.worksheets[0].max_row or 1) - 1, 0)
                finally:
                    workbook.close()

    def rows(self) -> Iterator[list[str]]:
        """Every row, the header first, as lists of stripped strings."""
        if self.fmt == "csv":
            yield from self._csv_rows()
            return
        with _file_refusals(self.path), uploads.reading_xlsx(self.path):
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            with _file_refusals(self.path), uploads.reading_xlsx(self.path):
                rows = workbook.worksheets[0].iter_rows(values_only=True)
            while True:
                with _file_refusals(self.path), uploads.reading_xlsx(self.path):  # around openpyxl only, not the yield
                    values = next(rows, None)
                if values is None:
                    return
                yield [_xlsx_text(value) for value in values]
        finally:
            workbook.close()

    def _csv_rows(self) -> Iterator[list[str]]:
        with self.path.open(encoding=self.codec, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            strip = str.strip
            try:
                # The errors below come from reading only: what the caller raises reaches the `yield`, not here.
                for row in reader:
                    yield list(map(strip, row))
            except UnicodeDecodeError:  # count_rows() was not called first: find the line and name it
                with _file_refusals(self.path), self.path.open("rb") as raw:
                    uploads.count_lines(raw, self.codec)
                raise ImportFailed([RowError(0, "-", _("the file is not in its encoding"))]) from None
            except csv.Error:
                reason = _("the line cannot be read as CSV (a cell longer than %d characters?)")
                raise ImportFailed([RowError(reader.line_num, "-", reason % csv.field_size_limit())]) from None


@contextmanager
def _file_refusals(path: Path) -> Iterator[None]:
    """A file refused (`uploads.FileRefused`) or not opened, as the import's one error."""
    try:
        yield
    except uploads.FileRefused as refused:
        raise ImportFailed([RowError(refused.row, "-", refused.message)]) from None
    except FileNotFoundError:
        raise ImportFailed([RowError(0, "-", _("there is no file “%s”") % path.name)]) from None
    except IsADirectoryError:
        raise ImportFailed([RowError(0, "-", _("“%s” is a folder, not a file") % path.name)]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImportFailed([RowError(0, "-", _("the file could not be opened (%s)") % reason)]) from None


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):  # datetime from a date-formatted cell
        return str(value.date().isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- cell parsers shared by importers: each raises RowProblem naming its column.


#: Texts up to this length are single-line (a name, a title, a code): they refuse invisible and direction-changing
#: characters as the models' single-line fields do (core.text); longer ones are free text.
SINGLE_LINE_MAX = 255


def parse_required(values: dict[str, str], column: str, *, max_length: int | None = None) -> str:
    value = values.get(column, "")
    if not value:
        raise RowProblem(column, _("a value is required"))
    return check_single_line(column, check_length(column, value, max_length), max_length)


def parse_text(values: dict[str, str], column: str, *, max_length: int) -> str:
    """An optional text cell, empty when absent."""
    return check_single_line(column, check_length(column, values.get(column, ""), max_length), max_length)


def check_single_line(column: str, value: str, max_length: int | None) -> str:
    """A single-line text (a limit up to SINGLE_LINE_MAX) with no invisible or direction-changing character."""
    if max_length is not None and max_length <= SINGLE_LINE_MAX:
        found = first_invisible_character(value)
        if found is not None:
            raise RowProblem(
                column,
                _("an invisible character (%(character)s) at position %(position)d is not allowed")
                % {"character": found[0], "position": found[1]},
            )
    return value


def check_length(column: str, value: str, max_length: int | None) -> str:
    if max_length is not None and len(value) > max_length:
        raise RowProblem(
            column,
            _("%(length)d characters, at most %(limit)d are allowed") % {"length": len(value), "limit": max_length},
        )
    return value


def parse_date(values: dict[str, str], column: str, *, required: bool = True) -> date | None:
    value = values.get(column, "")
    if not value:
        if required:
            raise RowProblem(column, _("a date is required (YYYY-MM-DD)"))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowProblem(column, _("“%s” is not a date written YYYY-MM-DD") % value) from None


#: How files say yes and no (English, Latvian with or without its long vowel, digits, spreadsheet booleans).
YES_NO = {"yes": True, "jā": True, "ja": True, "1": True, "true": True, "no": False, "nē": False, "ne": False,
          "0": False, "false": False}  # fmt: skip


def parse_yes_no(values: dict[str, str], column: str, *, default: bool | None = None) -> bool:
    """A yes/no cell (`YES_NO`, any case); an empty one is `default`, or refused when there is none."""
    answer = values.get(column, "").strip().casefold()
    if not answer and default is not None:
        return default
    if answer not in YES_NO:
        raise RowProblem(column, _("“%s” is not one of yes|no|1|0|jā|nē") % values.get(column, ""))
    return YES_NO[answer]


def parse_choice(values: dict[str, str], column: str, allowed: Sequence[str], *, default: str | None = None) -> str:
    value = values.get(column, "")
    if not value and default is not None:
        return default
    if value not in allowed:
        raise RowProblem(
            column, _("“%(value)s” is not one of %(allowed)s") % {"value": value, "allowed": "|".join(allowed)}
        )
    return value


def parse_int(
    values: dict[str, str],
    column: str,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    value = values.get(column, "")
    if not value:
        if required:
            raise RowProblem(column, _("a whole number is required"))
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowProblem(column, _("“%s” is not a whole number") % value) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise RowProblem(
            column, _("%(value)s is outside %(low)s–%(high)s") % {"value": number, "low": minimum, "high": maximum}
        )
    return number


def check(column: str, validator: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Run a model validator and turn its ValidationError into a RowProblem for `column`."""
    try:
        validator(*args, **kwargs)
    except ValidationError as error:
        raise RowProblem(column, " ".join(error.messages)) from None


class KeyIndex:
    """The keys and identities of a file's rows, on disk rather than in memory, to find duplicates.

    A private temporary SQLite database (Python's `sqlite3`, whatever the main database is; SQLite
    deletes the file when the index is closed). The check pass appends one row per data row, as
    64-bit digests: (row, key, identity, values). Appending is sequential, so it costs little
    however long the file; at the end one query sorts them (SQLite's sorter spills to disk rather
    than growing in memory) and names, in row order:
    - rows whose identity (e.g. a personal code) has other values (e.g. names) than in its first row;
    - rows whose key was in an earlier row (not counting the rows above), with that first row.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)  # "": a temporary on-disk database
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-2048")  # KiB: at most 2 MiB of pages in memory, the rest on disk
        self.db.execute("CREATE TABLE seen (row INTEGER, key INTEGER, identity INTEGER, value INTEGER)")
        self.db.execute("BEGIN")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> KeyIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def add(self, rows: Sequence[tuple[int, int, int | None, int | None]]) -> None:
        """Remember (row, key digest, identity digest or None, values digest or None) of some rows."""
        self.db.executemany("INSERT INTO seen VALUES (?, ?, ?, ?)", rows)

    def problems(self) -> Iterator[tuple[int, int | None]]:
        """(row, None) for an identity with other values than in its first row, (row, first row) for a
        duplicate key; in row order."""
        return iter(
            self.db.execute(
                """
                WITH checked AS (
                    SELECT row, key, identity IS NOT NULL
                        AND value <> first_value(value) OVER (PARTITION BY identity ORDER BY row) AS conflict
                    FROM seen
                ), firsts AS (
                    SELECT row, first_value(row) OVER (PARTITION BY key ORDER BY row) AS first
                    FROM checked WHERE NOT conflict
                )
                SELECT row, NULL FROM checked WHERE conflict
                UNION ALL
                SELECT row, first FROM firsts WHERE row <> first
                ORDER BY 1
                """
            )
        )


class ChunkSink(Protocol):
    """Where the check pass hands its parsed records, a chunk at a time, with the file's row number of each."""

    def add(self, records: list[Any], rows: list[int]) -> None: ...


class ChangeLog:
    """The per-row change log of one import: what each row of the file created or changed, old and new values.

    A gzip-compressed CSV (`row,action,object,field,old,new`) written while the rows are saved, into a
    `.part` file beside its final place; `keep()` moves it there once the import's transaction has
    committed and `discard()` removes it when the import was refused, so the log of a job always tells
    what that job did. Unchanged rows are not listed (the job counts them). Text is written formula-safe.
    """

    COLUMNS: ClassVar[list[str]] = ["row", "action", "object", "field", "old", "new"]

    def __init__(self, path: Path) -> None:
        from eduboard.core.exports import csv_safe  # text that looks like a formula gets a leading apostrophe

        self.path = path
        self.part = path.with_name(path.name + ".part")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = gzip.open(self.part, "wt", encoding="utf-8", newline="")  # noqa: SIM115 - closed by keep/discard
        self.writer = csv.writer(self.file)
        self.writer.writerow(self.COLUMNS)
        self.safe = csv_safe
        self.entries = 0

    def add(self, row: int, action: str, label: str, changes: Mapping[str, tuple[Any, Any]] | None) -> None:
        safe = self.safe
        if not changes:
            self.writer.writerow([row, action, safe(label), "", "", ""])
        else:
            for name, (old, new) in changes.items():
                self.writer.writerow([row, action, safe(label), name, safe(log_text(old)), safe(log_text(new))])
        self.entries += 1

    def keep(self) -> Path:
        self.file.close()
        os.replace(self.part, self.path)
        return self.path

    def discard(self) -> None:
        self.file.close()
        self.part.unlink(missing_ok=True)


def log_text(value: Any) -> str:
    """A value as a change log (and an import's preview) writes it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RecordSpool:
    """The records of a file's check pass, in chunks on disk, for the write pass to read back.

    An anonymous temporary file (gone when closed); each chunk is one pickle, so memory holds one
    chunk at a time however long the file is.
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() / the context manager

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> RecordSpool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def add(self, records: list[Any], rows: list[int]) -> None:
        if records:
            pickle.dump((records, rows), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def chunks(self) -> Iterator[tuple[list[Any], list[int]]]:
        """Every chunk added, in order: (records, their row numbers)."""
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - our own file, written by add() in this process
            except EOFError:
                return


# While the check thread runs Python, the writing thread waits for the interpreter lock each time the database
# answers; Python hands it over every 5 ms by default. A shorter interval lets the writer send the next rows
# sooner: the PostgreSQL learners import measured 5.1 s instead of 6.9 s (median of three, docs/performance.md).
IMPORT_SWITCH_INTERVAL = 0.0005


@contextmanager
def short_thread_switches() -> Iterator[None]:
    """Python's thread switch interval set to IMPORT_SWITCH_INTERVAL for the block, then restored."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(IMPORT_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class CheckedChunks:
    """The chunks a check thread hands to the writing thread: a small queue (memory stays a few chunks), the check
    thread's error, and a stop for when the writer fails first (the check thread then drops what it checks)."""

    WAITING = 2  # chunks checked ahead of the writer at most

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[list[Any], list[int]] | None] = queue.Queue(maxsize=self.WAITING)
        self.error: BaseException | None = None
        self.stopped = threading.Event()
        self.language = translation.get_language()  # the errors in the language of the thread that asked

    def add(self, records: list[Any], rows: list[int]) -> None:  # ChunkSink, in the check thread
        while records and not self.stopped.is_set():
            try:
                self.queue.put((records, rows), timeout=0.1)
                return
            except queue.Full:
                continue

    def check(self, importer: Importer, table: TableFile, progress: Progress | None, total: int) -> None:
        """The check thread's work: every row, handed over in chunks; the end (or the error) marked."""
        try:
            with translation.override(self.language):
                importer.check_file(table, progress, total, sink=self, prepared=True)
        except BaseException as error:  # handed to the writing thread
            self.error = error
        finally:
            self._put_end()

    def _put_end(self) -> None:
        while not self.stopped.is_set():
            try:
                self.queue.put(None, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[tuple[list[Any], list[int]]]:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                return  # a bad row: nothing more is written (the transaction is rolled back)
            yield item

    def stop(self) -> None:
        self.stopped.set()

    def drain(self) -> None:
        """Take (and drop) every chunk until the check ends, so the check runs to its verdict."""
        while self.queue.get() is not None:
            continue


def digest(value: Hashable) -> int:
    """A 64-bit digest of a key (stable within one process, which is all an import needs)."""
    return hash(value)


class Importer:
    """Base of every file importer: subclasses name columns, parse a row, and write chunks."""

    do_not_call_in_templates: ClassVar[bool] = True  # templates read an importer class's kind, title and columns
    kind: ClassVar[str]
    title: ClassVar[Any] = ""  # what people read for the kind (a translated text), e.g. "Learners and enrolments"
    columns: ClassVar[list[str]]
    optional_columns: ClassVar[frozenset[str]] = frozenset()
    codes: ClassVar[dict[str, StrOrPromise]] = {}  # column -> allowed codes, for templates and help
    example: ClassVar[list[str]] = []

    permission: ClassVar[str] = ""  # needed to use this importer from the pages

    #: The column named when two rows give one identity (see `identity`) different values.
    identity_column: ClassVar[str] = "-"
    #: Check the file in a second thread while this one writes the chunks already checked (`_run_overlapped`).
    #: Only for importers whose `parse`, `key`, `identity` and `check_references` use nothing but the lookups
    #: `prepare` loaded (the check thread never touches the database).
    check_while_writing: ClassVar[bool] = False
    #: Tables whose planner statistics a large import refreshes when it ends (see `analyze_tables`).
    analyze_models: ClassVar[tuple[type[models.Model], ...]] = ()

    def __init__(self, *, viewer: Viewer) -> None:
        """`viewer`: whose import this is; rows may only touch what the viewer may change (WHOLE_CITY for the
        board's commands)."""
        self.viewer = viewer
        self.scope: set[int] | None = institution_scope(viewer)
        self.current_row = 1  # the row parse() is reading, for errors a later hook reports
        self.change_log: ChangeLog | None = None  # set by run() when the job keeps a change log
        self._chunk_rows: dict[int, int] = {}  # id(record) -> its row in the file, for the chunk being written
        # A preview (core.import_preview): the first rows of each action, kept while the import is rolled back.
        self.preview_rows: dict[str, list[tuple[int, str, dict[str, tuple[Any, Any]]]]] | None = None

    @property
    def names_rows(self) -> bool:
        """Whether what a row did is kept under its name (a change log or a preview): an importer may skip making
        the names otherwise."""
        return self.change_log is not None or self.preview_rows is not None

    # -- to override
    def prepare(self) -> None:
        """Load the lookups (institutions, groups, …) the rows refer to; called before each pass."""

    def parse(self, values: dict[str, str]) -> Any:
        """Turn one row into a parsed record, raising RowProblem for a bad cell."""
        raise NotImplementedError

    def key(self, record: Any) -> Any:
        """The natural key of a record; two rows with one key are a duplicate."""
        raise NotImplementedError

    def identity(self, record: Any) -> tuple[Hashable, Hashable] | None:
        """(an identity, its values): every row with the same identity must have the same values.

        E.g. (personal code, (first name, last name, birth date)): a later row that gives one code
        other values is refused as `row N, column <identity_column>: <identity_message()>`.
        None (the default): no such rule.
        """
        return None

    def identity_message(self) -> str:
        """The reason given for a row whose identity has other values than in an earlier row."""
        return _("the same identity has other values in an earlier row")

    def write(self, records: list[Any], result: ImportResult) -> None:
        """Save one chunk of records (inside the import's transaction)."""
        raise NotImplementedError

    def describe(self, record: Any) -> str:
        """How the change log names the object a record is about (override with something a person reads)."""
        return str(self.key(record))

    def counted(
        self,
        result: ImportResult,
        action: str,
        record: Any,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
        *,
        label: object = None,
    ) -> None:
        """Count what `write` did with one record (`created`, `updated` or `unchanged`) and, for a created or
        changed object, write it to the job's change log with its row, and old and new values of each field changed.

        `label`: what the log names (a model instance or a text; `str()` is taken only when a log is kept),
        by default `describe(record)`."""
        setattr(result, action, getattr(result, action) + 1)
        if self.change_log is not None and action != "unchanged":
            row = self._chunk_rows.get(id(record), 0)
            self.change_log.add(row, action, str(label) if label is not None else self.describe(record), changes)
        if self.preview_rows is not None and len(self.preview_rows[action]) < PREVIEW_ROWS:
            named = str(label) if label is not None else self.describe(record)
            self.preview_rows[action].append((self._chunk_rows.get(id(record), 0), named, dict(changes or {})))

    def write_chunk(self, records: list[Any], rows: list[int], result: ImportResult) -> None:
        """Write one chunk, knowing each record's row for the change log."""
        self._chunk_rows = {id(record): row for record, row in zip(records, rows, strict=True)}
        try:
            self.write(records, result)
        finally:
            self._chunk_rows = {}
        result.rows += len(records)

    def check_references(self) -> list[RowError]:
        """After pass 1: errors of references that only the whole file can settle (e.g. to a later row)."""
        return []

    def finish(self, result: ImportResult) -> None:
        """After the last chunk is written, inside the transaction: whatever needs every row saved first."""

    # -- the machinery
    def _header(self, header: list[str]) -> tuple[dict[str, int], list[RowError]]:
        positions = {name: index for index, name in enumerate(header) if name}
        errors = [
            RowError(1, column, _("missing column"))
            for column in self.columns
            if column not in positions and column not in self.optional_columns
        ]
        return positions, errors

    def _records(self, table: TableFile, errors: list[RowError]) -> Iterator[tuple[int, Any]]:
        rows = table.rows()
        header = next(rows, None)
        if header is None:
            raise ImportFailed([RowError(1, "-", _("the file is empty"))])
        positions, header_errors = self._header(header)
        if header_errors:
            raise ImportFailed(header_errors)
        names = list(positions)
        # The named cells of a row in one call (itemgetter of one index gives the cell, not a tuple).
        pick = itemgetter(*positions.values()) if len(names) > 1 else (lambda row: (row[positions[names[0]]],))
        width = max(positions.values(), default=-1) + 1
        for number, row in enumerate(rows, start=2):
            if not any(row):
                continue
            if len(row) < width:  # a short row: the missing cells are empty
                row = row + [""] * (width - len(row))
            values = dict(zip(names, pick(row), strict=True))
            self.current_row = number
            if CONTROL_CHARACTER.search("\t".join(values.values())) is not None:  # one search a row, not a cell
                column, found = next(
                    (column, hit) for column, value in values.items() if (hit := first_control_character(value))
                )
                errors.append(RowError(number, column, _("a control character (%s) is not allowed in text") % found[0]))
                continue
            try:
                record = self.parse(values)
            except RowProblem as problem:
                errors.append(RowError(number, problem.column, problem.message))
                continue
            yield number, record

    def check_file(
        self,
        table: TableFile,
        progress: Progress | None = None,
        total: int = 0,
        *,
        sink: ChunkSink | None = None,
        prepared: bool = False,
    ) -> int:
        """Pass 1: every row checked; raises ImportFailed listing every error. Returns the number of rows.

        Duplicate keys and identities with other values are found in a `KeyIndex` on disk, after
        the last row, so memory does not grow with the file; the errors are listed in row order.
        With a `sink` (a `RecordSpool` or a `CheckedChunks`), the parsed records are handed to it in chunks.
        `prepared`: the lookups are loaded already (the check then never touches the database).
        """
        if not prepared:
            self.prepare()
        row_errors = ErrorList()  # errors of single rows, in row order
        rows = 0
        records: list[Any] = []
        numbers: list[int] = []
        with KeyIndex() as index:
            pending: list[tuple[int, int, int | None, int | None]] = []
            for number, record in self._records(table, row_errors):
                rows += 1
                try:
                    key = digest(self.key(record))  # a 64-bit digest, not the key's strings
                    identity = self.identity(record)
                except RowProblem as problem:
                    row_errors.append(RowError(number, problem.column, problem.message))
                    continue
                if identity is None:
                    pending.append((number, key, None, None))
                else:
                    pending.append((number, key, digest(identity[0]), digest(identity[1])))
                if sink is not None and not row_errors:  # once a row is bad nothing will be written
                    records.append(record)
                    numbers.append(number)
                    if len(records) >= CHUNK_SIZE:
                        sink.add(records, numbers)
                        records, numbers = [], []
                if len(pending) >= CHUNK_SIZE:
                    index.add(pending)
                    pending.clear()
                if progress and rows % PROGRESS_EVERY == 0:
                    progress("checking", rows, total)
            index.add(pending)
            if sink is not None:
                sink.add(records, numbers)
            errors = self._merge(row_errors, index.problems())
        for error in self.check_references():
            errors.append(error)
        if errors:
            errors.sort(key=lambda error: error.row)
            raise ImportFailed(errors[:MAX_REPORTED_ERRORS], total_errors=errors.total)
        if rows == 0:
            raise ImportFailed([RowError(2, "-", _("the file has no data rows"))])
        return rows

    def _merge(self, row_errors: ErrorList, problems: Iterator[tuple[int, int | None]]) -> ErrorList:
        """The errors of single rows and those of the index, in row order (both come in row order)."""
        found = (
            RowError(row, self.identity_column, self.identity_message())
            if first is None
            else RowError(row, "-", _("duplicate of row %d") % first)
            for row, first in problems
        )
        errors = ErrorList()
        for error in heapq.merge(row_errors, found, key=lambda error: error.row):
            errors.append(error)
        errors.total += row_errors.total - len(row_errors)  # the row errors counted but not kept
        return errors

    def run(
        self,
        path: Path | str,
        *,
        progress: Progress | None = None,
        change_log: Path | None = None,
        encoding: str | None = None,
    ) -> ImportResult:
        """Check the whole file, then save it whole; raises ImportFailed and saves nothing on any error.

        What is saved are the records the check pass parsed (kept in a `RecordSpool`), not the file
        read again, so a file changed in between cannot slip unchecked rows in. With `change_log`, what
        each row created or changed is written there (a `ChangeLog`) when the import is saved, and
        nothing is left there when it is refused. `encoding`: of a CSV file, when not detected (cp1257).
        """
        table = TableFile(Path(path), encoding=encoding or None)
        total = table.count_rows()
        if change_log is None:
            return self._run(table, total, progress)
        self.change_log = ChangeLog(change_log)
        try:
            result = self._run(table, total, progress)
        except BaseException:
            self.change_log.discard()
            raise
        finally:
            log, self.change_log = self.change_log, None
        log.keep()
        result.logged = log.entries
        return result

    def _run(self, table: TableFile, total: int, progress: Progress | None) -> ImportResult:
        result = ImportResult()
        if self.check_while_writing:
            self._run_overlapped(table, total, progress, result)
        else:
            self._run_spooled(table, total, progress, result)
        written = result.created + result.updated
        if self.analyze_models and written >= ANALYZE_AFTER_ROWS:
            stale = tables_outgrown(self.analyze_models, written)
            if stale:
                analyze_tables(*stale)
        if progress:
            progress("done", result.rows, total)
        if self.preview_rows is None:  # a preview is rolled back: nothing was saved
            import_saved.send(sender=type(self), viewer=self.viewer, result=result)
        return result

    def _run_overlapped(self, table: TableFile, total: int, progress: Progress | None, result: ImportResult) -> None:
        """Check in a second thread that never touches the database, write in this one: Python's work and the
        database's overlap. The check thread hands each checked chunk over (`CheckedChunks`); this thread, the
        job's own and its one database connection, writes it in the import's transaction; if any row turns out
        bad, the check thread's ImportFailed is raised here and the whole transaction is rolled back."""
        with transaction.atomic(), short_thread_switches():
            self.prepare()
            chunks = CheckedChunks()
            checking = threading.Thread(
                target=chunks.check, args=(self, table, progress, total), name="import-check", daemon=True
            )
            checking.start()
            try:
                for chunk, rows in chunks:
                    self.write_chunk(chunk, rows, result)
                    if progress:
                        progress("saving", result.rows, total)
            except Exception as failure:
                # A write can fail on a row the check has not judged yet (a duplicate found only at the end):
                # the check's verdict on the whole file is the answer, when it has one.
                chunks.drain()
                checking.join()
                if chunks.error is not None:
                    raise chunks.error from failure
                raise
            finally:
                chunks.stop()
                checking.join()
            if chunks.error is not None:
                raise chunks.error
            self.finish(result)

    def _run_spooled(self, table: TableFile, total: int, progress: Progress | None, result: ImportResult) -> None:
        with RecordSpool() as spool:
            self.check_file(table, progress, total, sink=spool)
            with transaction.atomic():
                self.prepare()
                for chunk, rows in spool.chunks():
                    self.write_chunk(chunk, rows, result)
                    if progress:
                        progress("saving", result.rows, total)
                self.finish(result)

    @classmethod
    def template_workbook(cls) -> bytes:
        """An XLSX template: the header row, one example row, and a sheet of allowed codes."""
        from eduboard.core.exports import xlsx_safe_row  # text that looks like a formula is written as text

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
        sheet.title = cls.kind
        sheet.append(xlsx_safe_row(sheet, cls.columns))
        if cls.example:
            sheet.append(xlsx_safe_row(sheet, cls.example))
        codes = workbook.create_sheet("codes")
        codes.append(["column", "allowed values"])
        for column, allowed in cls.codes.items():
            codes.append(xlsx_safe_row(codes, [column, str(allowed)]))
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    @classmethod
    def template_csv(cls) -> str:
        """A CSV template: the header row and one example row."""
        from eduboard.core.exports import csv_safe  # text that looks like a formula gets a leading apostrophe

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([csv_safe(column) for column in cls.columns])
        if cls.example:
            writer.writerow([csv_safe(value) for value in cls.example])
        return buffer.getvalue()


# --- writing what a row changed: one way for every area's importers


def update_fields(instance: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set `values` on `instance`; the fields that changed, with their old and new values (empty: none)."""
    changed = {}
    for name, value in values.items():
        old = getattr(instance, name)
        if old != value:
            setattr(instance, name, value)
            changed[name] = (old, value)
    return changed


def save_changes(instance: Any, changes: Mapping[str, tuple[Any, Any]], *, also: Sequence[str] = ()) -> None:
    """Write only the changed fields (and `also`, fields the caller set beside them) of a row read under lock, and
    count the edit in its version (core.versions), so an edit someone made on the version before the import is
    refused as stale, never written over it. `changes` may be empty: the edit was of the row's children."""
    instance.version += 1
    # save(), so the audit trail records it; the stamps (`updated_at`) move with every edit
    instance.save(update_fields=[*changes, *also, "version", *_stamped(type(instance))])


def next_version() -> models.Expression:
    """The version of a row written in bulk (`bulk_update`, `update`), moved on by one in the database: the bulk
    form of `save_changes`'s count."""
    return models.F("version") + 1


class ScopedImporter(Importer):
    """An importer run for a viewer: rows may only touch institutions in the viewer's scope."""

    #: Whether the change log lists changed references (`…_id` fields, as ids); areas whose files name them by
    #: code log only the other fields.
    logs_ids: ClassVar[bool] = True

    def institution_allowed(self, institution_id: int) -> bool:
        return self.scope is None or institution_id in self.scope

    def write_changes(
        self,
        result: ImportResult,
        record: Any,
        found: Any,
        values: Mapping[str, Any],
        *,
        related: Mapping[str, tuple[Any, Any]] | None = None,
        also: Sequence[str] = (),
        clean: bool = False,
        label: object = FOUND,
    ) -> dict[str, tuple[Any, Any]]:
        """Set `values` on the stored row `found` and count the record: `unchanged`, or `updated` with only the
        changed fields written and the row's version moved on (`save_changes`); returns the fields changed.
        `related`: changes the caller made to many-to-many fields (old, new), logged with the others and moving
        the version on too. `also`: fields the caller set beside `values`, written with them when anything
        changed. `clean`: validate the row before writing it. `label`: what the change log names (by default the
        row; None: `describe(record)`)."""
        changes = update_fields(found, values)
        logged = changes | dict(related or {})
        if not logged:
            self.counted(result, "unchanged", record)
            return changes
        if clean:
            found.full_clean()
        save_changes(found, changes, also=also)
        if not self.logs_ids:
            logged = {name: change for name, change in logged.items() if not name.endswith("_id")}
        self.counted(result, "updated", record, logged, label=found if label is FOUND else label)
        return changes


def open_uploaded(handle: IO[bytes], destination: Path) -> Path:
    """Store an uploaded file where the import can read it twice."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as out:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            out.write(chunk)
    return destination

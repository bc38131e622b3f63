"""The import framework's check pass a chunk at a time: duplicates, identities, memory, the write pass.

Duplicate rows and rows that give one personal code two names are found through an on-disk index
(`KeyIndex`) filled a chunk at a time, so the errors must be the same whatever the chunk size.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from eduboard.core import imports as import_framework
from eduboard.core.imports import (
    ImportFailed,
    KeyIndex,
    RecordSpool,
    TableFile,
    analyze_tables,
    insert_rows,
)
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.importers import LearnerImporter
from eduboard.registry.models import Enrolment, Learner
from tests.imports_helpers import write_csv
from tests.registry.test_imports import (
    LEARNER_COLUMNS,
    Registry,
    code_for,
    learner_row,
    make_registry,
    registry_counts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def registry() -> Registry:
    return make_registry()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


CODES_BY_DAY: dict[int, str] = {}


def person(day: int, *, group: str = "1.a", institution: str = "9000000011", first: str = "") -> list[str]:
    """The learner born on `day` April 2017: the same personal code every time."""
    code = CODES_BY_DAY.setdefault(day, code_for(date(2017, 4, day)))
    return learner_row(
        code,
        first or f"Bērns{day}",
        birth=f"2017-04-{day:02d}",
        group=group,
        institution=institution,
    )


def refusal(path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=WHOLE_CITY).run(path)
    return [str(error) for error in refused.value.errors]


@pytest.mark.parametrize("chunk", [1, 2, 3, 2000])
def test_duplicates_are_found_across_chunks_and_name_the_first_row(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", chunk)
    rows = [
        person(1),  # row 2
        person(2),  # row 3
        person(3),  # row 4
        person(1),  # row 5: duplicate of row 2 (another chunk)
        learner_row(code_for(date(2017, 5, 1)), group="7.c"),  # row 6: unknown group
        person(1),  # row 7: duplicate of row 2, not of row 5
        person(2),  # row 8: duplicate of row 3
        person(4),  # row 9
        person(4),  # row 10: duplicate of row 9 (maybe the same chunk)
        person(1, group="1.b", institution="9000000015"),  # row 11: the same learner in another group is fine
    ]
    before = registry_counts()
    errors = refusal(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert [error.split(":")[0] for error in errors] == [
        "row 5, column -",
        "row 6, column group",
        "row 7, column -",
        "row 8, column -",
        "row 10, column -",
    ]
    assert errors[0].endswith("duplicate of row 2")
    assert errors[2].endswith("duplicate of row 2")
    assert errors[3].endswith("duplicate of row 3")
    assert errors[4].endswith("duplicate of row 9")
    assert registry_counts() == before


@pytest.mark.parametrize("chunk", [1, 2, 2000])
def test_one_personal_code_with_two_names_is_found_across_chunks(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", chunk)
    rows = [
        person(1),  # row 2
        person(2),  # row 3
        person(3),  # row 4
        person(1, first="Olga", group="1.b", institution="9000000015"),  # row 5: another name for row 2's code
        person(1, first="Olga"),  # row 6: another name and the same group: the name is reported, as before
        person(1, group="1.b", institution="9000000015"),  # row 7: the first name again, another group: fine
    ]
    errors = refusal(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert errors == [
        "row 5, column personal_code: the same personal code has another name or birth date in an earlier row",
        "row 6, column personal_code: the same personal code has another name or birth date in an earlier row",
    ]
    assert Learner.objects.count() == 0


def test_errors_past_the_reported_ones_are_counted_across_chunks(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 2)
    monkeypatch.setattr(import_framework, "MAX_REPORTED_ERRORS", 3)
    rows = [person(1)] * 7  # rows 3–8 are duplicates of row 2
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert [error.row for error in refused.value.errors] == [3, 4, 5]
    assert refused.value.total_errors == 6


def test_file_split_in_many_chunks_imports_whole(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 3)
    rows = [person(day) for day in range(1, 21)] + [
        person(day, group="1.b", institution="9000000015") for day in (1, 2)
    ]
    path = write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows)
    first = LearnerImporter(viewer=WHOLE_CITY).run(path)
    assert (first.rows, first.created) == (22, 22)
    assert Learner.objects.count() == 20 and Enrolment.objects.count() == 22
    second = LearnerImporter(viewer=WHOLE_CITY).run(path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 22)


def test_key_index_names_identity_conflicts_and_duplicates_of_the_first_row_in_row_order() -> None:
    with KeyIndex() as index:
        index.add([(2, 10, 100, 1), (3, 11, 101, 1), (4, 10, 100, 1)])  # row 4: duplicate of row 2
        index.add([(5, 12, 100, 2)])  # row 5: identity 100 had other values in row 2
        index.add([(6, 12, 100, 1), (7, 12, None, None), (8, 10, None, None)])  # row 7 repeats row 6's key
        index.add([])
        assert list(index.problems()) == [(4, 2), (5, None), (7, 6), (8, 2)]
    with KeyIndex() as index:
        index.add([(number, number, None, None) for number in range(2, 5000)])
        assert list(index.problems()) == []


def test_check_pass_memory_does_not_grow_with_the_file(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 100)

    def peak(rows: int) -> int:
        path = write_csv(
            tmp_path / f"learners-{rows}.csv",
            LEARNER_COLUMNS,
            [
                learner_row(
                    code_for(date(2017, 5, 1 + number % 28)), f"Bērns{number}", birth=f"2017-05-{1 + number % 28:02d}"
                )
                for number in range(rows)
            ],
        )
        importer = LearnerImporter(viewer=WHOLE_CITY)
        table = TableFile(path)
        assert importer.check_file(table) == rows  # a good file: every row a new key to remember
        tracemalloc.start()
        try:
            importer.check_file(table)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2_000), peak(8_000)
    # Kept per row before: about 0.24 KiB (digests in dicts), so 6,000 more rows would add about 1.4 MiB.
    assert large - small < 256 * 1024, (small, large)


def test_write_pass_saves_the_checked_rows_even_if_the_file_changes_after_the_check(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is written is what the check pass parsed: a row added to the file later is not saved unchecked."""
    path = write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, [person(1), person(2)])
    checked = LearnerImporter.check_file

    def check_then_change(self: LearnerImporter, table: TableFile, *args: object, **kwargs: object) -> int:
        rows = checked(self, table, *args, **kwargs)  # type: ignore[arg-type]
        with path.open("a", encoding="utf-8") as handle:
            handle.write("not-a-code,X,Y,2017-01-01,Daugavpils,0000000000,2024/2025,none,2024-09-01,\n")
        return rows

    monkeypatch.setattr(LearnerImporter, "check_file", check_then_change)
    result = LearnerImporter(viewer=WHOLE_CITY).run(path)
    assert (result.rows, result.created) == (2, 2)
    assert set(Learner.objects.values_list("personal_code", flat=True)) == {person(1)[0], person(2)[0]}


def test_record_spool_gives_back_every_chunk_in_order() -> None:
    with RecordSpool() as spool:
        spool.add([("a", 1), ("b", date(2024, 9, 1))], [2, 4])
        spool.add([], [])  # an empty chunk is not kept
        spool.add([("c", None)], [5])
        chunks = [([("a", 1), ("b", date(2024, 9, 1))], [2, 4]), ([("c", None)], [5])]
        assert list(spool.chunks()) == chunks
        assert list(spool.chunks()) == chunks  # read again


def test_insert_rows_returns_the_new_ids_on_postgresql_and_none_elsewhere(registry: Registry) -> None:
    rows = [(code_for(date(2016, 1, day)), f"Vārds{day}", "Uzvārds", date(2016, 1, day), None) for day in (1, 2, 3)]
    fields = ["personal_code", "first_name", "last_name", "birth_date", "declared_municipality"]
    ids = insert_rows(Learner, fields, rows, with_ids=True)
    stored = dict(Learner.objects.values_list("personal_code", "pk"))
    if connection.vendor == "postgresql":
        assert ids == [stored[row[0]] for row in rows]
    else:
        assert ids is None
    assert len(stored) == 3
    assert Learner.objects.get(personal_code=rows[1][0]).birth_date == date(2016, 1, 2)
    later = Learner.objects.create(  # the table's id sequence is past the ids taken
        personal_code=code_for(date(2016, 2, 1)), first_name="A", last_name="B", birth_date=date(2016, 2, 1)
    )
    assert later.pk not in stored.values()
    assert insert_rows(Learner, fields, [], with_ids=True) == ([] if connection.vendor == "postgresql" else None)


def test_large_import_refreshes_the_planner_statistics(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed: list[tuple[str, ...]] = []
    real = import_framework.analyze_tables
    # The statistics this test starts from describe its own (empty) tables, not the rows an earlier test of the same
    # process left in PostgreSQL's catalogue (pg_class.reltuples stays after that test's rows are gone): otherwise
    # 3 new rows do not outgrow them and whether ANALYZE runs depends on the order the tests ran in.
    real(Learner, Enrolment)

    def spy(*models: type) -> None:
        analysed.append(tuple(model._meta.db_table for model in models))  # type: ignore[attr-defined]
        real(*models)  # type: ignore[arg-type]

    monkeypatch.setattr(import_framework, "analyze_tables", spy)
    monkeypatch.setattr(import_framework, "ANALYZE_AFTER_ROWS", 3)
    path = write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, [person(day) for day in (1, 2, 3)])
    assert LearnerImporter(viewer=WHOLE_CITY).run(path).created == 3
    assert analysed == [("registry_learner", "registry_enrolment")]
    assert LearnerImporter(viewer=WHOLE_CITY).run(path).unchanged == 3  # nothing written: no ANALYZE
    assert len(analysed) == 1
    small = write_csv(tmp_path / "two.csv", LEARNER_COLUMNS, [person(day) for day in (4, 5)])
    assert LearnerImporter(viewer=WHOLE_CITY).run(small).created == 2
    assert len(analysed) == 1
    assert Learner.objects.count() == 5


def test_analyze_tables_writes_the_planner_statistics_on_this_database(registry: Registry) -> None:
    rows = [(code_for(date(2016, 3, day)), f"Vārds{day}", "Uzvārds", date(2016, 3, day), None) for day in range(1, 21)]
    insert_rows(Learner, ["personal_code", "first_name", "last_name", "birth_date", "declared_municipality"], rows)
    analyze_tables(Learner, Enrolment)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_learner'")
            assert cursor.fetchone()[0] >= 1
            cursor.execute("PRAGMA analysis_limit")
            assert cursor.fetchone()[0] == 0  # the sampling limit is not left behind
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'registry_learner'")
            assert cursor.fetchone()[0] >= 1
    assert Learner.objects.count() == 20


def test_a_bad_row_after_many_chunks_saves_nothing(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 1)
    rows = [person(day) for day in range(1, 9)] + [learner_row(code_for(date(2017, 5, 1)), birth="2017-13-01")]
    before = registry_counts()
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert [str(error).split(":")[0] for error in refused.value.errors] == ["row 10, column birth_date"]
    assert registry_counts() == before


def test_an_error_while_writing_is_raised_and_nothing_is_saved(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer thread's failure reaches the caller; the chunks written before it are rolled back."""
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 2)
    written: list[int] = []
    write = LearnerImporter.write

    def write_then_fail(self: LearnerImporter, records: list[object], result: object) -> None:
        if written:
            raise RuntimeError("the disk is full")
        written.append(len(records))
        write(self, records, result)  # type: ignore[arg-type]

    monkeypatch.setattr(LearnerImporter, "write", write_then_fail)
    before = registry_counts()
    with pytest.raises(RuntimeError, match="the disk is full"):
        LearnerImporter(viewer=WHOLE_CITY).run(
            write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, [person(d) for d in range(1, 7)])
        )
    assert written == [2]
    assert registry_counts() == before


def test_a_control_character_in_a_cell_is_refused_with_its_row_and_column(tmp_path: Path, registry: Registry) -> None:
    rows = [person(1), person(2, first="Ann\x00a")]
    errors = refusal(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert errors == ["row 3, column first_name: a control character (U+0000) is not allowed in text"]
    assert not Learner.objects.filter(first_name__startswith="Ann").exists()


def test_a_name_with_a_right_to_left_override_is_refused_and_nothing_is_saved(
    tmp_path: Path, registry: Registry
) -> None:
    """A child's name that would read backwards on every page and list (U+202E) is refused by the file import as by
    the forms and the API: `row N, column C` names it."""
    rows = [person(1), person(2, first="Anna\u202emaS")]
    errors = refusal(write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert errors == [
        "row 3, column first_name: an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 5 is not allowed"
    ]
    assert Learner.objects.count() == 0

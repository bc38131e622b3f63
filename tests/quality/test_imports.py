"""Imports: all or nothing, idempotent, every error kind named by row and column; the two commands."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from eduboard.core.imports import ImportFailed
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality.defaults import criterion_codes
from eduboard.quality.importers import ExamResultImporter, LearnerResultImporter, ObservationImporter
from eduboard.quality.models import Answer, ExamResult, ExamSitting, LearnerResult, Observation
from eduboard.registry.models import Enrolment, Group, Learner, Programme
from tests.factories import InstitutionFactory
from tests.quality.conftest import CODES, World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Error messages in English (the file formats' language), as the import command writes them."""
    with translation.override("en"):
        yield


HEADER = ["date", "institution", "observer", "teacher", "subject", "grade", "kind"]
EXAM_HEADER = ",".join(ExamResultImporter.columns[:-1])  # without the optional `grade`


def write(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def observation_row(world: World, **changes: str) -> list[str]:
    values = {
        "date": "2024-03-12",
        "institution": "9000000011",
        "observer": "olga",
        "teacher": world.anna.personal_code,
        "subject": "Matemātika",
        "grade": "7.b",
        "kind": "external",
        **dict.fromkeys(criterion_codes(), "yes"),
    }
    values.update(changes)
    return [values[column] for column in HEADER + criterion_codes()]


def test_template_prints_the_header_of_the_form_in_use(world: World) -> None:
    out = StringIO()
    call_command("import_quality", "observations", "--template", stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines() == [",".join(HEADER + criterion_codes())]


def test_observations_import_is_idempotent_and_updates_changed_answers(world: World, tmp_path: Path) -> None:
    rows = [
        HEADER + criterion_codes(),
        observation_row(world),
        observation_row(world, teacher=world.boris.personal_code, three_parts="no"),
    ]
    path = write(tmp_path, "obs.csv", rows)
    first = ObservationImporter(viewer=WHOLE_CITY).run(path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert Answer.objects.count() == 2 * len(criterion_codes())
    again = ObservationImporter(viewer=WHOLE_CITY).run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[1] = observation_row(world, three_parts="partly")
    changed = ObservationImporter(viewer=WHOLE_CITY).run(write(tmp_path, "obs2.csv", rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Observation.objects.count() == 2
    answer = Answer.objects.get(observation__teacher=world.anna, criterion__code="three_parts")
    assert answer.option.code == "partly"


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"date": "12.03.2024"}, "date", "YYYY-MM-DD"),
        ({"date": "2999-01-01"}, "date", "future"),
        ({"institution": "9999999999"}, "institution", "unknown institution"),
        ({"observer": "nobody"}, "observer", "no user"),
        ({"teacher": "010101-10001"}, "teacher", ""),
        ({"teacher": "320000-00001"}, "teacher", "no teacher with the personal code"),
        ({"kind": "visit"}, "kind", "external|internal|peer"),
        ({"results_defined": "maybe"}, "results_defined", "yes|partly|no"),
        ({"subject": ""}, "subject", "required"),
    ],
)
def test_a_bad_observation_row_is_named_by_row_and_column_and_nothing_is_saved(
    world: World, tmp_path: Path, changes: dict[str, str], column: str, reason: str
) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        [HEADER + criterion_codes(), observation_row(world), observation_row(world, grade="8.a", **changes)],
    )
    with pytest.raises(ImportFailed) as failure:
        ObservationImporter(viewer=WHOLE_CITY).run(path)
    [error] = failure.value.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.message
    assert Observation.objects.count() == 0


def test_missing_criterion_column_and_duplicate_rows_are_refused(world: World, tmp_path: Path) -> None:
    header = HEADER + criterion_codes()[:-1]
    with pytest.raises(ImportFailed) as missing:
        ObservationImporter(viewer=WHOLE_CITY).run(write(tmp_path, "m.csv", [header, observation_row(world)[:-1]]))
    assert [(e.row, e.column) for e in missing.value.errors] == [(1, criterion_codes()[-1])]
    row = observation_row(world)
    with pytest.raises(ImportFailed) as duplicate:
        ObservationImporter(viewer=WHOLE_CITY).run(write(tmp_path, "d.csv", [HEADER + criterion_codes(), row, row]))
    assert "duplicate of row 2" in str(duplicate.value)


def test_a_head_imports_only_internal_observations_of_their_school(world: World, tmp_path: Path) -> None:
    rows = [
        HEADER + criterion_codes(),
        observation_row(world, kind="internal", observer="head"),
        observation_row(world, kind="external", observer="head", grade="9.a"),
        observation_row(
            world, kind="internal", observer="head", institution="9000000015", teacher=world.carl.personal_code
        ),
    ]
    with pytest.raises(ImportFailed) as failure:
        ObservationImporter(viewer=world.head).run(write(tmp_path, "h.csv", rows))
    assert [(e.row, e.column) for e in failure.value.errors] == [(3, "kind"), (4, "institution")]


def test_exam_results_import_keeps_sittings_and_national_means(world: World, tmp_path: Path) -> None:
    lines = [
        EXAM_HEADER,
        "2024,ce_basic,Matemātika,,9000000011,50,40.5,3,43.2,",
        "2023/2024,ce_basic,matemātika,,9000000015,30,50,,43.2,",
        "2020,ce_secondary,Latviešu valoda,,9000000011,40,30.0,,52.6,46.5",
    ]
    path = tmp_path / "exams.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ExamResultImporter(viewer=WHOLE_CITY).run(path)
    assert (result.created, result.unchanged) == (3, 0)
    assert ExamSitting.objects.count() == 2  # "2023/2024" is the 2024 sitting; subject names ignore case
    sitting = ExamSitting.objects.get(year=2024)
    assert sitting.national_mean_percent == Decimal("43.2")
    assert ExamResultImporter(viewer=WHOLE_CITY).run(path).unchanged == 3
    out = StringIO()
    call_command("quality_stats", "exams", "--year", "2024", "--exam", "ce_basic", stdout=out)
    [row] = json.loads(out.getvalue())
    assert (row["candidates"], row["mean_percent"], row["below_threshold"]) == (80, 44.06, 3)


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("2024,ce_basic,Matemātika,,9000000011,50,40,5,3,43.2,", "-"),  # a comma inside: the columns shift
        ("2024,ce_basic,Matemātika,,9000000011,50,40.5,60,43.2,", "below_threshold"),
        ("2024,ce_final,Matemātika,,9000000011,50,40.5,3,43.2,", "exam"),
        ("2024,ce_secondary,Matemātika,top,9000000011,50,40.5,3,43.2,", "level"),
        ("2024,ce_basic,Matemātika,,9000000011,50,140,3,43.2,", "mean_percent"),
        ("24,ce_basic,Matemātika,,9000000011,50,40.5,3,43.2,", "year"),
        ("2024,ce_basic,Matemātika,,9000000015,50,40.5,3,44.0,", "national_mean_percent"),
    ],
)
def test_a_bad_exam_row_is_refused_with_its_column(world: World, tmp_path: Path, line: str, column: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"{EXAM_HEADER}\n2024,ce_basic,Matemātika,,9000000012,20,41,,43.2,\n{line}\n", encoding="utf-8")
    InstitutionFactory(registration_number="9000000012")
    with pytest.raises(ImportFailed) as failure:
        ExamResultImporter(viewer=WHOLE_CITY).run(path)
    errors = failure.value.errors
    assert errors[0].row == 3
    if column != "-":
        assert errors[0].column == column
    assert ExamResult.objects.count() == 0


def test_a_monitoring_test_by_criteria_imports_without_a_mean_and_an_exam_needs_one(
    world: World, tmp_path: Path
) -> None:
    """Seed 002's preschool graduates' Latvian: assessed by common criteria (grade 0), so no mean %; an exam or a
    graded school test still must have its mean."""
    header = ",".join(ExamResultImporter.columns)  # with the optional `grade`
    path = tmp_path / "preschool.csv"
    path.write_text(f"{header}\n2024,monitoring,Latviešu valoda,,9000000011,46,,,,,0\n", encoding="utf-8")
    assert ExamResultImporter(viewer=WHOLE_CITY).run(path).created == 1
    stored = ExamResult.objects.get()
    assert (stored.sitting.grade, stored.candidates, stored.mean_percent) == (0, 46, None)
    for bad, column in (
        ("2024,ce_basic,Matemātika,,9000000011,50,,,,,", "mean_percent"),
        ("2024,pilot,Matemātika,,9000000011,50,40,,,,0", "grade"),
    ):
        path.write_text(f"{header}\n{bad}\n", encoding="utf-8")
        with pytest.raises(ImportFailed) as failure:
            ExamResultImporter(viewer=WHOLE_CITY).run(path)
        assert failure.value.errors[0].column == column
    assert ExamResult.objects.count() == 1


def test_learner_results_find_their_school_and_only_the_board_imports_them(world: World, tmp_path: Path) -> None:
    year = school_year_get_or_create(code="2023/2024")
    programme = Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic")
    group = Group.objects.create(
        institution=world.school, school_year=year, programme=programme, name="7.a", grade=7, capacity=30
    )
    code = CODES.for_birth_date(date(2010, 1, 1))
    learner = Learner.objects.create(
        personal_code=code, first_name="Jānis", last_name="Bērziņš", birth_date=date(2010, 1, 1)
    )
    Enrolment.objects.create(learner=learner, group=group, enrolled_on=date(2023, 9, 1))
    path = tmp_path / "learners.csv"
    path.write_text(
        f"year,exam,subject,personal_code,percent\n2024,monitoring,Latviešu valoda,{code.replace('-', '')},18.5\n"
        "2024,monitoring,Latviešu valoda,320000-00001,64\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed):
        LearnerResultImporter(viewer=world.head).run(path)
    result = LearnerResultImporter(viewer=WHOLE_CITY).run(path)
    assert (result.created, result.updated) == (2, 0)
    known = LearnerResult.objects.get(personal_code=code)
    assert (known.learner_id, known.institution_id) == (learner.pk, world.school.pk)
    assert LearnerResult.objects.get(personal_code="320000-00001").institution_id is None


def test_quality_stats_prints_json_keyed_by_criterion_code(world: World, tmp_path: Path) -> None:
    rows = [HEADER + criterion_codes(), observation_row(world), observation_row(world, grade="8.a", in_latvian="no")]
    ObservationImporter(viewer=WHOLE_CITY).run(write(tmp_path, "o.csv", rows))
    out = StringIO()
    call_command("quality_stats", "observations", "--from", "2023-09-01", "--to", "2024-06-30", stdout=out)
    data = json.loads(out.getvalue())
    assert data["lessons"] == 2
    assert set(data["criteria"]) == set(criterion_codes())
    assert data["criteria"]["in_latvian"]["percent"] == 50.0
    assert data["criteria"]["results_defined"]["percent"] == 100.0


def test_import_command_reports_errors_and_exits_non_zero(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.csv", [HEADER + criterion_codes(), observation_row(world, kind="visit")])
    with pytest.raises(SystemExit):
        call_command("import_quality", "observations", str(path))
    assert Observation.objects.count() == 0

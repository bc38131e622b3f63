"""An import's preview (issue 43, point 4): `--dry-run` on an import command shows what the file would create, change
and leave, with the first rows of each and the data-quality issues it would add, and saves nothing; the import
itself then does exactly what was shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.dataquality.models import CheckRun
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from tests.dataquality.test_checks import CODES
from tests.dataquality.test_pages import COLUMNS
from tests.imports_helpers import imported_counts, run_import_command, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def this_school_year() -> tuple[str, date]:
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}", date(start, 9, 1)


@pytest.fixture
def first_grade(school_a: Institution) -> Group:
    code, _start = this_school_year()
    programme = Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic")
    return Group.objects.create(
        institution=school_a, school_year=school_year_get_or_create(code=code), programme=programme, name="1.a", grade=1
    )


def row(code: str, first: str, born: date, enrolled: date, left: str = "") -> list[str]:
    year, _start = this_school_year()
    return [code, first, "Ozola", born.isoformat(), "Daugavpils", "9000000011", year, "1.a", enrolled.isoformat(), left]


def test_a_dry_run_shows_what_the_file_would_do_and_the_issues_it_would_add_and_saves_nothing(
    tmp_path: Path, first_grade: Group
) -> None:
    _year, start = this_school_year()
    staying = CODES.for_birth_date(date(start.year - 7, 3, 1))
    leaving = CODES.for_birth_date(date(start.year - 7, 4, 1))
    first = write_csv(
        tmp_path / "first.csv",
        COLUMNS,
        [
            row(staying, "Ilze", date(start.year - 7, 3, 1), start),
            row(leaving, "Maija", date(start.year - 7, 4, 1), start),
        ],
    )
    assert run_import_command("import_registry", "learners", str(first)).status == 0
    young = CODES.for_birth_date(date(start.year - 4, 5, 1))  # 4 in the year grade 1 is for those turning 7
    rows = [
        row(staying, "Ilze", date(start.year - 7, 3, 1), start),  # as it is: left
        row(leaving, "Maija", date(start.year - 7, 4, 1), start, left=start.replace(month=10).isoformat()),  # changed
        row(young, "Anna", date(start.year - 4, 5, 1), start),  # new, and too young for grade 1
    ]
    second = write_csv(tmp_path / "second.csv", COLUMNS, rows)
    learners, enrolments = Learner.objects.count(), list(Enrolment.objects.values_list("pk", "left_on"))
    preview = run_import_command("import_registry", "learners", str(second), "--dry-run")
    assert preview.status == 0, preview.err
    assert imported_counts(preview) == {"rows": 3, "created": 1, "updated": 1, "unchanged": 1}
    assert "Nothing was saved" in preview.out
    assert "row 4: enrolment of" in preview.out  # the first created rows, the learners' codes masked
    assert f"row 3: enrolment of {leaving[:6]}-*****" in preview.out and "left_on: — →" in preview.out
    assert "data-quality issues it would add: 1" in preview.out
    assert "age_outside_grade" in preview.out and "Anna Ozola" in preview.out
    # nothing was saved: no learner, no change, no run of the checks
    assert Learner.objects.count() == learners
    assert list(Enrolment.objects.values_list("pk", "left_on")) == enrolments
    assert not CheckRun.objects.exists()
    # the import then does what the preview showed
    done = run_import_command("import_registry", "learners", str(second))
    assert imported_counts(done) == imported_counts(preview)
    assert Learner.objects.count() == learners + 1


def test_a_dry_run_of_a_file_with_errors_answers_as_the_import_would(tmp_path: Path, first_grade: Group) -> None:
    _year, start = this_school_year()
    bad = row(CODES.for_birth_date(date(start.year - 7, 3, 1)), "Ilze", date(start.year - 7, 3, 1), start)
    bad[7] = "9.z"  # no such group
    outcome = run_import_command(
        "import_registry", "learners", str(write_csv(tmp_path / "bad.csv", COLUMNS, [bad])), "--dry-run"
    )
    assert outcome.status == 1
    assert "row 2" in outcome.err and "Nothing was imported" in outcome.err


def test_the_learners_import_warns_of_a_child_already_there_under_another_code_and_saves_the_file(
    tmp_path: Path, first_grade: Group, make_user: Any, signed_in: Any
) -> None:
    from eduboard.accounts.roles import Role
    from eduboard.core.jobs import import_job_start

    _year, start = this_school_year()
    born = date(start.year - 7, 6, 1)
    old_format = CODES.for_birth_date(born)
    assert (
        run_import_command(
            "import_registry",
            "learners",
            str(write_csv(tmp_path / "a.csv", COLUMNS, [row(old_format, "Jānis", born, start)])),
        ).status
        == 0
    )
    again = row("329999-12345", "JANIS", born, start)  # the new-format code, the name in capitals without diacritics
    again[2] = "OZOLA"
    outcome = run_import_command("import_registry", "learners", str(write_csv(tmp_path / "b.csv", COLUMNS, [again])))
    assert outcome.status == 0  # saved: a warning, not an error
    assert outcome.warnings == [
        f"warning: row 2: JANIS OZOLA (329999-*****) looks like {old_format[:6]}-*****, in the registry under another "
        "personal code"
    ]
    assert Learner.objects.filter(personal_code="329999-12345").exists()
    # The same through the page: the job keeps the warning and shows it with the result.
    third = row("329999-54321", "jānis", born, start)
    third[2] = "ozola"
    admin = make_user(Role.BOARD_ADMIN)
    with write_csv(tmp_path / "c.csv", COLUMNS, [third]).open("rb") as upload:
        job = import_job_start(area="registry", kind="learners", uploaded=upload, filename="c.csv", user=admin)
    job.refresh_from_db()
    assert job.status == "done" and len(job.warnings) == 2  # like both records already there
    page = signed_in(admin).get(reverse("core:import_job", args=[job.pk]))
    assert "329999-*****" in page.content.decode()

"""People imports: staff and vacancies files (CSV and XLSX), all or nothing, every bad row named."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.imports_helpers import Outcome, imported_counts, run_import_command, write_csv, write_file, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
STAFF_COLUMNS = [
    "personal_code",
    "first_name",
    "last_name",
    "institution",
    "position",
    "subject",
    "fte",
    "start_date",
    "end_date",
]
VACANCY_COLUMNS = ["institution", "position", "subject", "fte", "published_on", "filled_on"]
SCHOOL, OTHER_SCHOOL, PRESCHOOL = "9000000011", "9000000015", "9000000001"


# --- files and the command


def run_command(*args: str) -> Outcome:
    return run_import_command("import_people", *args)


def import_file(kind: str, path: Path) -> Outcome:
    return run_command(kind, str(path))


def people_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in (StaffMember, Employment, Vacancy)}


@functools.cache
def code_for(birth: date) -> str:
    """A valid personal code for a birth date: the same one each time it is asked for."""
    return CODES.for_birth_date(birth)


def bad_checksum(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@pytest.fixture(autouse=True)
def institutions() -> dict[str, Institution]:
    ensure_standard_positions()
    return {
        SCHOOL: Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number=SCHOOL),
        OTHER_SCHOOL: Institution.objects.create(
            name="Centra vidusskola", type="secondary", registration_number=OTHER_SCHOOL
        ),
        PRESCHOOL: Institution.objects.create(name="Ruģeļu PII", type="preschool", registration_number=PRESCHOOL),
    }


def staff_row(
    code: str,
    first: str = "Inese",
    last: str = "Kalniņa",
    *,
    institution: str = SCHOOL,
    position: str = "subject_teacher",
    subject: str = "matemātika",
    fte: str = "1",
    start: str = "2024-09-01",
    end: str = "",
) -> list[str]:
    return [code, first, last, institution, position, subject, fte, start, end]


def vacancy_row(
    *,
    institution: str = SCHOOL,
    position: str = "subject_teacher",
    subject: str = "ķīmija",
    fte: str = "1",
    published: str = "2024-08-01",
    filled: str = "",
) -> list[str]:
    return [institution, position, subject, fte, published, filled]


def good_staff() -> list[list[str]]:
    first, second = code_for(date(1980, 3, 15)), code_for(date(1975, 11, 2))
    return [
        staff_row(first),
        staff_row(first, subject="fizika", fte="0.25", start="2023-09-01", end="2024-06-30"),
        staff_row(second, "Jānis", "Ozols", institution=PRESCHOOL, position="speech_therapist", subject="", fte="0.5"),
        staff_row(second, "Jānis", "Ozols", institution=OTHER_SCHOOL, position="psychologist", subject="", fte="0.5"),
    ]


def good_vacancies() -> list[list[str]]:
    return [
        vacancy_row(),
        vacancy_row(subject="fizika", fte="0.5", published="2024-08-02", filled="2024-09-01"),
        vacancy_row(institution=PRESCHOOL, position="preschool_teacher", subject="", fte="3.221", published=""),
    ]


# --- good files


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_staff_file_imports_people_and_their_rates(tmp_path: Path, fmt: str) -> None:
    outcome = import_file("staff", write_file(tmp_path, fmt, "staff", STAFF_COLUMNS, good_staff()))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome) == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    assert outcome.warnings == []
    assert StaffMember.objects.count() == 2
    inese = StaffMember.objects.get(first_name="Inese")
    assert (inese.last_name, inese.personal_code) == ("Kalniņa", code_for_first_row())
    rates = sorted(
        Employment.objects.filter(staff_member=inese).values_list("subject", "fte", "start_date", "end_date")
    )
    assert rates == [
        ("fizika", Decimal("0.25"), date(2023, 9, 1), date(2024, 6, 30)),
        ("matemātika", Decimal("1"), date(2024, 9, 1), None),
    ]
    janis = Employment.objects.filter(staff_member__first_name="Jānis")
    assert sorted(janis.values_list("institution__registration_number", "position__code", "fte")) == [
        (PRESCHOOL, "speech_therapist", Decimal("0.5")),
        (OTHER_SCHOOL, "psychologist", Decimal("0.5")),
    ]


def code_for_first_row() -> str:
    return good_staff()[0][0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_vacancies_file_imports_every_vacancy(tmp_path: Path, fmt: str) -> None:
    outcome = import_file("vacancies", write_file(tmp_path, fmt, "vacancies", VACANCY_COLUMNS, good_vacancies()))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome) == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    rows = sorted(
        Vacancy.objects.values_list(
            "institution__registration_number", "position__code", "subject", "fte", "published_on", "filled_on"
        )
    )
    assert rows == [
        (PRESCHOOL, "preschool_teacher", "", Decimal("3.221"), None, None),
        (SCHOOL, "subject_teacher", "fizika", Decimal("0.5"), date(2024, 8, 2), date(2024, 9, 1)),
        (SCHOOL, "subject_teacher", "ķīmija", Decimal("1"), date(2024, 8, 1), None),
    ]
    published = Vacancy.objects.get(subject="ķīmija")
    assert published.declared_on == date(2024, 8, 1)  # declared when published
    assert Vacancy.objects.get(subject="").status == "declared"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("kind", "header", "rows"),
    [("staff", STAFF_COLUMNS, good_staff), ("vacancies", VACANCY_COLUMNS, good_vacancies)],
    ids=["staff", "vacancies"],
)
def test_importing_the_same_file_twice_changes_nothing(
    tmp_path: Path, fmt: str, kind: str, header: list[str], rows: Callable[[], list[list[str]]]
) -> None:
    path = write_file(tmp_path, fmt, kind, header, rows())
    first = import_file(kind, path)
    assert first.status == 0, first.err
    after_first = people_counts()
    versions = dict(Vacancy.objects.values_list("pk", "version"))
    second = import_file(kind, path)
    assert second.status == 0, second.err
    counts = imported_counts(second)
    assert (counts["created"], counts["updated"]) == (0, 0)
    assert counts["unchanged"] == counts["rows"] == len(rows())
    assert people_counts() == after_first
    assert dict(Vacancy.objects.values_list("pk", "version")) == versions


def test_a_changed_rate_is_updated_in_place(tmp_path: Path) -> None:
    code = code_for(date(1980, 3, 15))
    import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, [staff_row(code)]))
    outcome = import_file(
        "staff", write_csv(tmp_path / "staff2.csv", STAFF_COLUMNS, [staff_row(code, fte="0.75", end="2025-06-30")])
    )
    assert imported_counts(outcome) == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    rate = Employment.objects.get()
    assert (rate.fte, rate.end_date) == (Decimal("0.75"), date(2025, 6, 30))


def test_a_vacancy_filled_later_is_updated_in_place(tmp_path: Path) -> None:
    import_file("vacancies", write_csv(tmp_path / "v.csv", VACANCY_COLUMNS, [vacancy_row()]))
    outcome = import_file(
        "vacancies", write_csv(tmp_path / "v2.csv", VACANCY_COLUMNS, [vacancy_row(filled="2024-09-01")])
    )
    assert imported_counts(outcome) == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    stored = Vacancy.objects.get()
    assert (stored.filled_on, stored.status, stored.version) == (date(2024, 9, 1), "filled", 2)


def test_a_personal_code_without_the_hyphen_is_the_same_person(tmp_path: Path) -> None:
    code = code_for(date(1980, 3, 15))
    rows = [staff_row(code), staff_row(code.replace("-", ""), institution=OTHER_SCHOOL, fte="0.25")]
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert list(StaffMember.objects.values_list("personal_code", flat=True)) == [code]
    assert Employment.objects.count() == 2


@pytest.mark.parametrize("kind", ["staff", "vacancies"])
def test_decimal_comma_in_a_quoted_csv_cell_is_accepted(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    if kind == "staff":
        code = code_for(date(1980, 3, 15))
        line = f'{code},Inese,Kalniņa,{SCHOOL},subject_teacher,matemātika,"3,221",2024-09-01,\n'
        path.write_text(",".join(STAFF_COLUMNS) + "\n" + line, encoding="utf-8")
    else:
        line = f'{PRESCHOOL},preschool_teacher,,"3,221",2024-08-05,\n'
        path.write_text(",".join(VACANCY_COLUMNS) + "\n" + line, encoding="utf-8")
    outcome = import_file(kind, path)
    assert outcome.status == 0, outcome.err
    model = Employment if kind == "staff" else Vacancy
    assert model.objects.get().fte == Decimal("3.221")


def test_xlsx_cells_typed_as_numbers_and_dates_are_read(tmp_path: Path) -> None:
    code = code_for(date(1980, 3, 15))
    staff = [
        [code, "Inese", "Kalniņa", SCHOOL, "subject_teacher", "fizika", 0.5, date(2023, 9, 1), date(2024, 6, 30)],
        [code, "Inese", "Kalniņa", OTHER_SCHOOL, "subject_teacher", "", 1, date(2024, 9, 1), None],
    ]
    outcome = import_file("staff", write_xlsx(tmp_path / "staff.xlsx", STAFF_COLUMNS, staff))
    assert outcome.status == 0, outcome.err
    assert sorted(Employment.objects.values_list("fte", "start_date", "end_date")) == [
        (Decimal("0.5"), date(2023, 9, 1), date(2024, 6, 30)),
        (Decimal("1"), date(2024, 9, 1), None),
    ]
    vacancies = [[PRESCHOOL, "preschool_teacher", "", 3.221, date(2024, 8, 5), None]]
    outcome = import_file("vacancies", write_xlsx(tmp_path / "vacancies.xlsx", VACANCY_COLUMNS, vacancies))
    assert outcome.status == 0, outcome.err
    assert Vacancy.objects.values_list("fte", "published_on").get() == (Decimal("3.221"), date(2024, 8, 5))


# --- the total-FTE warning


def test_a_warning_is_printed_when_someones_total_fte_passes_the_limit_and_the_file_imports(tmp_path: Path) -> None:
    code = code_for(date(1980, 3, 15))
    rows = [staff_row(code), staff_row(code, institution=OTHER_SCHOOL, subject="fizika", fte="0.75")]
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, rows))
    assert outcome.status == 0
    assert len(outcome.warnings) == 1
    assert "Inese Kalniņa" in outcome.warnings[0] and "1.75" in outcome.warnings[0] and "1.5" in outcome.warnings[0]
    assert imported_counts(outcome)["created"] == 2
    assert Employment.objects.filter(staff_member__personal_code=code).count() == 2


def test_the_warning_counts_rates_already_stored(tmp_path: Path, institutions: dict[str, Institution]) -> None:
    code = code_for(date(1980, 3, 15))
    teacher = StaffMember.objects.create(personal_code=code, first_name="Inese", last_name="Kalniņa")
    Employment.objects.create(
        staff_member=teacher,
        institution=institutions[OTHER_SCHOOL],
        position=PositionKind.objects.get(code="psychologist"),
        fte=Decimal("1"),
        start_date=date(2020, 9, 1),
    )
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, [staff_row(code, fte="0.6")]))
    assert outcome.status == 0
    assert len(outcome.warnings) == 1 and "1.6" in outcome.warnings[0]


def test_no_warning_at_the_limit_or_for_rates_that_do_not_overlap(tmp_path: Path) -> None:
    at_limit, one_after_another = code_for(date(1980, 3, 15)), code_for(date(1981, 4, 16))
    rows = [
        staff_row(at_limit),
        staff_row(at_limit, institution=OTHER_SCHOOL, fte="0.5"),
        staff_row(one_after_another, "Anna", "Liepa", start="2020-09-01", end="2024-06-30"),
        staff_row(one_after_another, "Anna", "Liepa", institution=OTHER_SCHOOL, start="2024-07-01"),
    ]
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert outcome.warnings == []
    assert Employment.objects.count() == 4


def test_the_warning_follows_the_boards_limit(tmp_path: Path) -> None:
    Board.objects.update(fte_warning_limit=Decimal("1"))
    code = code_for(date(1980, 3, 15))
    rows = [staff_row(code), staff_row(code, institution=OTHER_SCHOOL, fte="0.25")]
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, rows))
    assert outcome.status == 0
    assert len(outcome.warnings) == 1 and "1.25" in outcome.warnings[0]


# --- bad files


def good_staff_row() -> list[str]:
    return staff_row(code_for(date(1980, 3, 15)))


def other_code() -> str:
    return code_for(date(1975, 11, 2))


BAD_FILES: list[tuple[str, str, list[str], Callable[[], list[list[str]]], str, str]] = [
    # id, kind, header, rows, expected line start, a word of the reason
    ("staff-bad-checksum", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(bad_checksum(other_code()), "Jānis")],
     "row 3, column personal_code: ", "checksum"),
    ("staff-personal-code-without-a-birth-date", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row("310280-11234", "Jānis")],
     "row 3, column personal_code: ", "birth date"),
    ("staff-unknown-institution", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", institution="9999999999")],
     "row 3, column institution: ", "unknown institution 9999999999"),
    ("staff-unknown-position", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", position="teacher")],
     "row 3, column position: ", "teacher"),
    ("staff-fte-zero", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", fte="0")],
     "row 3, column fte: ", "above zero"),
    ("staff-fte-negative", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", fte="-1")],
     "row 3, column fte: ", "above zero"),
    ("staff-fte-four-decimals", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", fte="0.1234")],
     "row 3, column fte: ", "three decimals"),
    ("staff-fte-not-a-number", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", fte="pusslodze")],
     "row 3, column fte: ", "pusslodze"),
    ("staff-end-before-start", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", start="2024-09-01", end="2024-08-31")],
     "row 3, column end_date: ", "before the start"),
    ("staff-duplicate-row", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), good_staff_row()],
     "row 3, column -: ", "duplicate of row 2"),
    ("staff-same-code-another-name", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(good_staff_row()[0], "Jānis", subject="fizika")],
     "row 3, column personal_code: ", "another name"),
    ("staff-missing-column", "staff", [c for c in STAFF_COLUMNS if c != "fte"],
     lambda: [[c for i, c in enumerate(good_staff_row()) if i != 6]],
     "row 1, column fte: ", "missing column"),
    ("staff-bad-date", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", start="2024-09-31")],
     "row 3, column start_date: ", "2024-09-31"),
    ("staff-date-written-the-local-way", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", start="01.09.2024")],
     "row 3, column start_date: ", "01.09.2024"),
    ("staff-missing-start-date", "staff", STAFF_COLUMNS,
     lambda: [good_staff_row(), staff_row(other_code(), "Jānis", start="")],
     "row 3, column start_date: ", "required"),
    ("vacancy-unknown-institution", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(institution="9999999999")],
     "row 3, column institution: ", "unknown institution 9999999999"),
    ("vacancy-unknown-position", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(position="skolotājs")],
     "row 3, column position: ", "skolotājs"),
    ("vacancy-fte-zero", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(subject="fizika", fte="0")],
     "row 3, column fte: ", "above zero"),
    ("vacancy-fte-four-decimals", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(subject="fizika", fte="3.2215")],
     "row 3, column fte: ", "three decimals"),
    ("vacancy-filled-before-published", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(subject="fizika", published="2024-08-05", filled="2024-08-04")],
     "row 3, column filled_on: ", "before it is published"),
    ("vacancy-filled-without-published", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(subject="fizika", published="", filled="2024-09-01")],
     "row 3, column filled_on: ", "before it is published"),
    ("vacancy-bad-date", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(subject="fizika", published="2024-02-30")],
     "row 3, column published_on: ", "2024-02-30"),
    ("vacancy-duplicate-row", "vacancies", VACANCY_COLUMNS,
     lambda: [vacancy_row(), vacancy_row(fte="0.5")],
     "row 3, column -: ", "duplicate of row 2"),
    ("vacancy-missing-column", "vacancies", [c for c in VACANCY_COLUMNS if c != "published_on"],
     lambda: [[SCHOOL, "subject_teacher", "ķīmija", "1", ""]],
     "row 1, column published_on: ", "missing column"),
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("kind", "header", "rows", "line_start", "reason"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_names_the_row_and_column_exits_non_zero_and_saves_nothing(
    tmp_path: Path,
    fmt: str,
    kind: str,
    header: list[str],
    rows: Callable[[], list[list[str]]],
    line_start: str,
    reason: str,
) -> None:
    before = people_counts()
    outcome = import_file(kind, write_file(tmp_path, fmt, kind, header, rows()))
    assert outcome.status != 0
    assert any(line.startswith(line_start) and reason in line for line in outcome.error_lines), outcome.err
    assert len(outcome.error_lines) == 1, outcome.err
    assert f"Nothing was imported: 1 error(s) in {kind}.{fmt}." in outcome.err
    assert "Imported" not in outcome.out
    assert people_counts() == before


def test_bad_staff_file_lists_every_bad_row_in_order_and_saves_none_of_its_good_rows(tmp_path: Path) -> None:
    rows = [
        staff_row(bad_checksum(code_for(date(1980, 3, 15)))),
        staff_row(code_for(date(1981, 1, 1)), "Anna"),
        staff_row(code_for(date(1982, 1, 1)), "Eva", institution="9999999999", fte="0"),
        staff_row(code_for(date(1983, 1, 1)), "Ivo", position="director"),
        staff_row(code_for(date(1984, 1, 1)), "Ada", fte="1,0001"),
        staff_row(code_for(date(1985, 1, 1)), "Uga", end="2020-01-01"),
    ]
    outcome = import_file("staff", write_csv(tmp_path / "staff.csv", STAFF_COLUMNS, rows))
    assert outcome.status != 0
    assert [line.split(":")[0] for line in outcome.error_lines] == [
        "row 2, column personal_code",
        "row 4, column institution",
        "row 5, column position",
        "row 6, column fte",
        "row 7, column end_date",
    ]
    assert "Nothing was imported: 5 error(s) in staff.csv." in outcome.err
    assert people_counts() == {"StaffMember": 0, "Employment": 0, "Vacancy": 0}


# --- templates


@pytest.mark.parametrize(("kind", "header"), [("staff", STAFF_COLUMNS), ("vacancies", VACANCY_COLUMNS)])
def test_template_prints_the_header_of_the_kind(kind: str, header: list[str]) -> None:
    outcome = run_command(kind, "--template")
    assert outcome.status == 0
    lines = outcome.out.splitlines()
    assert lines[0] == ",".join(header)
    assert len(lines) == 2 and len(next(csv.reader([lines[1]]))) == len(header)  # an example row follows
    assert "fte:" in outcome.err  # the allowed codes, on stderr


@pytest.mark.parametrize("kind", ["staff", "vacancies"])
def test_the_filled_in_template_example_imports(tmp_path: Path, kind: str) -> None:
    Institution.objects.create(name="Valstspilsētas vidusskola", type="secondary", registration_number="9000000012")
    path = tmp_path / f"{kind}.csv"
    template = run_command(kind, "--template").out
    if kind == "staff":  # the example's personal code is a placeholder; put a real one in
        header, example = template.splitlines()
        template = header + "\n" + example.replace("150380-11111", code_for(date(1980, 3, 15))) + "\n"
    path.write_text(template, encoding="utf-8")
    outcome = import_file(kind, path)
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome)["created"] == 1

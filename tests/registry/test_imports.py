"""Registry imports: CSV and XLSX files of the five kinds, all or nothing, every bad row named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import imports as import_framework
from eduboard.core.imports import ImportFailed, RowError
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.importers import (
    IMPORTERS,
    GroupImporter,
    InstitutionImporter,
    LearnerImporter,
    ProgrammeImporter,
    ResidentsElsewhereImporter,
)
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    Learner,
    Municipality,
    Programme,
    ResidentsElsewhere,
)
from eduboard.registry.synthetic import PersonalCodes
from tests.imports_helpers import Outcome, imported_counts, run_import_command, write_csv, write_file

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()

INSTITUTION_COLUMNS = [
    "registration_number",
    "name",
    "short_name",
    "type",
    "founder",
    "address",
    "opened_on",
    "closed_on",
]
PROGRAMME_COLUMNS = ["code", "name", "level", "special_needs", "language"]
GROUP_COLUMNS = ["institution", "school_year", "programme", "name", "grade", "kind", "capacity"]
LEARNER_COLUMNS = [
    "personal_code",
    "first_name",
    "last_name",
    "birth_date",
    "declared_municipality",
    "institution",
    "school_year",
    "group",
    "enrolled_on",
    "left_on",
]
RESIDENTS_COLUMNS = ["municipality", "school_year", "level", "learners"]


# --- files and the command


def run_command(*args: str) -> Outcome:
    return run_import_command("import_registry", *args)


def import_file(kind: str, path: Path) -> Outcome:
    return run_command(kind, str(path))


def registry_counts() -> dict[str, int]:
    models = [Institution, Programme, Group, Learner, Enrolment, Municipality, ResidentsElsewhere, SchoolYear]
    return {model.__name__: model._default_manager.count() for model in models}


def code_for(birth: date) -> str:
    return CODES.for_birth_date(birth)


def bad_checksum(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- a small registry to import into


@dataclass
class Registry:
    school: Institution
    other_school: Institution
    preschool: Institution
    class_1a: Group
    class_1b: Group
    preschool_group: Group


@pytest.fixture
def registry() -> Registry:
    return make_registry()


def make_registry() -> Registry:
    """Three institutions (9000000011, 9000000015, a preschool 9000000001) with one group each in 2024/2025."""
    year = school_year_get_or_create(code="2024/2025")
    Municipality.objects.create(name="Daugavpils", is_home=True)
    basic = Programme.objects.create(code="21011111", name="Pamatizglītības programma", level="basic")
    preschool_programme = Programme.objects.create(code="01011111", name="Pirmsskolas programma", level="preschool")
    Programme.objects.create(code="31011011", name="Vispārējās vidējās izglītības programma", level="secondary")
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    other = Institution.objects.create(name="Centra vidusskola", type="secondary", registration_number="9000000015")
    preschool = Institution.objects.create(name="Ruģeļu PII", type="preschool", registration_number="9000000001")
    return Registry(
        school,
        other,
        preschool,
        Group.objects.create(institution=school, school_year=year, programme=basic, name="1.a", grade=1, capacity=28),
        Group.objects.create(institution=other, school_year=year, programme=basic, name="1.b", grade=1, capacity=28),
        Group.objects.create(
            institution=preschool, school_year=year, programme=preschool_programme, name="Bitītes", capacity=20
        ),
    )


def learner_row(
    code: str,
    first: str = "Anna",
    *,
    birth: str = "2017-03-15",
    municipality: str = "Daugavpils",
    institution: str = "9000000011",
    year: str = "2024/2025",
    group: str = "1.a",
    enrolled: str = "2024-09-01",
    left: str = "",
) -> list[str]:
    return [code, first, "Bērziņa", birth, municipality, institution, year, group, enrolled, left]


# --- good files of every kind


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_institutions_file_imports_every_institution(tmp_path: Path, registry: Registry, fmt: str) -> None:
    rows = [
        ["9000000012", "Daugavpils Valstspilsētas vidusskola", "Valstspilsētas vsk.", "secondary", "municipality",
         "Daugavpils", "1990-09-01", ""],
        ["9000000019", "J. Pilsudska Daugavpils valsts poļu ģimnāzija", "Poļu ģimnāzija", "gymnasium", "state",
         "Varšavas iela 4", "1991-09-01", ""],
        ["9000000051", "Daugavpils 11. pamatskola", "11. psk.", "basic", "", "", "1990-09-01", "2024-08-31"],
    ]  # fmt: skip
    outcome = import_file("institutions", write_file(tmp_path, fmt, "institutions", INSTITUTION_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome) == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    gymnasium = Institution.objects.get(registration_number="9000000019")
    assert (gymnasium.name, gymnasium.type, gymnasium.founder) == (
        "J. Pilsudska Daugavpils valsts poļu ģimnāzija",
        "gymnasium",
        "state",
    )
    assert gymnasium.opened_on == date(1991, 9, 1) and gymnasium.closed_on is None
    closed = Institution.objects.get(registration_number="9000000051")
    assert closed.closed_on == date(2024, 8, 31)
    assert closed.founder == "municipality"  # an empty founder means the municipality


def test_institutions_file_may_join_a_closed_school_to_an_existing_one(tmp_path: Path, registry: Registry) -> None:
    rows = [
        ["9000000052", "J. Raiņa Daugavpils 6. pamatskola", "6. psk.", "basic", "municipality", "", "1990-09-01",
         "2024-08-31", "9000000015"],
    ]  # fmt: skip
    outcome = import_file("institutions", write_csv(tmp_path / "i.csv", [*INSTITUTION_COLUMNS, "joined_to"], rows))
    assert outcome.status == 0, outcome.err
    assert Institution.objects.get(registration_number="9000000052").joined_to == registry.other_school


def test_institutions_file_may_join_a_closed_school_to_one_added_earlier_in_the_same_file(
    tmp_path: Path, registry: Registry
) -> None:
    rows = [
        ["9000000013", "Daugavpils Draudzīgā aicinājuma vidusskola", "DA vsk.", "secondary", "municipality", "",
         "1990-09-01", "", ""],
        ["9000000051", "Daugavpils 11. pamatskola", "11. psk.", "basic", "municipality", "", "1990-09-01",
         "2024-08-31", "9000000013"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "i.csv", [*INSTITUTION_COLUMNS, "joined_to"], rows)
    outcome = import_file("institutions", path)
    assert outcome.status == 0, outcome.err
    closed = Institution.objects.get(registration_number="9000000051")
    assert closed.joined_to is not None and closed.joined_to.registration_number == "9000000013"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_programmes_file_imports_every_programme(tmp_path: Path, registry: Registry, fmt: str) -> None:
    rows = [
        ["21015611", "Speciālā pamatizglītības programma (mācīšanās traucējumi)", "basic", "learning", "lv"],
        ["01015611", "Speciālā pirmsskolas programma (jaukti attīstības traucējumi)", "preschool", "mixed", "ru"],
        ["33214011", "Dizains", "vocational", "", ""],
    ]
    outcome = import_file("programmes", write_file(tmp_path, fmt, "programmes", PROGRAMME_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome)["created"] == 3
    special = Programme.objects.get(code="21015611")
    assert (special.level, special.special_needs, special.language) == ("basic", "learning", "lv")
    assert Programme.objects.get(code="01015611").language == "ru"
    design = Programme.objects.get(code="33214011")
    assert (design.special_needs, design.language) == ("none", "lv")  # the defaults


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_groups_file_imports_every_group_and_creates_its_school_year(
    tmp_path: Path, registry: Registry, fmt: str
) -> None:
    rows = [
        ["9000000011", "2025/2026", "21011111", "1.a", 1, "day", 26],
        ["9000000011", "2025/2026", "31011011", "10.a", 10, "", ""],
        ["9000000001", "2025/2026", "01011111", "Mārītes", "", "24h", 18],
    ]
    outcome = import_file("groups", write_file(tmp_path, fmt, "groups", GROUP_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome)["created"] == 3
    year = SchoolYear.objects.get(code="2025/2026")
    assert (year.start_date, year.end_date) == (date(2025, 9, 1), date(2026, 8, 31))
    groups = {g.name: g for g in Group.objects.filter(school_year=year)}
    assert set(groups) == {"1.a", "10.a", "Mārītes"}
    assert (groups["1.a"].grade, groups["1.a"].capacity, groups["1.a"].institution) == (1, 26, registry.school)
    assert (groups["10.a"].kind, groups["10.a"].capacity, groups["10.a"].programme.code) == ("day", None, "31011011")
    assert (groups["Mārītes"].grade, groups["Mārītes"].kind, groups["Mārītes"].capacity) == (None, "24h", 18)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_learners_file_imports_learners_and_their_enrolments(tmp_path: Path, registry: Registry, fmt: str) -> None:
    anna, ivans, mia = code_for(date(2017, 3, 15)), code_for(date(2017, 5, 2)), code_for(date(2021, 1, 9))
    rows = [
        learner_row(anna),
        learner_row(ivans, "Ivans", birth="2017-05-02", municipality="Krāslavas novads", institution="9000000015",
                    group="1.b", left="2025-01-10"),
        learner_row(mia.replace("-", ""), "Mia", birth="2021-01-09", municipality="", institution="9000000001",
                    group="Bitītes", enrolled="2024-08-15"),
    ]  # fmt: skip
    cells: list[list[Any]] = [list(row) for row in rows]
    if fmt == "xlsx":  # dates as real date cells, as a spreadsheet keeps them
        cells[0][3], cells[0][8] = date(2017, 3, 15), date(2024, 9, 1)
    outcome = import_file("learners", write_file(tmp_path, fmt, "learners", LEARNER_COLUMNS, cells))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome) == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    first = Learner.objects.select_related("declared_municipality").get(personal_code=anna)
    assert (first.first_name, first.birth_date) == ("Anna", date(2017, 3, 15))
    assert first.declared_municipality is not None and first.declared_municipality.name == "Daugavpils"
    enrolment = Enrolment.objects.get(learner=first)
    assert (enrolment.group, enrolment.enrolled_on, enrolment.left_on) == (registry.class_1a, date(2024, 9, 1), None)
    second = Learner.objects.get(personal_code=ivans)
    assert second.declared_municipality is not None
    assert second.declared_municipality.name == "Krāslavas novads"
    assert second.declared_municipality.is_home is False
    assert Enrolment.objects.get(learner=second).left_on == date(2025, 1, 10)
    third = Learner.objects.get(personal_code=mia)  # stored written with the hyphen
    assert third.declared_municipality is None
    assert Enrolment.objects.get(learner=third).group == registry.preschool_group


def test_a_learner_in_two_groups_is_one_learner_with_two_enrolments(tmp_path: Path, registry: Registry) -> None:
    code = code_for(date(2017, 3, 15))
    rows = [
        learner_row(code, left="2024-10-01"),
        learner_row(code, institution="9000000015", group="1.b", enrolled="2024-10-01"),
    ]
    outcome = import_file("learners", write_csv(tmp_path / "l.csv", LEARNER_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    assert Learner.objects.count() == 1
    assert Enrolment.objects.count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_residents_elsewhere_file_imports_the_counts(tmp_path: Path, registry: Registry, fmt: str) -> None:
    rows = [
        ["Augšdaugavas novads", "2024/2025", "basic", 120],
        ["Augšdaugavas novads", "2024/2025", "preschool", 30],
        ["Krāslavas novads", "2024/2025", "basic", 7],
    ]
    outcome = import_file("residents_elsewhere", write_file(tmp_path, fmt, "residents", RESIDENTS_COLUMNS, rows))
    assert outcome.status == 0, outcome.err
    counts = {(r.municipality.name, r.school_year.code, r.level): r.learners for r in ResidentsElsewhere.objects.all()}
    assert counts == {
        ("Augšdaugavas novads", "2024/2025", "basic"): 120,
        ("Augšdaugavas novads", "2024/2025", "preschool"): 30,
        ("Krāslavas novads", "2024/2025", "basic"): 7,
    }


def test_residents_of_the_boards_own_municipality_are_refused(tmp_path: Path, registry: Registry) -> None:
    path = write_csv(tmp_path / "r.csv", RESIDENTS_COLUMNS, [["daugavpils", "2024/2025", "basic", "5"]])
    outcome = import_file("residents_elsewhere", path)
    assert outcome.status != 0
    assert outcome.error_lines[0].startswith("row 2, column municipality: ")
    assert ResidentsElsewhere.objects.count() == 0


# --- bad files: every error named, nothing saved


def good_learner() -> list[str]:
    return learner_row(code_for(date(2017, 4, 1)), "Laura", birth="2017-04-01", municipality="Preiļu novads")


BAD_FILES: list[tuple[str, str, list[str], Callable[[], list[list[Any]]], str, str]] = [
    # id, kind, header, rows, expected line start, a word of the reason
    (
        "learner-bad-checksum",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(bad_checksum(code_for(date(2017, 3, 15))))],
        "row 3, column personal_code: ",
        "checksum",
    ),
    (
        "learner-bad-personal-code-date",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row("310217-21234")],
        "row 3, column personal_code: ",
        "birth date",
    ),
    (
        "learner-unknown-institution",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), institution="9999999999")],
        "row 3, column institution: ",
        "unknown institution 9999999999",
    ),
    (
        "group-unknown-institution",
        "groups",
        GROUP_COLUMNS,
        lambda: [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
                 ["9999999999", "2024/2025", "21011111", "2.a", "2", "day", "28"]],
        "row 3, column institution: ",
        "unknown institution 9999999999",
    ),
    (
        "learner-duplicate-row",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner()] * 2,
        "row 3, column -: ",
        "duplicate of row 2",
    ),
    (
        "institution-duplicate-row",
        "institutions",
        INSTITUTION_COLUMNS,
        lambda: [["9000000012", "Valstspilsētas vidusskola", "", "secondary", "municipality", "", "", ""]] * 2,
        "row 3, column -: ",
        "duplicate of row 2",
    ),
    (
        "group-duplicate-row",
        "groups",
        GROUP_COLUMNS,
        lambda: [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
                 ["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "30"]],
        "row 3, column -: ",
        "duplicate of row 2",
    ),
    (
        "learner-bad-date",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), enrolled="2024-09-31")],
        "row 3, column enrolled_on: ",
        "2024-09-31",
    ),
    (
        "learner-date-written-the-local-way",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), birth="15.03.2017")],
        "row 3, column birth_date: ",
        "15.03.2017",
    ),
    (
        "institution-bad-date",
        "institutions",
        INSTITUTION_COLUMNS,
        lambda: [["9000000012", "Valstspilsētas vidusskola", "", "secondary", "municipality", "", "1990-09-01", ""],
                 ["9000000013", "Draudzīgā aicinājuma vidusskola", "", "secondary", "", "", "01.09.1990", ""]],
        "row 3, column opened_on: ",
        "01.09.1990",
    ),
    (
        "learner-leaves-before-enrolling",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), left="2024-08-01")],
        "row 3, column left_on: ",
        "2024-09-01",
    ),
    (
        "learner-missing-column",
        "learners",
        [c for c in LEARNER_COLUMNS if c != "birth_date"],
        lambda: [[c for i, c in enumerate(good_learner()) if i != 3]],
        "row 1, column birth_date: ",
        "missing column",
    ),
    (
        "group-missing-column",
        "groups",
        [c for c in GROUP_COLUMNS if c != "programme"],
        lambda: [["9000000011", "2024/2025", "2.a", "2", "day", "28"]],
        "row 1, column programme: ",
        "missing column",
    ),
    (
        "learner-unknown-group",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), group="9.z")],
        "row 3, column group: ",
        "9.z",
    ),
    (
        "learner-group-of-another-year",
        "learners",
        LEARNER_COLUMNS,
        lambda: [good_learner(), learner_row(code_for(date(2017, 3, 15)), year="2023/2024")],
        "row 3, column group: ",
        "2023/2024",
    ),
    (
        "institution-bad-type-code",
        "institutions",
        INSTITUTION_COLUMNS,
        lambda: [["9000000012", "Valstspilsētas vidusskola", "", "secondary", "municipality", "", "", ""],
                 ["9000000013", "Draudzīgā aicinājuma vidusskola", "", "school", "municipality", "", "", ""]],
        "row 3, column type: ",
        "school",
    ),
    (
        "group-bad-kind-code",
        "groups",
        GROUP_COLUMNS,
        lambda: [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
                 ["9000000011", "2024/2025", "21011111", "2.b", "2", "night", "28"]],
        "row 3, column kind: ",
        "night",
    ),
    (
        "programme-bad-level-code",
        "programmes",
        PROGRAMME_COLUMNS,
        lambda: [["21015611", "Speciālā", "basic", "learning", "lv"], ["21011112", "Pamata", "primary", "", "lv"]],
        "row 3, column level: ",
        "primary",
    ),
    (
        "programme-special-code-without-category",
        "programmes",
        PROGRAMME_COLUMNS,
        lambda: [["21015611", "Speciālā", "basic", "learning", "lv"], ["21015612", "Pamata", "basic", "none", "lv"]],
        "row 3, column code: ",
        "21015612",
    ),
    (
        "residents-bad-level-code",
        "residents_elsewhere",
        RESIDENTS_COLUMNS,
        lambda: [["Augšdaugavas novads", "2024/2025", "basic", "3"],
                 ["Augšdaugavas novads", "2024/2025", "primary", "3"]],
        "row 3, column level: ",
        "primary",
    ),
    (
        "group-unknown-programme",
        "groups",
        GROUP_COLUMNS,
        lambda: [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
                 ["9000000011", "2024/2025", "21019999", "2.b", "2", "day", "28"]],
        "row 3, column programme: ",
        "21019999",
    ),
    (
        "group-bad-school-year",
        "groups",
        GROUP_COLUMNS,
        lambda: [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
                 ["9000000011", "2024/2026", "21011111", "2.b", "2", "day", "28"]],
        "row 3, column school_year: ",
        "2024/2026",
    ),
    (
        "institution-bad-registration-number",
        "institutions",
        INSTITUTION_COLUMNS,
        lambda: [["9000000012", "Valstspilsētas vidusskola", "", "secondary", "municipality", "", "", ""],
                 ["900000001", "Draudzīgā aicinājuma vidusskola", "", "secondary", "municipality", "", "", ""]],
        "row 3, column registration_number: ",
        "900000001",
    ),
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("kind", "header", "rows", "line_start", "reason"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_names_the_row_and_column_exits_non_zero_and_saves_nothing(
    tmp_path: Path,
    registry: Registry,
    fmt: str,
    kind: str,
    header: list[str],
    rows: Callable[[], list[list[Any]]],
    line_start: str,
    reason: str,
) -> None:
    before = registry_counts()
    outcome = import_file(kind, write_file(tmp_path, fmt, kind, header, rows()))
    assert outcome.status != 0
    assert any(line.startswith(line_start) and reason in line for line in outcome.error_lines), outcome.err
    assert f"Nothing was imported: 1 error(s) in {kind}.{fmt}." in outcome.err
    assert "Imported" not in outcome.out
    assert registry_counts() == before


def test_bad_file_lists_every_bad_row_in_order(tmp_path: Path, registry: Registry) -> None:
    rows = [
        learner_row(bad_checksum(code_for(date(2017, 3, 15)))),
        good_learner(),
        learner_row(code_for(date(2017, 6, 1)), institution="9999999999", enrolled="2024-31-01"),
        learner_row(code_for(date(2017, 7, 1)), group="7.c"),
    ]
    outcome = import_file("learners", write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows))
    assert outcome.status != 0
    lines = outcome.error_lines
    assert [line.split(":")[0] for line in lines] == [
        "row 2, column personal_code",
        "row 4, column institution",
        "row 5, column group",
    ]
    assert "Nothing was imported: 3 error(s) in learners.csv." in outcome.err
    assert Learner.objects.count() == 0 and Enrolment.objects.count() == 0
    assert not Municipality.objects.filter(name="Preiļu novads").exists()


def test_refused_learners_file_saves_nothing_even_from_its_good_rows(tmp_path: Path, registry: Registry) -> None:
    rows = [good_learner() for _ in range(1)] + [
        learner_row(code_for(date(2017, 1, day)), f"Bērns{day}", birth=f"2017-01-{day:02d}") for day in range(1, 6)
    ]
    rows.append(learner_row(bad_checksum(code_for(date(2017, 3, 15)))))
    before = registry_counts()
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "l.csv", LEARNER_COLUMNS, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(8, "personal_code")]
    assert str(refused.value.errors[0]).startswith("row 8, column personal_code: ")
    assert registry_counts() == before


def test_same_personal_code_with_another_name_in_one_file_is_refused(tmp_path: Path, registry: Registry) -> None:
    code = code_for(date(2017, 3, 15))
    rows = [learner_row(code), learner_row(code, "Olga", institution="9000000015", group="1.b")]
    outcome = import_file("learners", write_csv(tmp_path / "l.csv", LEARNER_COLUMNS, rows))
    assert outcome.status != 0
    assert outcome.error_lines[0].startswith("row 3, column personal_code: ")
    assert Learner.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("learners.csv", "", "empty"),
        ("learners.csv", ",".join(LEARNER_COLUMNS) + "\n", "no data rows"),
        ("learners.txt", "whatever", ".csv or .xlsx"),
    ],
)
def test_empty_or_unreadable_file_is_refused_with_a_reason(
    tmp_path: Path, registry: Registry, name: str, content: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    outcome = import_file("learners", path)
    assert outcome.status != 0
    assert fragment in outcome.err
    assert Learner.objects.count() == 0


def test_institution_with_non_latin_digits_is_refused_as_a_row_error_not_a_crash(
    tmp_path: Path, registry: Registry
) -> None:
    rows = [["９０００００００１２", "Valstspilsētas vidusskola", "", "secondary", "municipality", "", "", ""]]
    outcome = import_file("institutions", write_csv(tmp_path / "i.csv", INSTITUTION_COLUMNS, rows))
    assert outcome.status != 0
    assert outcome.error_lines[0].startswith("row 2, column registration_number: ")
    assert Institution.objects.count() == 3


TOO_LONG = "Ļ" * 300


@pytest.mark.parametrize(
    ("kind", "header", "row", "column"),
    [
        ("institutions", INSTITUTION_COLUMNS, ["9000000012", TOO_LONG, "", "secondary", "", "", "", ""], "name"),
        ("groups", GROUP_COLUMNS, ["9000000011", "2024/2025", "21011111", TOO_LONG, "2", "day", "28"], "name"),
        ("learners", LEARNER_COLUMNS, learner_row(code_for(date(2017, 3, 20)), TOO_LONG, birth="2017-03-20"),
         "first_name"),
    ],
)  # fmt: skip
def test_value_longer_than_its_column_allows_is_a_row_error_and_nothing_is_saved(
    tmp_path: Path, registry: Registry, kind: str, header: list[str], row: list[str], column: str
) -> None:
    before = registry_counts()
    outcome = import_file(kind, write_csv(tmp_path / f"{kind}.csv", header, [row]))
    assert outcome.status != 0
    assert outcome.error_lines and outcome.error_lines[0].startswith(f"row 2, column {column}: ")
    assert registry_counts() == before


# --- importing twice changes nothing


def good_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "institutions": write_csv(
            tmp_path / "institutions.csv",
            [*INSTITUTION_COLUMNS, "joined_to"],
            [
                ["9000000012", "Valstspilsētas vidusskola", "Valstspilsētas vsk.", "secondary", "municipality",
                 "Daugavpils", "1990-09-01", "", ""],
                ["9000000051", "11. pamatskola", "", "basic", "", "", "1990-09-01", "2024-08-31", "9000000011"],
            ],
        ),
        "programmes": write_csv(
            tmp_path / "programmes.csv",
            PROGRAMME_COLUMNS,
            [["21015611", "Speciālā pamatizglītības programma", "basic", "learning", "lv"],
             ["01015611", "Speciālā pirmsskolas programma", "preschool", "mixed", ""]],
        ),
        "groups": write_csv(
            tmp_path / "groups.csv",
            GROUP_COLUMNS,
            [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
             ["9000000001", "2025/2026", "01011111", "Mārītes", "", "24h", ""]],
        ),
        "learners": write_csv(
            tmp_path / "learners.csv",
            LEARNER_COLUMNS,
            [learner_row(code_for(date(2017, 3, 15))),
             learner_row(code_for(date(2017, 3, 16)), "Ivans", birth="2017-03-16", municipality="Krāslavas novads",
                         left="2025-02-01"),
             learner_row("321234-56789", "Mia", birth="2021-01-09", municipality="", institution="9000000001",
                         group="Bitītes")],
        ),
        "residents_elsewhere": write_csv(
            tmp_path / "residents.csv",
            RESIDENTS_COLUMNS,
            [["Augšdaugavas novads", "2024/2025", "basic", "120"], ["Krāslavas novads", "2024/2025", "basic", "7"]],
        ),
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path, registry: Registry, kind: str) -> None:
    path = good_files(tmp_path)[kind]
    first = import_file(kind, path)
    assert first.status == 0, first.err
    assert imported_counts(first)["created"] == (3 if kind == "learners" else 2)
    after_first = registry_counts()
    second = import_file(kind, path)
    assert second.status == 0, second.err
    counts = imported_counts(second)
    assert (counts["created"], counts["updated"]) == (0, 0)
    assert counts["unchanged"] == counts["rows"] == imported_counts(first)["rows"]
    assert registry_counts() == after_first


def test_changed_row_is_updated_in_place(tmp_path: Path, registry: Registry) -> None:
    rows = [["9000000011", "2024/2025", "21011111", "1.a", "1", "day", "30"]]
    outcome = import_file("groups", write_csv(tmp_path / "g.csv", GROUP_COLUMNS, rows))
    assert imported_counts(outcome) == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    registry.class_1a.refresh_from_db()
    assert registry.class_1a.capacity == 30
    assert Group.objects.count() == 3


def closed_school(registry: Registry) -> Institution:
    return Institution.objects.create(
        registration_number="9000000052",
        name="J. Raiņa Daugavpils 6. pamatskola",
        short_name="6. psk.",
        address="Daugavpils",
        type="basic",
        opened_on=date(1990, 9, 1),
        closed_on=date(2024, 8, 31),
        joined_to=registry.other_school,
    )


def test_institutions_file_without_the_optional_columns_keeps_the_stored_values(
    tmp_path: Path, registry: Registry
) -> None:
    school = closed_school(registry)
    header = ["registration_number", "name", "type", "founder", "opened_on", "closed_on"]
    rows = [["9000000052", "J. Raiņa Daugavpils 6. pamatskola", "basic", "municipality", "1990-09-01", "2024-08-31"]]
    outcome = import_file("institutions", write_csv(tmp_path / "i.csv", header, rows))
    assert outcome.status == 0, outcome.err
    school.refresh_from_db()
    assert school.joined_to == registry.other_school  # the reorganisation is not forgotten
    assert (school.short_name, school.address) == ("6. psk.", "Daugavpils")
    assert imported_counts(outcome) == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1}


def test_institutions_file_that_changes_only_joined_to_reports_an_update(tmp_path: Path, registry: Registry) -> None:
    school = closed_school(registry)
    rows = [
        ["9000000052", "J. Raiņa Daugavpils 6. pamatskola", "6. psk.", "basic", "municipality", "Daugavpils",
         "1990-09-01", "2024-08-31", "9000000011"],
    ]  # fmt: skip
    outcome = import_file("institutions", write_csv(tmp_path / "i.csv", [*INSTITUTION_COLUMNS, "joined_to"], rows))
    assert outcome.status == 0, outcome.err
    school.refresh_from_db()
    assert school.joined_to == registry.school
    assert imported_counts(outcome) == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}


def test_large_file_written_in_chunks_imports_whole_and_twice_changes_nothing(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_framework, "CHUNK_SIZE", 2)
    rows = []
    for day in range(1, 8):
        code = code_for(date(2017, 2, day))
        rows.append(learner_row(code, f"Bērns{day}", birth=f"2017-02-{day:02d}", left="2024-12-01"))
        rows.append(
            learner_row(code, f"Bērns{day}", birth=f"2017-02-{day:02d}", institution="9000000015", group="1.b",
                        enrolled="2024-12-01")
        )  # fmt: skip
    path = write_csv(tmp_path / "learners.csv", LEARNER_COLUMNS, rows)
    first = LearnerImporter(viewer=WHOLE_CITY).run(path)
    assert (first.rows, first.created) == (14, 14)
    assert Learner.objects.count() == 7 and Enrolment.objects.count() == 14
    second = LearnerImporter(viewer=WHOLE_CITY).run(path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 14)


# --- the importer classes


def test_importer_class_returns_what_it_did(tmp_path: Path, registry: Registry) -> None:
    path = good_files(tmp_path)["groups"]
    result = GroupImporter(viewer=WHOLE_CITY).run(path)
    assert result.as_dict() == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}


def test_importer_class_refusal_lists_row_errors(tmp_path: Path, registry: Registry) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        PROGRAMME_COLUMNS,
        [["01011111", "Pirmsskola", "basic", "none", "lv"], ["2101", "X", "basic", "", ""]],
    )
    with pytest.raises(ImportFailed) as refused:
        ProgrammeImporter(viewer=WHOLE_CITY).run(path)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "code"), (3, "code")]
    assert all(isinstance(e, RowError) for e in refused.value.errors)
    assert Programme.objects.get(code="01011111").level == "preschool"


# --- templates


TEMPLATE_HEADERS = {
    "institutions": "registration_number,name,short_name,type,founder,address,opened_on,closed_on",
    "programmes": "code,name,level,special_needs,language",
    "groups": "institution,school_year,programme,name,grade,kind,capacity",
    "learners": (
        "personal_code,first_name,last_name,birth_date,declared_municipality,institution,school_year,group,"
        "enrolled_on,left_on"
    ),
    "residents_elsewhere": "municipality,school_year,level,learners",
}


def header_matches(kind: str, header: list[str]) -> bool:
    expected = TEMPLATE_HEADERS[kind].split(",")
    if kind == "institutions":  # joined_to and the board may follow, as optional last columns
        return header in (expected, [*expected, "joined_to"], [*expected, "joined_to", "board"])
    if kind == "programmes":  # interest education's stem and field may follow, as optional last columns
        return header in (expected, [*expected, "stem", "field"])
    if kind == "learners":  # the leaving reason may follow, as an optional last column
        return header in (expected, [*expected, "leaving_reason"])
    return header == expected


@pytest.mark.parametrize("kind", sorted(TEMPLATE_HEADERS))
def test_template_prints_the_header_of_the_kind(kind: str) -> None:
    outcome = run_command(kind, "--template")
    assert outcome.status == 0
    lines = outcome.out.splitlines()
    assert header_matches(kind, lines[0].split(","))
    assert len(lines) >= 2  # an example row follows
    assert outcome.err  # the allowed codes, on stderr


@pytest.mark.parametrize("kind", sorted(TEMPLATE_HEADERS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_is_written_to_a_file(tmp_path: Path, kind: str, fmt: str) -> None:
    target = tmp_path / f"template.{fmt}"
    outcome = run_command(kind, str(target), "--template")
    assert outcome.status == 0
    if fmt == "csv":
        header = target.read_text(encoding="utf-8").splitlines()[0].split(",")
    else:
        workbook = load_workbook(target)
        header = [cell.value for cell in workbook.worksheets[0][1]]
        assert "codes" in workbook.sheetnames
    assert header_matches(kind, header)


def test_institutions_template_offers_joined_to_and_the_board_as_its_optional_last_columns() -> None:
    header = run_command("institutions", "--template").out.splitlines()[0]
    assert header == TEMPLATE_HEADERS["institutions"] + ",joined_to,board"


def test_institutions_file_without_the_optional_columns_is_accepted(tmp_path: Path, registry: Registry) -> None:
    header = ["registration_number", "name", "type", "founder", "opened_on", "closed_on"]
    rows = [["9000000012", "Valstspilsētas vidusskola", "secondary", "municipality", "", ""]]
    outcome = import_file("institutions", write_csv(tmp_path / "i.csv", header, rows))
    assert outcome.status == 0, outcome.err
    assert Institution.objects.filter(registration_number="9000000012", short_name="", address="").exists()


def test_filled_in_csv_template_imports(tmp_path: Path, registry: Registry) -> None:
    target = tmp_path / "programmes.csv"
    run_command("programmes", str(target), "--template")
    outcome = import_file("programmes", target)
    assert outcome.status == 0, outcome.err
    assert Programme.objects.filter(code="21015611", special_needs="learning").exists()


# --- a head of school imports only for the own institution


@pytest.fixture
def head(registry: Registry, make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [registry.school])


def test_head_of_school_imports_groups_of_the_own_school(tmp_path: Path, registry: Registry, head: User) -> None:
    rows = [["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"]]
    result = GroupImporter(viewer=head).run(write_csv(tmp_path / "g.csv", GROUP_COLUMNS, rows))
    assert result.created == 1
    assert Group.objects.filter(institution=registry.school, name="2.a").exists()


def test_head_of_school_is_refused_groups_of_another_school_and_nothing_is_saved(
    tmp_path: Path, registry: Registry, head: User
) -> None:
    rows = [
        ["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
        ["9000000015", "2024/2025", "21011111", "2.a", "2", "day", "28"],
    ]
    before = registry_counts()
    with pytest.raises(ImportFailed) as refused:
        GroupImporter(viewer=head).run(write_csv(tmp_path / "g.csv", GROUP_COLUMNS, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "institution")]
    assert "9000000015" in refused.value.errors[0].message
    assert registry_counts() == before


def test_head_of_school_is_refused_learners_of_another_school_and_nothing_is_saved(
    tmp_path: Path, registry: Registry, head: User
) -> None:
    rows = [
        learner_row(code_for(date(2017, 3, 15))),
        learner_row(code_for(date(2017, 3, 16)), institution="9000000015", group="1.b"),
        learner_row(code_for(date(2021, 3, 16)), institution="9000000001", group="Bitītes"),
    ]
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=head).run(write_csv(tmp_path / "l.csv", LEARNER_COLUMNS, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "institution"), (4, "institution")]
    assert Learner.objects.count() == 0 and Enrolment.objects.count() == 0


def test_head_of_school_may_not_change_other_institutions_or_add_new_ones(
    tmp_path: Path, registry: Registry, head: User
) -> None:
    rows = [
        ["9000000011", "Zinātņu vidusskola", "Zinātņu vsk.", "secondary", "municipality", "", "", ""],
        ["9000000015", "Centra vidusskola (renamed)", "", "secondary", "municipality", "", "", ""],
        ["9000000077", "Jauna skola", "", "basic", "municipality", "", "", ""],
    ]
    with pytest.raises(ImportFailed) as refused:
        InstitutionImporter(viewer=head).run(write_csv(tmp_path / "i.csv", INSTITUTION_COLUMNS, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "registration_number"), (4, "registration_number")]
    assert Institution.objects.get(registration_number="9000000015").name == "Centra vidusskola"
    assert not Institution.objects.filter(registration_number="9000000077").exists()


@pytest.mark.parametrize(
    ("importer", "header", "row"),
    [
        (ProgrammeImporter, PROGRAMME_COLUMNS, ["21015611", "Speciālā", "basic", "learning", "lv"]),
        (ResidentsElsewhereImporter, RESIDENTS_COLUMNS, ["Augšdaugavas novads", "2024/2025", "basic", "3"]),
    ],
)
def test_head_of_school_may_not_import_the_boards_own_lists(
    tmp_path: Path, registry: Registry, head: User, importer: Any, header: list[str], row: list[str]
) -> None:
    before = registry_counts()
    with pytest.raises(ImportFailed) as refused:
        importer(viewer=head).run(write_csv(tmp_path / "f.csv", header, [row]))
    assert [e.row for e in refused.value.errors] == [2]
    assert registry_counts() == before


def test_board_administrator_imports_rows_of_every_institution(
    tmp_path: Path, registry: Registry, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    rows = [
        ["9000000011", "2024/2025", "21011111", "2.a", "2", "day", "28"],
        ["9000000015", "2024/2025", "21011111", "2.a", "2", "day", "28"],
    ]
    assert GroupImporter(viewer=admin).run(write_csv(tmp_path / "g.csv", GROUP_COLUMNS, rows)).created == 2

"""OneRoster's `grades` say what a learner's year is, as the CEDS grade levels a partner's system reads: a preschool
child `PK`; a pupil of basic or general secondary school (special-needs programmes alike) the class's grade; a
vocational year after basic school the grade of that level (year 1 is grade 10, never grade 01); a vocational programme
after secondary school `PS`; vocational basic education `UG`; interest education no grade. docs/exchange.md has the
table."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.exchange.oneroster import CEDS_GRADES
from eduboard.registry.models import Group, Institution, Programme
from tests.dataquality.test_checks import enrol, learner, school

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 15)

#: (programme code, level, special needs, group's grade, learner's first name, the grade the export must say)
LEARNERS = [
    ("01011111", "preschool", "none", None, "Pirmsskola", "PK"),
    ("01015511", "preschool", "language", None, "Logopēdiskā", "PK"),
    ("21011111", "basic", "none", 1, "Pirmklasnieks", "01"),
    ("21011111", "basic", "none", 9, "Devītklasnieks", "09"),
    ("21015611", "basic", "learning", 5, "Speciālā", "05"),
    ("31011011", "secondary", "none", 10, "Desmitklasnieks", "10"),
    ("31011011", "secondary", "none", 12, "Divpadsmitklasnieks", "12"),
    ("33484011", "vocational", "none", 1, "Programmētājs", "10"),  # profesionālā vidējā izglītība, year 1
    ("33484011", "vocational", "none", 4, "Tehniķis", "13"),  # its fourth year
    ("32815011", "vocational", "none", 3, "Frizieris", "12"),  # arodizglītība, year 3
    ("35522011", "vocational", "none", 1, "Elektromontieris", "PS"),  # after general secondary school
    ("22542011", "vocational", "none", 1, "Šuvēja", "UG"),  # vocational basic education
    ("20000001", "interest", "none", None, "Pulciņš", ""),
]


def enrolled(where: Institution, code: str, level: str, special: str, grade: int | None, name: str) -> Group:
    programme, _made = Programme.objects.get_or_create(
        code=code, defaults={"name": f"Programma {code}", "level": level, "special_needs": special}
    )
    group = Group.objects.create(
        institution=where,
        school_year=school_year_get_or_create(code="2024/2025"),
        programme=programme,
        name=f"{name} ({code})",
        grade=grade,
    )
    enrol(learner(name, "Ozola", date(2010, 1, 1)), group)
    return group


def export(folder: Path) -> dict[str, list[dict[str, str]]]:
    call_command("export_oneroster", "--out", str(folder), "--as-of", AS_OF.isoformat(), stdout=StringIO())
    files = {}
    for name in ("users.csv", "classes.csv", "courses.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as source:
            files[name] = list(csv.DictReader(source))
    return files


def test_every_level_exports_the_grade_of_its_year(tmp_path: Path) -> None:
    where = school("9000000101", "Saules skola")
    for code, level, special, grade, name, _expected in LEARNERS:
        enrolled(where, code, level, special, grade, name)
    files = export(tmp_path)
    users = {row["givenName"]: row["grades"] for row in files["users.csv"]}
    classes = {row["title"].split(" (")[0]: row["grades"] for row in files["classes.csv"]}
    for code, _level, _special, _grade, name, expected in LEARNERS:
        assert users[name] == expected, (code, name)
        assert classes[name] == expected, (code, name)
    assert {row["grades"] for row in files["users.csv"]} - {""} <= set(CEDS_GRADES)
    courses = {row["courseCode"]: row["grades"] for row in files["courses.csv"]}
    assert courses["33484011"] == "10,13" and courses["31011011"] == "10,12" and courses["21011111"] == "01,09"


def test_no_vocational_year_after_basic_school_counts_in_a_grade_of_basic_school(tmp_path: Path) -> None:
    """The tehnikums's four years of a vocational secondary programme are grades 10 to 13, none of them 01–09."""
    where = Institution.objects.create(name="Daugavpils tehnikums", type="vocational", registration_number="2734003068")
    for year in range(1, 5):
        enrolled(where, "33521011", "vocational", "none", year, f"Kurss{year}")
    users = {row["givenName"]: row["grades"] for row in export(tmp_path)["users.csv"]}
    assert users == {"Kurss1": "10", "Kurss2": "11", "Kurss3": "12", "Kurss4": "13"}


def test_a_learner_in_a_class_and_an_interest_group_has_the_classs_grade_whichever_came_first(tmp_path: Path) -> None:
    where = school("9000000101", "Saules skola")
    club = enrolled(where, "20000001", "interest", "none", None, "Robotika")
    third = enrolled(where, "21011111", "basic", "none", 3, "Trešā")
    pupil = club.enrolments.get().learner  # enrolled in the club first, then in the third grade
    enrol(pupil, third)
    users = {row["sourcedId"]: row["grades"] for row in export(tmp_path)["users.csv"]}
    assert users[f"learner-{pupil.pk}"] == "03"

"""`manage.py export_oneroster` (issue 43, point 6): the files of the OneRoster 1.2 CSV binding, parsed back: every
required column, the value sets, the date forms, every reference resolving to a row of the set, bulk with status
and dateLastModified blank, a delta with them set and the enrolments ended since as `tobedeleted`; one
institution's with `--institution`; no personal code anywhere; the export in the audit trail."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from eduboard.exchange.oneroster import FILES
from eduboard.people.models import StaffMember
from eduboard.registry.models import Enrolment, Group, Institution, Learner
from tests.dataquality.test_checks import CODES, enrol, group, learner, school

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 15)
REQUIRED = {  # the binding's required columns of each file (they may not be blank)
    "orgs.csv": ["sourcedId", "name", "type"],
    "academicSessions.csv": ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"],
    "courses.csv": ["sourcedId", "title", "orgSourcedId"],
    "classes.csv": ["sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"],
    "users.csv": ["sourcedId", "enabledUser", "username", "givenName", "familyName"],
    "roles.csv": ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
    "enrollments.csv": ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def export(folder: Path, *args: str) -> dict[str, list[dict[str, str]]]:
    call_command("export_oneroster", "--out", str(folder), *args, stdout=StringIO())
    files: dict[str, list[dict[str, str]]] = {}
    for name in ["manifest.csv", *FILES]:
        with (folder / name).open(encoding="utf-8", newline="") as source:
            reader = csv.DictReader(source)
            expected = ["propertyName", "value"] if name == "manifest.csv" else FILES[name]
            assert reader.fieldnames == expected, name
            files[name] = list(reader)
    return files


@pytest.fixture
def two_schools() -> tuple[Institution, Institution]:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    fourth, kindergarten = (
        group(a, level="basic", grade=4, name="4.a"),
        group(b, level="preschool", grade=None, name="Rūķi"),
    )
    enrol(learner("Anna", "Ozola", date(2014, 3, 1)), fourth, on=date(2024, 9, 2))
    enrol(learner("Ilze", "Kalna", date(2014, 4, 1)), fourth, on=date(2024, 9, 2), left=date(2024, 10, 1))  # gone
    enrol(learner("Pēteris", "Lauks", date(2020, 5, 5)), kindergarten, on=date(2024, 9, 2))
    leader = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="Inese", last_name="Vadītāja"
    )
    Group.objects.filter(pk=fourth.pk).update(leader=leader)
    return a, b


def test_the_bulk_files_hold_the_required_columns_value_sets_dates_and_references(
    tmp_path: Path, two_schools: tuple[Institution, Institution]
) -> None:
    files = export(tmp_path, "--as-of", AS_OF.isoformat())
    manifest = {row["propertyName"]: row["value"] for row in files["manifest.csv"]}
    assert manifest["manifest.version"] == "1.0" and manifest["oneroster.version"] == "1.2"
    assert all(manifest[f"file.{name.removesuffix('.csv')}"] == "bulk" for name in FILES)
    assert manifest["file.results"] == "absent"
    for name, columns in REQUIRED.items():
        for row in files[name]:
            assert all(row[column] for column in columns), (name, row)
            assert row["status"] == "" and row["dateLastModified"] == ""  # bulk
    ids = {name: {row["sourcedId"] for row in rows} for name, rows in files.items() if name != "manifest.csv"}
    assert {row["type"] for row in files["orgs.csv"]} <= {"district", "school"}
    assert {row["parentSourcedId"] for row in files["orgs.csv"]} - {""} <= ids["orgs.csv"]
    (year,) = files["academicSessions.csv"]
    assert (year["type"], year["startDate"], year["endDate"], year["schoolYear"]) == (
        "schoolYear",
        "2024-09-01",
        "2025-08-31",
        "2025",
    )
    for course in files["courses.csv"]:
        assert (
            course["orgSourcedId"] in ids["orgs.csv"] and course["schoolYearSourcedId"] in ids["academicSessions.csv"]
        )
    assert {row["grades"] for row in files["classes.csv"]} == {"04", "PK"}
    for klass in files["classes.csv"]:
        assert klass["classType"] in {"homeroom", "scheduled"}
        assert klass["courseSourcedId"] in ids["courses.csv"] and klass["schoolSourcedId"] in ids["orgs.csv"]
        assert set(klass["termSourcedIds"].split(",")) <= ids["academicSessions.csv"]
    for role in files["roles.csv"]:
        assert role["roleType"] in {"primary", "secondary"} and role["role"] in {"student", "teacher"}
        assert role["userSourcedId"] in ids["users.csv"] and role["orgSourcedId"] in ids["orgs.csv"]
    for enrollment in files["enrollments.csv"]:
        assert enrollment["role"] in {"student", "teacher", "administrator", "proctor"}
        assert enrollment["classSourcedId"] in ids["classes.csv"] and enrollment["userSourcedId"] in ids["users.csv"]
        assert enrollment["schoolSourcedId"] in ids["orgs.csv"]
        assert all(DAY.match(enrollment[key]) for key in ("beginDate", "endDate") if enrollment[key])
    # the learners enrolled on the day, each once (the one who left before it is not there), and the group's leader
    roles = {row["userSourcedId"]: row["role"] for row in files["roles.csv"]}
    assert sorted((row["givenName"], row["familyName"], roles[row["sourcedId"]]) for row in files["users.csv"]) == [
        ("Anna", "Ozola", "student"),
        ("Inese", "Vadītāja", "teacher"),
        ("Pēteris", "Lauks", "student"),
    ]
    teacher = next(row for row in files["enrollments.csv"] if row["role"] == "teacher")
    assert teacher["primary"] == "true" and teacher["classSourcedId"] == f"class-{Group.objects.get(name='4.a').pk}"
    text = "".join((tmp_path / name).read_text(encoding="utf-8") for name in FILES)
    assert not any(code in text for code in Learner.objects.values_list("personal_code", flat=True))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["command"] == "export_oneroster" and entry.additional_data["rows"] == 2


def test_one_institutions_files_and_a_delta_of_what_changed_since_a_day(
    tmp_path: Path, two_schools: tuple[Institution, Institution]
) -> None:
    files = export(tmp_path / "a", "--as-of", AS_OF.isoformat(), "--institution", "9000000101")
    assert [row["identifier"] for row in files["orgs.csv"] if row["type"] == "school"] == ["9000000101"]
    assert sorted(row["givenName"] for row in files["users.csv"]) == ["Anna", "Inese"]  # its learner and leader
    # a delta since the day after the set was written: only what changed, with its status and time
    Enrolment.objects.filter(learner__first_name="Anna").update(left_on=date(2024, 10, 10))
    files = export(tmp_path / "delta", "--as-of", AS_OF.isoformat(), "--since", "2024-10-05")
    manifest = {row["propertyName"]: row["value"] for row in files["manifest.csv"]}
    assert manifest["file.enrollments"] == "delta"
    statuses = {row["userSourcedId"]: row["status"] for row in files["enrollments.csv"]}
    anna = Learner.objects.get(first_name="Anna")
    assert statuses[f"learner-{anna.pk}"] == "tobedeleted"
    for name in FILES:
        for row in files[name]:
            assert row["status"] in {"active", "tobedeleted"}
            assert MOMENT.match(row["dateLastModified"]), (name, row)
    assert Group.objects.count() == 2


def test_an_unknown_institution_or_a_day_of_no_school_year_is_answered_plainly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="9999999999"):
        call_command("export_oneroster", "--out", str(tmp_path), "--institution", "9999999999")
    # no school year in the data: said in one line, status 1 (test_oneroster_default_day.py: what is written)
    with pytest.raises(CommandError, match="No learner is enrolled on 1999-01-15"):
        export(tmp_path, "--as-of", "1999-01-15")


def test_a_head_downloads_their_own_schools_files_from_the_page(
    two_schools: tuple[Institution, Institution], make_user: Any, signed_in: Any
) -> None:
    from eduboard.accounts.roles import Role

    a, _b = two_schools
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [a]))
    assert head.get(reverse("exchange:oneroster")).status_code == 200
    response = head.get(reverse("exchange:oneroster"), {"as_of": AS_OF.isoformat(), "download": "1"})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(response.content)) as zipped:
        assert sorted(zipped.namelist()) == sorted(["manifest.csv", *FILES])
        users = list(csv.DictReader(StringIO(zipped.read("users.csv").decode("utf-8"))))
    assert sorted(row["givenName"] for row in users) == ["Anna", "Inese"]  # not B's Pēteris
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["export"] == "oneroster" and entry.additional_data["rows"] == 1
    # asking for B's institution names none of the head's: the form refuses it
    refused = head.get(
        reverse("exchange:oneroster"), {"as_of": AS_OF.isoformat(), "institution": _b.pk, "download": "1"}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["institution"]

"""A OneRoster export of a day no learner is enrolled on: orgs.csv still lists the board (the district) and its
institutions, as the binding requires, every other file is empty, and the command says so in one line and exits
with status 1 (a partner's system reads a bulk set without enrolments as every learner gone)."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduboard.exchange.oneroster import FILES
from eduboard.registry.models import Institution
from tests.exchange.test_oneroster import two_schools  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

NO_SCHOOL_YEAR = "2030-01-15"  # the schools are open; the data holds the school year 2024/2025 only


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


@pytest.mark.usefixtures("two_schools")
def test_a_day_without_learners_writes_the_board_and_its_institutions_and_says_so(tmp_path: Path) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=f"No learner is enrolled on {NO_SCHOOL_YEAR}"):
        call_command("export_oneroster", "--out", str(tmp_path), "--as-of", NO_SCHOOL_YEAR, stdout=out)
    assert f"as of {NO_SCHOOL_YEAR}" in out.getvalue()
    orgs = read(tmp_path, "orgs.csv")
    (district,) = [row for row in orgs if row["type"] == "district"]
    schools = sorted(row["identifier"] for row in orgs if row["type"] == "school")
    assert schools == sorted(Institution.objects.values_list("registration_number", flat=True))
    assert {row["parentSourcedId"] for row in orgs if row["type"] == "school"} == {district["sourcedId"]}
    assert all(read(tmp_path, name) == [] for name in FILES if name != "orgs.csv")


@pytest.mark.usefixtures("two_schools")
def test_one_institutions_empty_day_names_its_board_and_itself(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "export_oneroster", "--out", str(tmp_path), "--as-of", NO_SCHOOL_YEAR, "--institution", "9000000101"
        )
    assert sorted((row["type"], row["identifier"]) for row in read(tmp_path, "orgs.csv")) == [
        ("district", ""),
        ("school", "9000000101"),
    ]


@pytest.mark.usefixtures("two_schools")
def test_a_delta_of_a_day_without_changes_is_no_failure(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "export_oneroster", "--out", str(tmp_path), "--as-of", NO_SCHOOL_YEAR, "--since", "2030-01-01", stdout=out
    )
    assert "(delta)" in out.getvalue()

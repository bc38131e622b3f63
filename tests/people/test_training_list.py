"""The mandatory training list: a page at a time in the Latvian order, filtered by name (case and diacritics
aside), institution, requirement and status, exported whole and audited, scoped to the user's institutions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.people.models import (
    Employment,
    PositionKind,
    StaffMember,
    TrainingAppliesTo,
    TrainingRecord,
    TrainingRequirement,
)
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()


@pytest.fixture
def schools() -> tuple[Institution, Institution]:
    """55 teachers at one school (one of them "Bērziņa", one with the training done), 3 at another."""
    ensure_standard_positions()
    teacher = PositionKind.objects.get(code="subject_teacher")
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    other = Institution.objects.create(name="Centra vidusskola", type="secondary", registration_number="9000000015")
    requirement = TrainingRequirement.objects.create(
        name="Bērnu tiesību aizsardzība", hours=8, renewal_months=60, applies_to=TrainingAppliesTo.PEDAGOGICAL
    )
    birth = date(1970, 1, 1)
    names = [f"Ozola{index:02d}" for index in range(53)] + ["Bērziņa", "Ābele"]
    for index, last_name in enumerate([*names, "Citā0", "Citā1", "Citā2"]):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(birth + timedelta(days=index)), first_name="Anna", last_name=last_name
        )
        Employment.objects.create(
            staff_member=person,
            institution=other if last_name.startswith("Citā") else school,
            position=teacher,
            fte="1.000",
            start_date=date(2020, 9, 1),
        )
        if last_name == "Ozola00":
            TrainingRecord.objects.create(
                staff_member=person, requirement=requirement, completed_on=date.today(), hours=8
            )
    return school, other


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [row for row in body.split("<tr>") if row.strip()]


def test_the_list_comes_a_page_at_a_time_in_latvian_order(
    schools: tuple[Institution, Institution], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    first = board.get("/people/training/").content.decode()
    assert len(rows(first)) == 50  # 57 missing, 50 a page
    assert "1. lapa no 2" in first
    assert "Ābele Anna" in rows(first)[0]  # Ā sorts with A, before B
    assert "Bērziņa Anna" in rows(first)[1]
    second = board.get("/people/training/", {"page": 2}).content.decode()
    assert len(rows(second)) == 7
    assert "Ozola00" not in first + second  # her training is done


def test_filters_find_a_name_typed_without_diacritics_and_narrow_by_institution_and_status(
    schools: tuple[Institution, Institution], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    _school, other = schools
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    found = board.get("/people/training/", {"q": "BERZINA"}).content.decode()
    assert len(rows(found)) == 1 and "Bērziņa Anna" in found
    at_other = board.get("/people/training/", {"institution": other.pk}).content.decode()
    assert len(rows(at_other)) == 3 and all("Citā" in row for row in rows(at_other))
    assert rows(board.get("/people/training/", {"status": "expired"}).content.decode()) == []
    assert len(rows(board.get("/people/training/", {"status": "missing", "q": "ozola"}).content.decode())) == 50


def test_the_export_holds_every_filtered_row_and_is_audited(
    schools: tuple[Institution, Institution], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    response = board.get("/people/training/", {"export": "csv", "q": "ozola"})
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 1 + 52  # the header and every Ozola but the one trained, not only a page
    assert LogEntry.objects.filter(object_repr__startswith="export of").exists()
    xlsx = board.get("/people/training/", {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_head_sees_only_their_own_institution(
    schools: tuple[Institution, Institution], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    school, other = schools
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[other]))
    page = head.get("/people/training/").content.decode()
    assert len(rows(page)) == 3 and "Ozola" not in page
    # Another institution's id in the filter is refused like a choice that does not exist: nothing of it shown.
    refused = head.get("/people/training/", {"institution": school.pk}).content.decode()
    assert "Ozola" not in refused

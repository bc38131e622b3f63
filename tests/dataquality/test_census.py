"""Census completeness (issue 43, point 2): for a census day, which institutions have sent their learners, staff and
money, when, and who is late; `check_data --census`; the weekly reminder to the heads who are late; the page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.dataquality.models import CensusDate
from eduboard.dataquality.selectors import census_completeness
from eduboard.finance.models import Allocation, Expenditure, FundingSource
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.registry.models import Institution
from tests.dataquality.test_checks import CODES, enrol, group, learner, school

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DAY = date(2025, 1, 1)  # in school year 2024/2025


def sends(where: Institution, *, learners: bool = True, staff: bool = True, money: bool = True) -> None:
    if learners:
        enrol(learner("Anna", f"Ozola {where.pk}", date(2015, 3, 1)), group(where, level="basic", grade=4, name="4.a"))
    if staff:
        position = PositionKind.objects.first() or PositionKind.objects.create(code="teacher", name="Skolotājs")
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, where.pk % 28 + 1)), first_name="A", last_name="B"
        )
        Employment.objects.create(
            staff_member=person, institution=where, position=position, fte=Decimal(1), start_date=date(2024, 9, 1)
        )
    if money:
        source = FundingSource.objects.first() or FundingSource.objects.create(code="municipal", name="Pašvaldība")
        allocation = Allocation.objects.create(
            year=2025, institution=where, source=source, purpose="other", amount=Decimal(100)
        )
        Expenditure.objects.create(allocation=allocation, date=DAY, amount=Decimal(10), document=f"R{where.pk}")


@pytest.fixture
def census_world() -> dict[str, Institution]:
    schools = {
        "complete": school("9000000101", "A skola"),
        "no_staff": school("9000000102", "B skola"),
        "nothing": school("9000000103", "C skola"),
    }
    sends(schools["complete"])
    sends(schools["no_staff"], staff=False)
    centre = Institution.objects.create(name="Centrs", type="innovation_centre", registration_number="9000000104")
    closed = school("9000000105", "Slēgta skola")
    Institution.objects.filter(pk=closed.pk).update(closed_on=date(2024, 12, 1))
    assert centre.type == "innovation_centre"
    return schools


def test_each_institution_is_complete_waiting_or_late_by_what_it_has_sent(census_world: dict[str, Institution]) -> None:
    on_time = census_completeness(day=DAY, visible_to=WHOLE_CITY, today=date(2025, 1, 10))
    assert [row.registration_number for row in on_time] == ["9000000101", "9000000102", "9000000103"]  # no centre,
    # no closed school
    complete, no_staff, nothing = on_time
    assert complete.complete and not complete.late
    assert all(complete.sent_at[part] is not None for part in ("learners", "staff", "money"))
    assert no_staff.missing == ["staff"] and not no_staff.late  # 14 days to send it: not late yet
    assert nothing.missing == ["learners", "staff", "money"]
    later = census_completeness(day=DAY, visible_to=WHOLE_CITY, today=date(2025, 1, 16))
    assert [row.late for row in later] == [False, True, True]
    # The board's own census day gives 30 days: on the 16th nobody is late yet.
    board_id = census_world["complete"].board_id
    CensusDate.objects.create(board_id=board_id, day=DAY, name="1. janvāris", due_days=30)
    assert not any(row.late for row in census_completeness(day=DAY, visible_to=WHOLE_CITY, today=date(2025, 1, 16)))


def test_check_data_adds_the_census_of_a_day(census_world: dict[str, Institution]) -> None:
    out = StringIO()
    call_command("check_data", "--json", "--as-of", DAY.isoformat(), "--census", DAY.isoformat(), stdout=out)
    census = json.loads(out.getvalue())["census"]
    # today (2026) is long after the day: whoever has not sent everything is late
    assert census == {"complete": ["9000000101"], "late": ["9000000102", "9000000103"]}
    out = StringIO()
    call_command("check_data", "--json", "--census", DAY.isoformat(), "--institution", "9000000102", stdout=out)
    assert json.loads(out.getvalue())["census"] == {"complete": [], "late": ["9000000102"]}


def test_the_heads_of_late_institutions_get_a_reminder_naming_what_is_missing(
    census_world: dict[str, Institution], make_user: Callable[..., User]
) -> None:
    make_user(Role.INSTITUTION_HEAD, [census_world["no_staff"]], email="b@example.lv")
    make_user(Role.INSTITUTION_HEAD, [census_world["complete"]], email="a@example.lv")
    make_user(Role.INSTITUTION_STAFF, [census_world["no_staff"]], email="teacher@example.lv")
    CensusDate.objects.create(board_id=census_world["complete"].board_id, day=DAY, name="1. janvāris", due_days=14)
    out = StringIO()
    call_command("census_reminders", "--today", "2025-01-10", stdout=out)  # not due yet
    assert mail.outbox == []
    call_command("census_reminders", "--today", "2025-01-20", stdout=out)
    assert [message.to for message in mail.outbox] == [["b@example.lv"]]  # C skola has no head with an address
    assert "B skola" in mail.outbox[0].subject
    assert "darbinieki" in mail.outbox[0].body and "izglītojamie" not in mail.outbox[0].body


def test_the_census_page_shows_a_head_their_own_school_and_the_board_adds_a_census_day(
    census_world: dict[str, Institution],
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [census_world["no_staff"]]))
    page = head.get(reverse("dataquality:census"), {"day": DAY.isoformat()})
    assert [row.registration_number for row in page.context["rows"]] == ["9000000102"]
    assert (
        head.post(reverse("dataquality:census"), {"day": "2025-09-01", "name": "x", "due_days": 14}).status_code == 403
    )
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    form = {"day": "2025-09-01", "name": "1. septembris", "due_days": "14"}
    added = admin.post(reverse("dataquality:census"), form)
    assert added.status_code == 302 and "day=2025-09-01" in added["Location"]
    again = admin.post(reverse("dataquality:census"), form)
    assert again.status_code == 200 and again.context["form"].errors["day"]
    assert CensusDate.objects.get().name == "1. septembris"
    shown = admin.get(reverse("dataquality:census"))
    assert shown.context["day"] == date(2025, 9, 1)  # the latest census day up to today


def test_money_counts_the_spending_of_the_year_up_to_the_census_day(census_world: dict[str, Institution]) -> None:
    """For 1 January the year just ended: spending of 10 December counts, of 1 January a year before does not."""
    nothing = census_world["nothing"]
    source = FundingSource.objects.first()
    allocation = Allocation.objects.create(year=2024, institution=nothing, source=source, purpose="other", amount=100)
    Expenditure.objects.create(allocation=allocation, date=date(2024, 1, 1), amount=Decimal(5), document="old")
    rows = {row.registration_number: row for row in census_completeness(day=DAY, visible_to=WHOLE_CITY, today=DAY)}
    assert rows["9000000103"].sent_at["money"] is None
    Expenditure.objects.create(allocation=allocation, date=date(2024, 12, 10), amount=Decimal(5), document="dec")
    rows = {row.registration_number: row for row in census_completeness(day=DAY, visible_to=WHOLE_CITY, today=DAY)}
    assert rows["9000000103"].sent_at["money"] is not None

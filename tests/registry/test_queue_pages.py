"""The preschool queue's pages as people use them: the offer list says who holds it back and why, a school with
preschool groups takes children in its own groups, and withdrawing a child asks first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_code_for, school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import services
from eduboard.registry.models import Enrolment, Group, Institution, Programme, QueueEntry
from eduboard.registry.selectors import queue_offer_lines
from eduboard.registry.synthetic import PersonalCodes
from tests.registry.world import World, build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass
class Today:
    """The registry world, with preschool groups of today's school year at the preschool and at a school."""

    world: World
    preschool_group: Group
    school_group: Group
    year_code: str


@pytest.fixture
def today() -> Today:
    world = build_world(pupils=0)
    code = school_year_code_for(timezone.localdate())
    year = school_year_get_or_create(code=code)
    programme = Programme.objects.get(level="preschool")
    preschool_group = Group.objects.create(
        institution=world.preschool, school_year=year, programme=programme, name="Rūķīši", capacity=2
    )
    school_group = Group.objects.create(
        institution=world.school, school_year=year, programme=programme, name="Saulītes", capacity=1
    )
    return Today(world, preschool_group, school_group, code)


def queued(
    first_name: str,
    born_in: int,
    registered_on: date,
    first_choice: Institution,
    *,
    second_choice: Institution | None = None,
    wanted_start_on: date | None = None,
) -> QueueEntry:
    child = learner(first_name, "Bērns", date(born_in, 4, 4))
    return QueueEntry.objects.create(
        child=child,
        registered_on=registered_on,
        wanted_start_on=wanted_start_on or registered_on,
        first_choice=first_choice,
        second_choice=second_choice,
    )


def later_year_start() -> date:
    """1 September a year after the current school year begins: a later school year, with no groups."""
    return date(timezone.localdate().year + 1, 9, 1)


def test_the_board_sees_which_child_holds_the_offer_list_back_and_why(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    later = later_year_start()
    queued("Agate", 2021, date(2023, 1, 10), today.world.preschool, wanted_start_on=later)
    behind = queued("Boriss", 2021, date(2023, 3, 10), today.world.preschool)
    board_admin = make_user(Role.BOARD_ADMIN)
    board = signed_in(board_admin)

    page = board.get("/registry/queue/").content.decode()

    later_code = f"{later.year}/{later.year + 1}"
    assert "No child can be offered a place now." in page
    assert (
        f"Agate Bērns (queue number 1) wants a place from {later_code}, and Ruģeļu PII has no preschool group of "
        "that year yet, so the child born in 2021 behind them waits."
    ) in page
    offer = board.get(f"/registry/queue/{behind.pk}/offer/").content.decode()
    assert "Agate Bērns is first in line for Ruģeļu PII among the children born in 2021" in offer
    assert 'name="group"' not in offer  # no place to choose: the page says why instead

    # Once Agate leaves the queue, Boriss is first, and the list offers him the preschool's free places.
    first = QueueEntry.objects.get(child__first_name="Agate")
    services.queue_entry_withdraw(entry=first, on=timezone.localdate(), viewer=board_admin)
    page = board.get("/registry/queue/").content.decode()
    assert "No child can be offered a place now." not in page
    assert "Boriss Bērns (queue number 2), born in 2021, is first in line for Ruģeļu PII" in page
    assert "Rūķīši (2 free)" in page


def test_a_full_group_is_named_as_the_reason(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    for name in ("Anna", "Mia"):
        Enrolment.objects.create(
            learner=learner(name, "Grupa", date(2021, 1, 1)),
            group=today.preschool_group,
            enrolled_on=date(2024, 9, 1),
        )
    queued("Oto", 2021, date(2023, 1, 10), today.world.preschool)
    queued("Pēteris", 2021, date(2023, 2, 10), today.world.preschool)
    page = signed_in(make_user(Role.BOARD_ADMIN)).get("/registry/queue/").content.decode()
    assert (
        f"Oto Bērns (queue number 1), born in 2021, is first in line for Ruģeļu PII, whose preschool groups of "
        f"{today.year_code} have no free place, so the child born in 2021 behind them waits."
    ) in page


def test_a_school_with_preschool_groups_can_be_chosen_and_its_head_offers_its_own_places(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [today.world.school]))
    form = head.get("/registry/queue/new/")
    assert list(form.context["form"].fields["first_choice"].queryset) == [today.world.school]
    second = list(form.context["form"].fields["second_choice"].queryset)
    assert today.world.school in second and today.world.preschool in second
    assert today.world.other_school not in second  # no preschool groups: nobody can be offered a place there

    response = head.post(
        "/registry/queue/new/",
        {
            "personal_code": PersonalCodes().for_birth_date(date(2021, 4, 1)),
            "first_name": "Emīls",
            "last_name": "Skolas",
            "birth_date": "2021-04-01",
            "declared_municipality": "Daugavpils",
            "registered_on": timezone.localdate().isoformat(),
            "wanted_start_on": timezone.localdate().isoformat(),
            "first_choice": today.world.school.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    entry = QueueEntry.objects.get(child__first_name="Emīls")

    offer = head.get(f"/registry/queue/{entry.pk}/offer/")
    assert list(offer.context["form"].fields["group"].queryset) == [today.school_group]
    offered = head.post(f"/registry/queue/{entry.pk}/offer/", {"group": today.school_group.pk, "version": 1})
    assert offered.status_code == 302
    head.post(f"/registry/queue/{entry.pk}/accept/", {"version": 2})
    assert Enrolment.objects.get(learner=entry.child).group == today.school_group


def test_a_school_chosen_second_offers_its_own_place_and_records_the_acceptance(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    entry = queued("Jana", 2021, date(2023, 1, 10), today.world.preschool, second_choice=today.world.school)
    school_head = signed_in(make_user(Role.INSTITUTION_HEAD, [today.world.school]))
    assert "Offer a place" in school_head.get("/registry/queue/").content.decode()

    offer = school_head.get(f"/registry/queue/{entry.pk}/offer/")
    assert list(offer.context["form"].fields["group"].queryset) == [today.school_group]  # never the preschool's
    refused = school_head.post(
        f"/registry/queue/{entry.pk}/offer/", {"group": today.preschool_group.pk, "version": entry.version}
    )
    assert refused.status_code == 200
    assert QueueEntry.objects.get(pk=entry.pk).status == "waiting"

    school_head.post(f"/registry/queue/{entry.pk}/offer/", {"group": today.school_group.pk, "version": entry.version})
    assert QueueEntry.objects.get(pk=entry.pk).status == "offered"
    # Withdrawing stays the first choice's: the school gets no withdraw page for it.
    assert school_head.get(f"/registry/queue/{entry.pk}/withdraw/").status_code == 404
    school_head.post(f"/registry/queue/{entry.pk}/accept/", {"version": entry.version + 1})
    assert Enrolment.objects.get(learner=entry.child).group == today.school_group


def test_a_head_cannot_offer_another_institutions_place_or_a_child_who_did_not_choose_them(
    today: Today, make_user: Callable[..., User]
) -> None:
    chosen_second = queued("Ilze", 2021, date(2023, 1, 10), today.world.preschool, second_choice=today.world.school)
    elsewhere = queued("Kārlis", 2022, date(2023, 1, 10), today.world.preschool)
    school_head = make_user(Role.INSTITUTION_HEAD, [today.world.school])
    on = timezone.localdate()
    with pytest.raises(ValidationError) as foreign_group:
        services.queue_entry_offer(entry=chosen_second, group=today.preschool_group, on=on, viewer=school_head)
    assert foreign_group.value.code == "foreign_group"
    with pytest.raises(ValidationError) as not_chosen:
        services.queue_entry_offer(entry=elsewhere, group=today.school_group, on=on, viewer=school_head)
    assert not_chosen.value.code == "not_chosen_by_viewer"
    assert set(QueueEntry.objects.values_list("status", flat=True)) == {"waiting"}


def test_withdrawing_asks_first_and_then_says_what_was_done(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    entry = queued("Laura", 2021, date(2023, 1, 10), today.world.preschool)
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [today.world.preschool]))
    listing = head.get("/registry/queue/").content.decode()
    withdraw_url = f"/registry/queue/{entry.pk}/withdraw/"
    assert f'<form method="post" action="{withdraw_url}"' not in listing  # one click never withdraws

    asked = head.get(withdraw_url, {"version": entry.version})
    assert asked.status_code == 200
    question = asked.content.decode()
    assert "Withdraw Laura Bērns from the queue?" in question
    assert f'name="version" value="{entry.version}"' in question
    assert QueueEntry.objects.get(pk=entry.pk).status == "waiting"  # asking changed nothing

    done = head.post(withdraw_url, {"version": entry.version}, follow=True)
    assert "Laura Bērns was withdrawn from the queue" in done.content.decode()
    assert QueueEntry.objects.get(pk=entry.pk).status == "withdrawn"
    assert "only a waiting or offered one can be withdrawn" in head.get(withdraw_url).content.decode()


def test_withdrawing_an_offered_child_frees_the_place_and_says_so(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    entry = queued("Marta", 2021, date(2023, 1, 10), today.world.preschool)
    board_admin = make_user(Role.BOARD_ADMIN)
    services.queue_entry_offer(entry=entry, group=today.preschool_group, on=timezone.localdate(), viewer=board_admin)
    board = signed_in(board_admin)
    assert "will be free again" in board.get(f"/registry/queue/{entry.pk}/withdraw/").content.decode()
    done = board.post(f"/registry/queue/{entry.pk}/withdraw/", {"version": entry.version + 1}, follow=True)
    assert "The place offered in Rūķīši is free again." in done.content.decode()


def test_accepting_is_never_done_by_opening_a_link(
    today: Today, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    entry = queued("Nora", 2021, date(2023, 1, 10), today.world.preschool)
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [today.world.preschool]))
    assert head.get(f"/registry/queue/{entry.pk}/accept/").status_code == 405


def test_the_offer_list_takes_as_many_queries_for_many_children_as_for_few(today: Today) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            queue_offer_lines(viewer=WHOLE_CITY, on=timezone.localdate())
        return len(captured)

    def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            queued(
                f"Bērns{index}",
                2019 + index % 4,
                date(2023, 1, 1 + index),
                today.world.preschool if index % 2 else today.world.school,
                second_choice=today.world.school if index % 2 else today.world.preschool,
                wanted_start_on=later_year_start() if index % 3 == 0 else None,
            )

    add(4, 0)
    few = queries()
    add(20, 4)
    assert queries() == few

"""The preschool queue: its order, capacity, one accepted place per child."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import services
from eduboard.registry.models import Enrolment, PriorityGround, QueueEntry
from eduboard.registry.selectors import queue_in_order, registry_stats
from tests.registry.world import World, build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world() -> World:
    return build_world(pupils=0)


def register(
    world: World, name: str, birth: date, registered: date, *, home: bool = True, grounds: tuple[str, ...] = ()
) -> QueueEntry:
    child = learner(name, "Bērns", birth, world.home if home else world.elsewhere)
    return services.queue_entry_register(
        viewer=WHOLE_CITY,
        child=child,
        registered_on=registered,
        wanted_start_on=date(2024, 9, 1),
        first_choice=world.preschool,
        grounds=list(PriorityGround.objects.filter(code__in=grounds)),
    )


def test_queue_order_is_cohort_then_residence_then_grounds_then_registration(world: World) -> None:
    younger = register(world, "Younger", date(2022, 1, 5), date(2023, 1, 1))
    late = register(world, "Late", date(2021, 6, 1), date(2023, 5, 1))
    early = register(world, "Early", date(2021, 7, 1), date(2023, 2, 1))
    outsider = register(world, "Outsider", date(2021, 1, 1), date(2022, 1, 1), home=False)
    sibling = register(world, "Sibling", date(2021, 9, 1), date(2023, 6, 1), grounds=("sibling",))
    ordered = queue_in_order(entries=QueueEntry.objects.all())
    assert [e.child.first_name for e in ordered] == ["Sibling", "Early", "Late", "Outsider", "Younger"]
    assert {younger.pk, late.pk, early.pk, outsider.pk, sibling.pk} == {e.pk for e in ordered}


def test_a_place_is_never_offered_beyond_the_groups_capacity(world: World) -> None:
    first = register(world, "First", date(2021, 1, 1), date(2023, 1, 1))
    second = register(world, "Second", date(2021, 2, 1), date(2023, 1, 2))
    third = register(world, "Third", date(2021, 3, 1), date(2023, 1, 3))
    on = date(2024, 8, 1)
    services.queue_entry_offer(viewer=WHOLE_CITY, entry=first, group=world.preschool_group, on=on)
    services.queue_entry_offer(viewer=WHOLE_CITY, entry=second, group=world.preschool_group, on=on)
    with pytest.raises(ValidationError) as refused:
        services.queue_entry_offer(viewer=WHOLE_CITY, entry=third, group=world.preschool_group, on=on)
    assert refused.value.code == "no_free_place"
    third.refresh_from_db()
    assert third.status == "waiting"


def test_the_child_ahead_in_the_queue_is_offered_first(world: World) -> None:
    register(world, "First", date(2021, 1, 1), date(2023, 1, 1))
    second = register(world, "Second", date(2021, 2, 1), date(2023, 1, 2))
    with pytest.raises(ValidationError) as refused:
        services.queue_entry_offer(viewer=WHOLE_CITY, entry=second, group=world.preschool_group, on=date(2024, 8, 1))
    assert refused.value.code == "not_first_in_queue"


def test_accepting_enrolls_the_child_and_a_child_never_holds_two_accepted_places(world: World) -> None:
    entry = register(world, "Only", date(2021, 1, 1), date(2023, 1, 1))
    services.queue_entry_offer(viewer=WHOLE_CITY, entry=entry, group=world.preschool_group, on=date(2024, 8, 1))
    enrolment = services.queue_entry_accept(viewer=WHOLE_CITY, entry=entry, on=date(2024, 8, 2))
    assert enrolment.group == world.preschool_group
    assert enrolment.enrolled_on == date(2024, 9, 1)
    second = QueueEntry.objects.create(
        child=entry.child,
        registered_on=date(2024, 8, 3),
        wanted_start_on=date(2024, 9, 1),
        first_choice=world.preschool,
        status="offered",
        offered_group=world.preschool_group,
    )
    with pytest.raises(ValidationError) as refused:
        services.queue_entry_accept(viewer=WHOLE_CITY, entry=second, on=date(2024, 8, 4))
    assert refused.value.code == "already_accepted"
    assert Enrolment.objects.filter(learner=entry.child).count() == 1


def test_queue_length_counts_children_waiting_on_the_date(world: World) -> None:
    entry = register(world, "Waiting", date(2021, 1, 1), date(2024, 1, 10))
    register(world, "Later", date(2022, 1, 1), date(2024, 3, 10))
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 2, 1))["queue_length"] == 1
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 4, 1))["queue_by_age"] == {"2": 1, "3": 1}
    services.queue_entry_withdraw(viewer=WHOLE_CITY, entry=entry, on=date(2024, 5, 1))
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 4, 30))["queue_length"] == 2
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 5, 2))["queue_length"] == 1


def test_queue_page_offers_accepts_and_withdraws(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.preschool]))
    entry = register(world, "Page", date(2021, 1, 1), date(2023, 1, 1))
    assert "Page Bērns" in client.get("/registry/queue/").content.decode()
    response = client.post(
        f"/registry/queue/{entry.pk}/offer/", {"group": world.preschool_group.pk, "version": entry.version}
    )
    assert response.status_code == 302
    client.post(f"/registry/queue/{entry.pk}/accept/", {"version": entry.version + 1})
    entry.refresh_from_db()
    assert entry.status == "accepted"


def test_a_head_cannot_act_on_another_institutions_queue(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    entry = register(world, "Foreign", date(2021, 1, 1), date(2023, 1, 1))
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    assert client.post(f"/registry/queue/{entry.pk}/withdraw/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == "waiting"

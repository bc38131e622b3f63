"""The transfer rule, and personal codes in bulk: lists masked, full records audited, full-code exports confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import services
from eduboard.registry.models import Enrolment, Learner
from tests.factories import PASSWORD
from tests.registry.world import World, build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world() -> World:
    return build_world(pupils=3)


@pytest.fixture
def head(world: World, make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [world.school])


def other_schools_learner(world: World) -> Learner:
    return Learner.objects.filter(enrolments__group=world.other_class).first()  # type: ignore[return-value]


def test_head_cannot_transfer_a_learner_still_enrolled_in_another_school(world: World, head: User) -> None:
    pupil = other_schools_learner(world)
    with pytest.raises(ValidationError) as refused:
        services.learner_transfer(
            personal_code=pupil.personal_code, group=world.class_1a, on=date(2024, 10, 1), viewer=head
        )
    assert refused.value.code == "not_transferable"
    assert not Enrolment.objects.filter(learner=pupil, group=world.class_1a).exists()


def test_head_enrols_a_learner_who_left_another_school_by_the_full_code(world: World, head: User) -> None:
    pupil = other_schools_learner(world)
    Enrolment.objects.filter(learner=pupil).update(left_on=date(2024, 9, 30))
    enrolment = services.learner_transfer(
        personal_code=pupil.personal_code, group=world.class_1a, on=date(2024, 10, 1), viewer=head
    )
    assert enrolment.group == world.class_1a
    assert Learner.objects.editable_by(head).filter(pk=pupil.pk).exists()


def test_board_transfer_closes_the_open_enrolment_elsewhere(world: World) -> None:
    pupil = other_schools_learner(world)
    services.learner_transfer(
        personal_code=pupil.personal_code, group=world.class_1a, on=date(2024, 10, 1), viewer=WHOLE_CITY
    )
    old = Enrolment.objects.get(learner=pupil, group=world.other_class)
    assert old.left_on == date(2024, 10, 1)


def test_transfer_of_an_unknown_code_tells_nothing_about_anyone(world: World, head: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.learner_transfer(personal_code="010101-10000", group=world.class_1a, on=date(2024, 10, 1), viewer=head)
    assert refused.value.code == "not_transferable"


def test_transfer_through_the_api_is_refused_into_another_schools_group(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    pupil = learner("Jānis", "Jauns", date(2017, 1, 5))
    answer = signed_in(head).post(
        "/api/registry/learners/transfer/",
        {"personal_code": pupil.personal_code, "group": world.other_class.pk, "enrolled_on": "2024-10-01"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert not Enrolment.objects.filter(learner=pupil).exists()


def test_api_lists_mask_codes_and_a_full_record_read_is_audited(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    client = signed_in(admin)
    listing = client.get("/api/registry/learners/").json()["results"]
    assert all("*" in row["personal_code"] for row in listing)
    pupil = Learner.objects.get(pk=listing[0]["id"])
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(pupil.pk)).count()
    record = client.get(f"/api/registry/learners/{pupil.pk}/").json()
    assert record["personal_code"] == pupil.personal_code
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(pupil.pk)).count() == before + 1


def exports_logged() -> list[dict[str, Any]]:
    return [
        entry.additional_data
        for entry in LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk="").order_by("pk")
    ]


def test_every_export_is_audited_with_its_filter_and_row_count(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    answer = signed_in(head).get("/registry/learners/?export=csv&q=Zin")
    assert answer.status_code == 200
    logged = exports_logged()[-1]
    assert logged["rows"] == 3 and logged["export"] == "csv" and "q=Zin" in logged["filter"]
    assert logged["full_personal_codes"] is False


def test_a_bulk_full_code_export_asks_for_the_password_then_is_audited(
    world: World, head: User, signed_in: Callable[[User], Client], settings: Any
) -> None:
    settings.BULK_EXPORT_REAUTH_ROWS = 2  # the world has 3 learners at the head's school
    client = signed_in(head)
    first = client.get("/registry/learners/?export=csv&codes=full")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/confirm/")
    wrong = client.post(
        "/accounts/confirm/", {"password": "not it", "next": "/registry/learners/?export=csv&codes=full"}
    )
    assert wrong.status_code == 200
    confirmed = client.post(
        "/accounts/confirm/", {"password": PASSWORD, "next": "/registry/learners/?export=csv&codes=full"}
    )
    assert confirmed.status_code == 302
    download = client.get("/registry/learners/?export=csv&codes=full")
    assert download.status_code == 200
    text = download.content.decode("utf-8-sig")
    pupil = Learner.objects.filter(enrolments__group=world.class_1a).first()
    assert pupil is not None and pupil.personal_code in text
    assert exports_logged()[-1]["full_personal_codes"] is True


def test_full_code_exports_are_limited_per_hour(
    world: World, head: User, signed_in: Callable[[User], Client], settings: Any
) -> None:
    settings.FULL_CODE_EXPORTS_PER_HOUR = 2
    client = signed_in(head)
    answers = [client.get("/registry/learners/?export=csv&codes=full").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_staff_without_the_reveal_permission_cannot_export_full_codes(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    staff = make_user(Role.INSTITUTION_STAFF, [world.school])
    assert signed_in(staff).get("/registry/learners/?export=csv&codes=full").status_code == 403


def test_queue_registration_never_takes_another_schools_child_by_its_code_alone(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world.preschool])
    pupil = other_schools_learner(world)
    answer = signed_in(head).post(
        "/registry/queue/new/",
        {
            "personal_code": pupil.personal_code,
            "first_name": "Cits",
            "last_name": "Vārds",
            "birth_date": pupil.birth_date.isoformat(),
            "declared_municipality": "Daugavpils",
            "registered_on": "2024-05-01",
            "wanted_start_on": "2024-09-01",
            "first_choice": world.preschool.pk,
        },
    )
    assert answer.status_code == 200  # the form again, with the refusal
    assert not pupil.queue_entries.exists()
    assert not Learner.objects.visible_to(head).filter(pk=pupil.pk).exists()
    pupil.refresh_from_db()
    assert pupil.first_name == "Ivans"


def test_a_transferred_learners_leaving_is_a_transfer_with_a_note_in_the_boards_language(world: World) -> None:
    pupil = other_schools_learner(world)
    with translation.override("en"):
        services.learner_transfer(
            personal_code=pupil.personal_code, group=world.class_1a, on=date(2024, 10, 1), viewer=WHOLE_CITY
        )
    left = Enrolment.objects.get(learner=pupil, group=world.other_class)
    assert (left.leaving_reason, left.leaving_reason_inferred) == ("transferred", False)
    assert world.school.name in left.leaving_note and "transferred" not in left.leaving_note

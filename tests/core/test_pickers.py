"""Pickers that scale: a teacher, learner, group or institution is chosen by searching, never from a list of
thousands; the search answers only rows the user may see, narrowed by the institution chosen, with enough to tell
namesakes apart (institution, masked personal code)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.pickers import LIMIT, SMALL_LIST
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.quality.defaults import ensure_default_form
from eduboard.registry.models import Enrolment, Learner
from tests.registry.world import CODES, World, build_world, learner

pytestmark = pytest.mark.both_databases


@pytest.fixture
def world(db: None) -> World:
    world = build_world(pupils=1)
    position = PositionKind.objects.get_or_create(
        code="subject_teacher", defaults={"name": "Mācību priekšmeta skolotājs"}
    )[0]
    for index, school in enumerate([world.school, world.school, world.other_school]):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, 10 + index)), first_name="Anna", last_name="Bērziņa"
        )
        Employment.objects.create(
            staff_member=person, institution=school, position=position, fte="1.000", start_date=date(2020, 9, 1)
        )
    return world


def pick(client: Client, kind: str, q: str, **extra: object) -> list[dict[str, object]]:
    response = client.get(f"/pickers/{kind}/", {"q": q, **extra})
    assert response.status_code == 200, response.content
    results: list[dict[str, object]] = response.json()["results"]
    return results


def test_namesakes_are_told_apart_by_masked_code_and_institution(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    found = pick(board, "staff", "BERZINA anna")
    assert len(found) == 3
    details = {str(row["detail"]) for row in found}
    assert len(details) == 3  # three "Anna Bērziņa", three different details
    assert all("-*****" in detail for detail in details)
    assert sum("Zinātņu vidusskola" in detail for detail in details) == 2
    assert {row["label"] for row in found} == {"Anna Bērziņa"}
    # Narrowed by the institution chosen in the same form.
    narrowed = pick(board, "staff", "berz", institution=world.other_school.pk)
    assert [str(row["detail"]) for row in narrowed] == [d for d in details if "Centra vidusskola" in d]


def test_a_head_picks_only_from_their_own_institution(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    assert len(pick(head, "staff", "berzina")) == 2
    # Naming another school's id narrows; it never widens what the head may see.
    assert pick(head, "staff", "berzina", institution=world.other_school.pk) == []
    assert pick(head, "learner", "centrs") == []  # the other school's pupil
    assert [row["label"] for row in pick(head, "learner", "zinatne")] == ["Anna Zinātne0"]
    assert [row["label"] for row in pick(head, "institution", "vidusskola")] == ["Zinātņu vidusskola"]
    assert [row["label"] for row in pick(head, "group", "1")] == ["1.a"]


def test_pickers_answer_at_most_a_page_in_a_bounded_number_of_queries(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    for index in range(LIMIT + 15):
        pupil = learner("Anna", f"Bērziņa{index}", date(2016, 1, 1 + index % 28))
        Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=date(2024, 9, 1))
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    pick(
        board, "learner", "berzina"
    )  # the deployment's count of boards is then kept, as for every request after the first
    with CaptureQueriesContext(connection) as queries:
        found = pick(board, "learner", "berzina")
    assert len(found) == LIMIT
    assert len(queries.captured_queries) <= 8  # session, user, the page, its enrolments: never one per row
    assert all(str(row["detail"]).endswith("Zinātņu vidusskola, 1.a") for row in found)
    assert pick(board, "learner", "b") == [] or len(pick(board, "learner", "b")) <= LIMIT


def test_forms_show_a_search_field_not_every_teacher(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    ensure_default_form()  # a committing test elsewhere in the process may have emptied the migration's form
    position = PositionKind.objects.get(code="subject_teacher")
    for index in range(SMALL_LIST + 1):  # more teachers than a short list holds
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1970, 2, 1 + index)), first_name="Jānis", last_name=f"Ozols{index}"
        )
        Employment.objects.create(
            staff_member=person, institution=world.school, position=position, fte="1.000", start_date=date(2020, 9, 1)
        )
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    page = board.get("/quality/observations/new/").content.decode()
    assert 'data-picker-url="/pickers/staff/"' in page
    assert 'data-picker-narrow="institution"' in page
    assert "Bērziņa" not in page and "Ozols" not in page  # no list of names in the page
    learners = board.get("/registry/learners/").content.decode()
    assert "Ozols" not in learners


def test_a_short_list_stays_a_list(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """A head's own school, or the five teachers of a small preschool, are chosen faster from a list."""
    ensure_default_form()
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    page = head.get("/quality/observations/new/").content.decode()
    assert "data-picker-url" not in page
    # the head's one school is not a choice at all: the form gives it (core.forms.ScopedFormMixin)
    assert '<select name="institution"' not in page
    options = [line for line in page.splitlines() if "Anna Bērziņa" in line]
    assert len(options) == 2 and all("-*****" in option for option in options)  # namesakes told apart
    assert len(set(options)) == 2


def test_a_pick_outside_the_scope_is_refused_like_a_missing_one(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    stranger = Learner.objects.get(last_name="Centrs0")
    response = head.get("/registry/learners/", {"group": world.other_class.pk})
    assert response.status_code == 200
    assert stranger.last_name not in response.content.decode()


def test_people_without_the_permission_get_403(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    centre = signed_in(make_user(role=Role.CENTRE_STAFF))
    assert centre.get("/pickers/staff/", {"q": "anna"}).status_code == 403
    assert pick(centre, "learner", "anna") == []  # no institution of its own: no learner in scope
    assert centre.get("/pickers/unknown/", {"q": "anna"}).status_code == 404


def test_the_board_searches_every_register_at_once(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    home = board.get("/").content.decode()
    assert 'id="header-search-q"' in home  # the search box in the header
    page = board.get("/search/", {"q": "BĒRZIŅA"})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Anna Bērziņa") == 3 and "-*****" in text
    schools = board.get("/search/", {"q": "zinatnu"}).content.decode()
    assert f'href="{world.school.get_absolute_url()}"' in schools
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    assert 'id="header-search-q"' not in head.get("/").content.decode()
    assert head.get("/search/", {"q": "berzina"}).content.decode().count("Anna Bērziņa") == 2  # scoped


def test_without_an_observation_form_the_page_says_so(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from eduboard.quality.models import ObservationForm

    ObservationForm.objects.all().delete()
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    response = board.get("/quality/observations/new/", follow=True)
    assert response.status_code == 200
    assert "Vērošanas veidlapas “lesson” nav" in response.content.decode()

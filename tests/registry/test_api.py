"""Registry API: scoped reads and writes, masked codes, the statistics JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.registry.models import Group, Learner
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world() -> World:
    return build_world()


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=user, name='tests')[1]}")


def test_stats_endpoint_returns_the_same_json_as_the_command(world: World, make_user: Callable[..., User]) -> None:
    out = StringIO()
    call_command("registry_stats", "--as-of", "2024-10-01", stdout=out)
    from_command = json.loads(out.getvalue())
    from_api = api(make_user(Role.BOARD_ANALYST)).get("/api/registry/stats/", {"as_of": "2024-10-01"}).json()
    assert from_api == from_command
    assert from_api["first_graders"] == 6
    assert from_api["groups_by_institution"] == {"9000000001": 1, "9000000011": 1, "9000000015": 1}
    assert from_api["learners_from_other_municipalities"]["basic"] == 3


def test_stats_endpoint_scopes_a_heads_figures_to_own_school(world: World, make_user: Callable[..., User]) -> None:
    stats = api(make_user(Role.INSTITUTION_HEAD, [world.school])).get("/api/registry/stats/?as_of=2024-10-01").json()
    assert stats["first_graders"] == 3
    assert list(stats["groups_by_institution"]) == ["9000000011"]


def test_stats_endpoint_refuses_a_bad_date(world: World, make_user: Callable[..., User]) -> None:
    response = api(make_user(Role.BOARD_ANALYST)).get("/api/registry/stats/?as_of=20.08.2024")
    assert response.status_code == 400
    assert "as_of" in response.json()


def test_learners_in_the_api_are_scoped_and_masked(world: World, make_user: Callable[..., User]) -> None:
    rows = api(make_user(Role.INSTITUTION_STAFF, [world.school])).get("/api/registry/learners/").json()["results"]
    assert {row["last_name"] for row in rows} == {"Zinātne0", "Zinātne1", "Zinātne2"}
    assert all(row["personal_code"].endswith("-*****") for row in rows)
    head = api(make_user(Role.INSTITUTION_HEAD, [world.school]))
    head_rows = head.get("/api/registry/learners/").json()["results"]
    # A list never carries full codes in bulk; one learner's record does, for a role that may see them.
    assert all(row["personal_code"].endswith("-*****") for row in head_rows)
    record = head.get(f"/api/registry/learners/{head_rows[0]['id']}/").json()
    assert not record["personal_code"].endswith("*")


def test_head_creates_a_group_in_own_school_but_not_in_another(world: World, make_user: Callable[..., User]) -> None:
    client = api(make_user(Role.INSTITUTION_HEAD, [world.school]))
    body = {
        "institution": "9000000011",
        "school_year_code": "2024/2025",
        "programme": "21011111",
        "name": "2.a",
        "grade": 2,
    }
    created = client.post("/api/registry/groups/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert Group.objects.filter(institution=world.school, name="2.a").exists()
    refused = client.post(
        "/api/registry/groups/", {**body, "institution": "9000000015"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert not Group.objects.filter(institution=world.other_school, name="2.a").exists()


def test_staff_may_not_write_groups(world: World, make_user: Callable[..., User]) -> None:
    client = api(make_user(Role.INSTITUTION_STAFF, [world.school]))
    body = {
        "institution": "9000000011",
        "school_year_code": "2024/2025",
        "programme": "21011111",
        "name": "3.a",
        "grade": 3,
    }
    assert client.post("/api/registry/groups/", body, content_type="application/json").status_code == 403


def test_board_creates_a_programme_and_a_bad_code_is_refused(world: World, make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    client = api(admin)
    good = {"code": "21015611", "name": "Speciālā", "level": "basic", "special_needs": "learning", "language": "lv"}
    assert client.post("/api/registry/programmes/", good, content_type="application/json").status_code == 201
    bad = {**good, "code": "21011611"}
    response = client.post("/api/registry/programmes/", bad, content_type="application/json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_queue_api_registers_offers_and_accepts(world: World, make_user: Callable[..., User]) -> None:
    client = api(make_user(Role.INSTITUTION_HEAD, [world.preschool]))
    child = Learner.objects.create(
        personal_code="320000-00001", first_name="Mia", last_name="Rinda", birth_date=date(2021, 5, 5)
    )
    created = client.post(
        "/api/registry/queue/",
        {
            "child": child.pk,
            "registered_on": "2024-01-10",
            "wanted_start_on": "2024-09-01",
            "first_choice": world.preschool.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    offered = client.post(
        f"/api/registry/queue/{entry_id}/offer/", {"group": world.preschool_group.pk}, content_type="application/json"
    )
    assert offered.json()["status"] == "offered"
    accepted = client.post(f"/api/registry/queue/{entry_id}/accept/")
    assert accepted.json()["status"] == "accepted"
    assert child.enrolments.get().group == world.preschool_group


def test_an_api_list_of_learners_writes_one_audit_entry_with_its_row_count(
    world: World, make_user: Callable[..., User]
) -> None:
    """Every API list route of children's data is audited by the viewset base, once per request, with the rows
    of the page it answered (core.api.ScopedViewSetMixin.paginate_queryset)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    learners = ContentType.objects.get_for_model(Learner)
    answer = api(head).get("/api/registry/learners/?page_size=3").json()
    entries = LogEntry.objects.filter(content_type=learners, action=LogEntry.Action.ACCESS, object_pk="")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == head
    assert entry.additional_data["rows"] == len(answer["results"]) > 0
    assert entry.additional_data["path"] == "/api/registry/learners/"
    api(head).get("/api/registry/groups/")  # groups carry no child's data: nothing more is written
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk="").count() == 1

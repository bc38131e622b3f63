"""The pickers and the global search write each bulk read of children's data to the audit trail: one entry per
request and model, with the number of rows the answer carried; a search that finds no child writes none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Learner
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world(db: None) -> World:
    return build_world(pupils=3)


def bulk_reads(model: type[Any]) -> list[LogEntry]:
    """The audit trail's bulk-read entries of `model`, oldest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=LogEntry.Action.ACCESS
    ).order_by("pk")
    return [entry for entry in entries if (entry.additional_data or {}).get("read") == "bulk"]


def test_each_learner_picker_search_writes_one_entry_with_its_row_count(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board_user = make_user(role=Role.BOARD_ADMIN)
    board = signed_in(board_user)
    found = board.get("/pickers/learner/", {"q": "zinatne"}).json()["results"]
    assert len(found) == 3
    [entry] = bulk_reads(Learner)
    assert entry.actor == board_user
    assert entry.additional_data["rows"] == 3
    assert entry.additional_data["path"] == "/pickers/learner/"
    # A second request is a second read: a second entry, with its own count.
    assert len(board.get("/pickers/learner/", {"q": "centrs1"}).json()["results"]) == 1
    assert [entry.additional_data["rows"] for entry in bulk_reads(Learner)] == [3, 1]


def test_a_head_s_picker_search_counts_only_the_learners_it_returned(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    assert len(head.get("/pickers/learner/", {"q": "anna"}).json()["results"]) == 3
    assert head.get("/pickers/learner/", {"q": "centrs"}).json()["results"] == []  # the other school's pupils
    assert [entry.additional_data["rows"] for entry in bulk_reads(Learner)] == [3]  # nothing shown, nothing written


def test_the_global_search_writes_one_entry_for_the_learners_it_shows(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    page = board.get("/search/", {"q": "zinatne"}).content.decode()
    assert page.count("Anna Zinātne") == 3
    [entry] = bulk_reads(Learner)
    assert entry.additional_data["rows"] == 3 and entry.additional_data["route"] == "search"
    # A search that shows no learner (a school's name) writes no entry of learners.
    assert "Zinātņu vidusskola" in board.get("/search/", {"q": "vidusskola"}).content.decode()
    assert len(bulk_reads(Learner)) == 1

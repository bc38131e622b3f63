"""Figures cached per date and scope (core.figures_cache): read again from the cache, and never stale after a
write, whichever way the write reaches the database (a model's save, a queryset update, raw SQL, the importer's
bulk insert), committed by this process or another connection; a write rolled back changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.figures_cache import areas_written_by
from eduboard.core.imports import insert_rows
from eduboard.registry.models import Enrolment
from eduboard.registry.selectors import registry_stats
from tests.registry.world import World, build_world, learner

pytestmark = pytest.mark.both_databases

AS_OF = date(2024, 10, 1)


@pytest.mark.parametrize(
    ("sql", "areas"),
    [
        ('INSERT INTO "registry_learner" ("first_name") VALUES (%s)', {"registry"}),
        ('UPDATE "people_employment" SET "fte" = 1', {"people"}),
        ('DELETE FROM "finance_expenditure" WHERE "id" = 1', {"finance"}),
        ("INSERT OR IGNORE INTO quality_observation (id) VALUES (1)", {"quality"}),
        ('TRUNCATE "registry_group", "people_staffmember" RESTART IDENTITY CASCADE', {"registry", "people"}),
        ('SELECT * FROM "registry_learner"', set()),
        ('UPDATE "django_session" SET "expire_date" = now()', set()),  # signing in changes no figure
        ('INSERT INTO "auditlog_logentry" ("changes") VALUES (%s)', set()),  # nor does reading a child's page
    ],
)
def test_the_areas_a_statement_writes(sql: str, areas: set[str]) -> None:
    assert areas_written_by(sql) == areas


@pytest.fixture
def world(transactional_db: None) -> Iterator[World]:
    yield build_world(pupils=3)


def pupils(viewer: object) -> int:
    stats = registry_stats(as_of=AS_OF, visible_to=viewer)  # type: ignore[arg-type]
    return int(stats["learners_by_level"]["basic"])


def new_pupil(world: World, name: str) -> None:
    pupil = learner("Jānis", name, date(2017, 6, 1))
    Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=date(2024, 9, 1))


@pytest.mark.django_db(transaction=True)
def test_figures_come_from_the_cache_until_the_data_changes(world: World, make_user: Callable[..., User]) -> None:
    board = make_user(role=Role.BOARD_ADMIN)
    assert pupils(board) == 6
    with CaptureQueriesContext(connection) as read_again:
        assert pupils(board) == 6
    # The tokens only, once for each of the two entries registry_stats is made of (its institutions' figures and
    # the residents learning elsewhere): the figures came from the cache.
    assert len(read_again.captured_queries) == 2
    assert all("core_datageneration" in query["sql"] for query in read_again.captured_queries)

    new_pupil(world, "Jaunais")  # a model's save
    assert pupils(board) == 7

    Enrolment.objects.filter(learner__last_name="Jaunais").update(left_on=date(2024, 9, 15))  # no signals
    assert pupils(board) == 6

    with connection.cursor() as cursor:  # raw SQL
        cursor.execute(
            "DELETE FROM registry_enrolment WHERE learner_id IN (SELECT id FROM registry_learner WHERE last_name = %s)",
            ["Zinātne0"],
        )
    assert pupils(board) == 5


@pytest.mark.django_db(transaction=True)
def test_the_importers_bulk_insert_renews_the_figures(world: World, make_user: Callable[..., User]) -> None:
    board = make_user(role=Role.BOARD_ADMIN)
    assert pupils(board) == 6
    with transaction.atomic():
        ids = []
        for index in range(4):
            ids.append(learner("Bulk", f"Rinda{index}", date(2017, 7, 1 + index)).pk)
        insert_rows(
            Enrolment, ["learner", "group", "enrolled_on"], [(i, world.class_1a.pk, date(2024, 9, 1)) for i in ids]
        )
    assert pupils(board) == 10


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_changes_nothing_and_a_writer_sees_its_own_write(
    world: World, make_user: Callable[..., User]
) -> None:
    board = make_user(role=Role.BOARD_ADMIN)
    assert pupils(board) == 6

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        new_pupil(world, "Atsaukts")
        assert pupils(board) == 7  # the writer reads its own write, not the cached figure
        raise Undo
    assert pupils(board) == 6


@pytest.mark.django_db(transaction=True)
def test_entries_are_per_scope(world: World, make_user: Callable[..., User]) -> None:
    board = make_user(role=Role.BOARD_ADMIN)
    head = make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school])
    other_head = make_user(role=Role.INSTITUTION_HEAD, institutions=[world.other_school])
    assert (pupils(board), pupils(head), pupils(other_head)) == (6, 3, 3)
    new_pupil(world, "Jaunais")
    assert (pupils(board), pupils(head), pupils(other_head)) == (7, 4, 3)


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_never_stale_after_a_write_through_the_api(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))

    def dashboard_pupils(client: Client) -> str:
        page = client.get("/", {"as_of": AS_OF.isoformat()})
        assert page.status_code == 200
        figures = {item.key: item for item in page.context["key"]["figures"]}
        return str(figures["general.pupils"].raw)

    assert dashboard_pupils(board) == "6"
    assert dashboard_pupils(board) == "6"
    # The head closes a pupil's enrolment through the API; the board's next read of its dashboard counts it.
    enrolment = Enrolment.objects.get(learner__last_name="Zinātne1")
    response = head.patch(
        f"/api/registry/enrolments/{enrolment.pk}/",
        {"left_on": "2024-09-20", "leaving_reason": "moved_municipality", "version": enrolment.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:500]
    assert Enrolment.objects.get(pk=enrolment.pk).left_on == date(2024, 9, 20)
    assert dashboard_pupils(board) == "5"
    assert dashboard_pupils(head) == "2"

"""Statistics, reports and exports read from a replica when one is configured (issue 42, point 1): the router sends
the reads of `core.replica.reading` there and every write to the primary; a person who wrote lately, a request in
a transaction and anything outside a request read the primary; the board wall holds on the replica's connection.

A second connection to the test database stands in for the replica: it reads only what is committed, as a replica
does, and the queries each connection runs show where the figures came from."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import board_wall, replica
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Institution
from eduboard.registry.selectors import registry_figures
from tests.core.freshness_helpers import request_state

pytestmark = pytest.mark.both_databases

AS_OF = date(2024, 10, 1)


@pytest.fixture
def with_replica(transactional_db: None) -> Iterator[None]:
    """A `replica` database alias: another connection to the test database (made after the test database is set
    up, so the test's own guard of undeclared databases does not cover it)."""
    connections.settings[replica.REPLICA] = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    wrapper = connections[replica.REPLICA]
    # Django's test case refuses connections to aliases it was not told of; this one is the test's own.
    patched = BaseDatabaseWrapper.ensure_connection
    real = next(
        (
            cell.cell_contents
            for cell in patched.__closure__ or ()
            if getattr(cell.cell_contents, "__name__", "") == "ensure_connection"
        ),
        patched,
    )
    wrapper.ensure_connection = types.MethodType(real, wrapper)  # type: ignore[method-assign]
    try:
        yield
    finally:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        connections.settings.pop(replica.REPLICA)


def test_without_a_replica_every_read_is_the_primarys() -> None:
    assert not replica.configured()
    with request_state():
        assert replica.replica_alias() == DEFAULT_DB_ALIAS
    router = replica.ReplicaRouter()
    assert router.db_for_read(Institution) is None  # Django's default: the primary
    with replica.reading(DEFAULT_DB_ALIAS):
        assert router.db_for_read(Institution) == DEFAULT_DB_ALIAS


def test_the_router_reads_where_it_is_told_and_writes_and_migrates_only_on_the_primary() -> None:
    router = replica.ReplicaRouter()
    token = replica._reading.set(replica.REPLICA)
    try:
        assert router.db_for_read(Institution) == replica.REPLICA
        assert router.db_for_write(Institution) == DEFAULT_DB_ALIAS
    finally:
        replica._reading.reset(token)
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "registry") and not router.allow_migrate(replica.REPLICA, "registry")


@pytest.mark.django_db(transaction=True)
def test_figures_of_a_request_are_read_from_the_replica_and_its_authors_from_the_primary(
    with_replica: None, school_a: Institution
) -> None:
    expected = registry_figures.uncached(as_of=AS_OF, visible_to=WHOLE_CITY)  # type: ignore[attr-defined]
    with request_state(), CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        assert replica.replica_alias() == replica.REPLICA
        assert registry_figures(as_of=AS_OF, visible_to=WHOLE_CITY) == expected
    assert len(on_replica) > 1  # the tokens and the figures
    for reader in ({"pinned": True}, {"wrote": True}):  # wrote lately (the cookie), or in this request
        with request_state(**reader), CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
            assert replica.replica_alias() == DEFAULT_DB_ALIAS
            registry_figures(as_of=date(2024, 10, 2), visible_to=WHOLE_CITY)
        assert len(on_replica) == 0
    with request_state(), transaction.atomic():  # inside a transaction: what it wrote is on the primary only
        assert replica.replica_alias() == DEFAULT_DB_ALIAS
    assert replica.replica_alias() == DEFAULT_DB_ALIAS  # no request: a command or the worker


@pytest.mark.django_db(transaction=True)
def test_a_list_export_is_read_from_the_replica(
    with_replica: None,
    school_a: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    school = school_a
    client = signed_in(make_user(Role.BOARD_ANALYST))
    with CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        response = client.get("/registry/institutions/?export=csv")
    assert response.status_code == 200 and school.name in response.content.decode()
    assert any("registry_institution" in query["sql"] for query in on_replica.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_report_job_reads_the_primary_until_the_replica_has_replayed_its_commit(with_replica: None) -> None:
    from django.utils import timezone

    # The stand-in is no standby: it has replayed nothing (PostgreSQL answers NULL; SQLite has no such function).
    assert replica.caught_up_alias(since=timezone.now()) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_the_board_wall_holds_on_the_replica_while_a_walled_request_reads_there(with_replica: None) -> None:
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        pytest.skip("the second wall is PostgreSQL's row-level security")

    def setting() -> str:
        with connections[replica.REPLICA].cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [board_wall.SETTING])
            return str(cursor.fetchone()[0] or "")

    with board_wall.for_boards({7, 3}), replica.reading(replica.REPLICA):
        assert setting() == "3,7"
    with board_wall.nobody():
        assert setting() == ""  # each query of the replica's connection carries the wall of its moment

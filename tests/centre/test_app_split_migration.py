"""Issue 38: competitions, courses, materials and events left the innovation app for apps of their own. A database
made before the move migrates forward with every row kept, and the rows' content types (so their permissions and
audit-trail entries) follow them to the new apps.

The database made before the move is an empty one of the test's own, migrated forward to the state before the move
and then to the latest migrations — every migration run for real on each database, forward, as a deployment runs
them (migrating the test process's database back over the move and forward again took twice as long)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from eduboard.competitions.models import Competition, Discipline
from eduboard.events.models import Event
from tests.template_db import point_at

pytestmark = pytest.mark.both_databases

MOVED_APPS = ("competitions", "courses", "materials", "events")
LAST_BEFORE_THE_MOVE = ("innovation", "0009_booking_confirmation_card_codes")


def before_the_move() -> list[tuple[str, str | None]]:
    """Every app at its last migration before the move, as a database made then stood: the innovation app at
    LAST_BEFORE_THE_MOVE, the new apps not there, every other app at its latest migration that needs none of theirs."""
    graph = MigrationExecutor(connection).loader.graph
    moved = [
        key
        for key in graph.nodes
        if key[0] in MOVED_APPS or (key[0] == LAST_BEFORE_THE_MOVE[0] and key[1] > LAST_BEFORE_THE_MOVE[1])
    ]
    after = set().union(*(graph.backwards_plan(key) for key in moved))  # each with all that needs it
    targets: list[tuple[str, str | None]] = []
    for app, leaf in graph.leaf_nodes():
        kept = [key for key in graph.forwards_plan((app, leaf)) if key[0] == app and key not in after]
        targets.append((app, kept[-1][1] if kept else None))
    assert LAST_BEFORE_THE_MOVE in targets and ("competitions", None) in targets
    return targets


def migrate(targets: list[tuple[str, str | None]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(
        [t for t in targets if t[1] is not None] or executor.loader.graph.leaf_nodes()
    ).apps


@pytest.fixture
def empty_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """The connection pointed at an empty database of the test's own (a file on SQLite, a database of the test server
    on PostgreSQL), and back to the test process's database after the test, the empty one removed."""
    original = str(connection.settings_dict["NAME"])
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        name = f"{original}_split"[:63]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(name)}")
    else:
        name = str(tmp_path / "before-the-move.sqlite3")
    point_at(name)
    try:
        yield
    finally:
        point_at(original)
        ContentType.objects.clear_cache()  # ids of the other database
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_the_move_keeps_its_rows_and_their_content_types(empty_database: Any) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(before_the_move())
    # The registry is moved back only as far as the move needs (its migrations after the move depend on it): its
    # rows are written in the shape it has then, with a board of that shape.
    executor = MigrationExecutor(connection)
    applied = sorted(name for app, name in executor.loader.applied_migrations if app == "registry")
    registry_then = executor.loader.project_state([("registry", applied[-1])]).apps
    institution_model = registry_then.get_model("registry", "Institution")
    board_model = registry_then.get_model("registry", "Board")
    board = board_model.objects.order_by("pk").first() or board_model.objects.create(
        code="daugavpils", name="Daugavpils pilsētas Izglītības pārvalde", council="Daugavpils dome"
    )
    centre = institution_model.objects.create(
        registration_number="4900000001", name="Inovāciju centrs", type="innovation_centre", board_id=board.pk
    )
    old_discipline = old.get_model("innovation", "Discipline").objects.update_or_create(
        code="mini_sumo",
        defaults={
            "format": "sumo", "name_lv": "Mini sumo", "name_en": "Mini sumo", "name_ru": "Мини-сумо",
            "max_width_mm": 100, "max_length_mm": 100, "max_mass_g": 500, "points_to_win": 2, "attempts": 1,
            "run_limit_s": 180,
        },
    )[0]  # fmt: skip
    competition = old.get_model("innovation", "Competition").objects.create(
        centre_id=centre.pk, code="sumo-2024", title_lv="Sumo 2024", date=date(2024, 4, 20), place="Daugavpils"
    )
    competition.disciplines.add(old_discipline)
    old.get_model("innovation", "Event").objects.create(title="Augusta konference", starts_at="2024-08-27T07:00Z")
    content_type = old.get_model("contenttypes", "ContentType")
    moved = content_type.objects.get_or_create(app_label="innovation", model="competition")[0]

    migrate(latest)

    kept = Competition.objects.get(code="sumo-2024")
    assert kept.centre_id == centre.pk
    assert list(kept.disciplines.values_list("code", flat=True)) == ["mini_sumo"]
    assert Discipline.objects.filter(code="mini_sumo").exists()
    assert Event.objects.get().title == "Augusta konference"
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=moved.pk).app_label == "competitions"
    assert ContentType.objects.get_for_model(Competition).pk == moved.pk

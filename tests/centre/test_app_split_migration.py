"""Issue 38: competitions, courses, materials and events left the innovation app for apps of their own. A database
made before the move migrates forward with every row kept, and the rows' content types (so their permissions and
audit-trail entries) follow them to the new apps."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from eduboard.competitions.models import Competition, Discipline
from eduboard.events.models import Event

pytestmark = pytest.mark.both_databases

BEFORE = [
    ("innovation", "0009_booking_confirmation_card_codes"),
    ("competitions", None),
    ("courses", None),
    ("materials", None),
    ("events", None),
]


def migrate(targets: list[tuple[str, str | None]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(
        [t for t in targets if t[1] is not None] or executor.loader.graph.leaf_nodes()
    ).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_the_move_keeps_its_rows_and_their_content_types() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
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

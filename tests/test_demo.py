"""`manage.py load_demo`: one user per role, the seed's institutions, safe to run twice (no row and no figure of
any area changes: the areas' own demonstration tests leave that check to this one)."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Enrolment, Institution
from tests.demo_figures import every_figure

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@override_settings(DEMO_DATA_ALLOWED=False)
def test_demo_data_is_refused_in_production() -> None:
    # First in the module: the tests below run on the demonstration data the module loads once.
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert User.objects.count() == 0


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """`load_demo` run once for the module's tests (the command itself, not the tests' put-back of its rows), in a
    transaction rolled back after them; each test's own changes roll back to it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_data_gives_one_user_per_role_and_the_seed_institutions(loaded: None) -> None:
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert Institution.objects.filter(name="Daugavpils Zinātņu vidusskola").exists()
    assert Institution.objects.filter(name="Daugavpils Inovāciju centrs", type="innovation_centre").exists()
    head = User.objects.get(role=Role.INSTITUTION_HEAD)
    assert head.check_password("eduboard-demo-2024")
    assert list(head.institutions.values_list("name", flat=True)) == ["Daugavpils Zinātņu vidusskola"]


# The records of what happened, not data: the audit trail (the stats commands' reads are in it) and the data-quality
# runs (load_demo runs the checks at its end, and keeps each run).
EVENTS = {"auditlog.LogEntry", "dataquality.CheckRun"}


def table_counts() -> dict[str, int]:
    """Every table's number of rows (every area's, the migrations' too), but the records of events."""
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.label not in EVENTS]
    return {model._meta.label: model._base_manager.count() for model in models}


def test_loading_the_demo_twice_changes_no_row_and_no_figure(loaded: None) -> None:
    """`load_demo` run again over its own data: no table gains or loses a row, and no area's figure changes (the
    one check of it for every area)."""
    counts, figures = table_counts(), every_figure()
    call_command("load_demo", stdout=StringIO())
    assert table_counts() == counts
    assert every_figure() == figures
    assert counts["registry.Learner"] > 1000 and counts["quality.Observation"] > 1000  # the demo, not an empty one


def test_the_second_board_gives_each_board_its_own_institutions_and_the_moved_learner_two_enrolments(
    loaded: None,
) -> None:
    out = StringIO()
    call_command("load_demo", "--boards", "2", stdout=out)
    printed = out.getvalue()
    assert "A second board, Rēzeknes valstspilsētas Izglītības pārvalde (rezekne), with 2 institutions" in printed
    assert "moved from Daugavpils to Rēzekne on 06.01.2025" in printed
    rezekne = User.objects.get(username="rezekne")
    assert list(rezekne.boards.values_list("code", flat=True)) == ["rezekne"]
    seen = set(Institution.objects.filter(pk__in=rezekne.institution_scope()).values_list("board__code", flat=True))
    assert seen == {"rezekne"}
    first_board_analyst = User.objects.exclude(username="rezekne").get(role=Role.BOARD_ANALYST)
    assert set(
        Institution.objects.filter(pk__in=first_board_analyst.institution_scope()).values_list("board__code", flat=True)
    ) == {"daugavpils"}
    moved = Enrolment.objects.filter(learner__first_name="Marta", learner__last_name="Pārcēlāja")
    assert sorted((e.group.institution.board.code, e.left_on is None) for e in moved) == [
        ("daugavpils", False),
        ("rezekne", True),
    ]
    assert User.objects.filter(role=Role.MINISTRY).count() == 1

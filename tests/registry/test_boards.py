"""Issue 41: boards as tenants. Every institution belongs to one board; a board's roles see and change only their
board's institutions; `create_board`, the institutions file's `board` column, `--board` and `?board=` on the stats,
the ministry's figures-only view with counts under five withheld."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.board_scope import board_viewer, withheld
from eduboard.registry.boards import Board
from eduboard.registry.importers import InstitutionImporter
from eduboard.registry.models import Enrolment, Institution, Learner
from tests.imports_helpers import write_csv
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DAY = date(2024, 10, 1)
COLUMNS = ["registration_number", "name", "short_name", "type", "founder", "address", "opened_on", "closed_on"]


def stats(*args: str) -> dict:
    out = StringIO()
    call_command("registry_stats", "--as-of", DAY.isoformat(), *args, stdout=out)
    return json.loads(out.getvalue())


def plain_learner_count(board: Board | None) -> int:
    """Learners with an enrolment open on DAY in the board's institutions (all boards for None), each once."""
    open_on_day = [
        e
        for e in Enrolment.objects.select_related("group__institution")
        if e.enrolled_on <= DAY and (e.left_on is None or e.left_on > DAY)
    ]
    return len({e.learner_id for e in open_on_day if board is None or e.group.institution.board_id == board.pk})


@pytest.fixture
def two_boards(make_user: Callable[..., User]) -> tuple[World, Board, Board, User]:
    """The world's three institutions in the first board, then a second board that takes the other school; the
    first board's analyst was made before the second board existed."""
    world = build_world(pupils=6)
    analyst = make_user(Role.BOARD_ANALYST)
    call_command("create_board", "--municipality", "Augšdaugavas novads", "--code", "augsdaugava", stdout=StringIO())
    first, second = Board.objects.order_by("pk")
    Institution.objects.filter(pk=world.other_school.pk).update(board=second)
    return world, first, second, analyst


def test_a_deployment_of_one_board_works_as_before(make_user: Callable[..., User]) -> None:
    world = build_world()
    (board,) = Board.objects.all()
    assert set(board.institutions.all()) == {world.school, world.other_school, world.preschool}
    assert make_user(Role.BOARD_ANALYST).institution_scope() is None  # every institution, as before boards
    assert board.name == "Daugavpils pilsētas Izglītības pārvalde"  # the settings are the first board's defaults


def test_create_board_suggests_its_names_and_keeps_the_first_boards_users(two_boards: tuple) -> None:
    _world, first, second, analyst = two_boards
    assert second.code == "augsdaugava" and second.municipality is not None
    assert second.municipality.name == "Augšdaugavas novads"
    assert second.name == "Augšdaugavas novada Izglītības pārvalde"
    assert second.name_genitive == "Augšdaugavas novada Izglītības pārvaldes"
    assert list(analyst.boards.all()) == [first]  # they worked for the only board there was


def test_create_board_refuses_a_code_twice_and_a_municipality_with_a_board(two_boards: tuple) -> None:
    with pytest.raises(CommandError, match="augsdaugava"):
        call_command("create_board", "--municipality", "Krāslavas novads", "--code", "augsdaugava")
    with pytest.raises(CommandError, match="Augšdaugavas novads"):
        call_command("create_board", "--municipality", "augšdaugavas novads", "--code", "cits")
    with pytest.raises(CommandError):
        call_command("create_board", "--municipality", "Krāslavas novads", "--code", "Ne Kods")
    assert Board.objects.count() == 2


def test_a_boards_roles_see_only_their_boards_institutions_and_children(
    two_boards: tuple, make_user: Callable[..., User]
) -> None:
    world, _first, second, analyst = two_boards
    other_analyst = make_user(Role.BOARD_ANALYST)
    other_analyst.boards.set([second])
    assert set(Institution.objects.visible_to(analyst)) == {world.school, world.preschool}
    assert set(Institution.objects.visible_to(other_analyst)) == {world.other_school}
    mine = Enrolment.objects.visible_to(analyst)
    assert mine.count() == 6 and not mine.filter(group__institution=world.other_school).exists()
    assert set(Learner.objects.visible_to(other_analyst)) == {
        e.learner for e in Enrolment.objects.filter(group=world.other_class)
    }
    unassigned = make_user(Role.BOARD_ADMIN)  # a board role given no board on a deployment of several: nothing
    assert Institution.objects.visible_to(unassigned).count() == 0


def test_stats_by_board_are_the_boards_own_and_add_up(two_boards: tuple) -> None:
    _world, first, second, _analyst = two_boards
    whole, one, other = stats(), stats("--board", first.code), stats("--board", second.code)
    assert one["learners_total"] == plain_learner_count(first) == 6
    assert other["learners_total"] == plain_learner_count(second) == 6
    assert whole["learners_total"] == plain_learner_count(None) == 12
    assert one["groups_total"] + other["groups_total"] == whole["groups_total"]


def test_an_unknown_board_is_named_in_the_error(two_boards: tuple) -> None:
    with pytest.raises(CommandError, match=r"nope.*augsdaugava, daugavpils"):
        stats("--board", "nope")


def test_the_api_narrows_to_a_board_the_user_works_for_and_refuses_another(
    two_boards: tuple, signed_in: Callable[[User], Client]
) -> None:
    _world, first, second, analyst = two_boards
    client = signed_in(analyst)
    mine = client.get("/api/registry/stats/", {"as_of": DAY.isoformat(), "board": first.code})
    assert mine.status_code == 200 and mine.json()["learners_total"] == plain_learner_count(first)
    assert client.get("/api/registry/stats/", {"as_of": DAY.isoformat(), "board": second.code}).status_code == 403
    unknown = client.get("/api/registry/stats/", {"as_of": DAY.isoformat(), "board": "nope"})
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    with pytest.raises(PermissionDenied):
        board_viewer(analyst, second.code)


def test_the_ministry_reads_every_boards_figures_with_small_counts_withheld_and_no_rows(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    world = build_world(pupils=3)
    ministry = make_user(Role.MINISTRY)
    client = signed_in(ministry)
    figures = client.get("/api/registry/stats/", {"as_of": DAY.isoformat()}).json()
    assert plain_learner_count(None) == 6
    assert figures["learners_total"] == 6  # five or more: shown
    assert figures["groups_total"] is None  # 3 groups: withheld
    assert Institution.objects.visible_to(ministry).count() == 0  # no institution's rows
    assert client.get(f"/registry/learners/{Learner.objects.first().pk}/").status_code in (403, 404)
    assert client.get("/registry/learners/").status_code == 403
    assert world.school.pk  # the world exists; the ministry just cannot read it row by row


def test_withheld_replaces_only_counts_from_one_to_four() -> None:
    from decimal import Decimal

    data = {"a": 0, "b": 1, "c": 4, "d": 5, "e": Decimal("2.5"), "f": [3, 7], "g": True, "h": "2"}
    assert withheld(data) == {
        "a": 0,
        "b": None,
        "c": None,
        "d": 5,
        "e": Decimal("2.5"),
        "f": [None, 7],
        "g": True,
        "h": "2",
    }


def test_the_institutions_file_names_the_board(two_boards: tuple, tmp_path: Path) -> None:
    _world, first, second, _analyst = two_boards
    rows = [
        ["9000000091", "Jaunā skola", "", "basic", "municipality", "", "", "", "augsdaugava"],
        ["9000000092", "Vēl viena skola", "", "basic", "municipality", "", "", "", "daugavpils"],
    ]
    InstitutionImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "i.csv", [*COLUMNS, "board"], rows))
    assert Institution.objects.get(registration_number="9000000091").board == second
    assert Institution.objects.get(registration_number="9000000092").board == first


def test_an_institutions_file_without_the_column_needs_it_when_there_are_several_boards(
    two_boards: tuple, tmp_path: Path
) -> None:
    rows = [["9000000093", "Bez pārvaldes", "", "basic", "municipality", "", "", ""]]
    with pytest.raises(ImportFailed) as refused:
        InstitutionImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "i.csv", COLUMNS, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "board")]
    bad = [["9000000094", "Nezināma", "", "basic", "municipality", "", "", "", "nope"]]
    with pytest.raises(ImportFailed) as unknown:
        InstitutionImporter(viewer=WHOLE_CITY).run(write_csv(tmp_path / "j.csv", [*COLUMNS, "board"], bad))
    assert "nope" in str(unknown.value)
    assert not Institution.objects.filter(registration_number__in=["9000000093", "9000000094"]).exists()


def test_a_boards_user_may_not_import_into_another_board(two_boards: tuple, tmp_path: Path) -> None:
    _world, first, _second, _analyst = two_boards
    admin = User.objects.create(username="first-admin", role=Role.BOARD_ADMIN)
    admin.boards.set([first])
    rows = [["9000000095", "Sveša", "", "basic", "municipality", "", "", "", "augsdaugava"]]
    with pytest.raises(ImportFailed) as refused:
        InstitutionImporter(viewer=admin).run(write_csv(tmp_path / "i.csv", [*COLUMNS, "board"], rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "board")]
    no_column = [["9000000096", "Sava", "", "basic", "municipality", "", "", ""]]
    InstitutionImporter(viewer=admin).run(write_csv(tmp_path / "j.csv", COLUMNS, no_column))
    assert Institution.objects.get(registration_number="9000000096").board == first  # the user's own board


def test_the_board_page_saves_its_names_and_refuses_a_stale_edit(
    two_boards: tuple, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    _world, first, second, _analyst = two_boards
    admin = make_user(Role.BOARD_ADMIN)
    admin.boards.set([first])
    client = signed_in(admin)
    assert client.get(f"/registry/boards/{second.code}/").status_code == 404  # not their board
    page = client.get("/registry/boards/")
    assert first.name in page.content.decode() and second.name not in page.content.decode()
    thresholds = {"fte_warning_limit": "1.5", "training_expiry_warning_days": "90", "self_assessment_due": "10-01"}
    form = {"name": "Jaunā pārvalde", "council": first.council, "version": first.version, **thresholds}
    assert client.post(f"/registry/boards/{first.code}/", form).status_code == 302
    first.refresh_from_db()
    assert first.name == "Jaunā pārvalde" and first.name_genitive == "Jaunā pārvaldes"
    stale = client.post(f"/registry/boards/{first.code}/", {**form, "name": "Cita"})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()  # told, not overwritten
    first.refresh_from_db()
    assert first.name == "Jaunā pārvalde"

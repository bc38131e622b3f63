"""`create_board` on a fresh deployment (the first board made by the migrations from the settings, with no
municipality yet): any number of boards, codes in any case, the home municipality's board made by the command, and
every one of the 43 municipalities in turn, each named from its genitive."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduboard.registry.boards import Board
from tests.core.test_declension_municipalities import PLACES

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def create_board(*args: str) -> str:
    out = StringIO()
    call_command("create_board", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fresh() -> Board:
    """The deployment as the migrations leave it: one board, from the settings, without its municipality."""
    Board.objects.exclude(pk=Board.objects.order_by("pk").values("pk")[:1]).delete()
    first = Board.objects.order_by("pk").first() or Board.objects.for_new_institution()
    assert first is not None
    first.municipality = None
    first.save()
    return first


def test_boards_for_the_home_municipality_and_another_are_both_made(fresh: Board, settings: Any) -> None:
    """The home municipality given a board of its own by the command is not then given to the first board too
    (the second command ended in IntegrityError: UNIQUE constraint failed: registry_board.municipality_id)."""
    settings.HOME_MUNICIPALITY_NAMES = ["Testpils"]
    create_board("--municipality", "Testpils", "--code", "tp")
    create_board("--municipality", "Ezerpils", "--code", "ez")
    create_board("--municipality", "Kalnpils", "--code", "kp")
    boards = {board.code: board for board in Board.objects.select_related("municipality")}
    assert set(boards) == {fresh.code, "tp", "ez", "kp"}
    assert boards["tp"].municipality.name == "Testpils" and boards["tp"].municipality.is_home
    assert boards[fresh.code].municipality is None  # its home municipality has a board of its own
    assert boards["ez"].name == "Ezerpils Izglītības pārvalde"
    assert boards["ez"].name_genitive == "Ezerpils Izglītības pārvaldes"


def test_the_first_board_takes_the_home_municipality_while_it_has_no_board(fresh: Board, settings: Any) -> None:
    settings.HOME_MUNICIPALITY_NAMES = ["Daugavpils valstspilsēta"]
    create_board("--municipality", "Daugavpils valstspilsēta", "--code", "dp")
    create_board("--municipality", "Rēzeknes valstspilsēta", "--code", "rezekne")
    fresh.refresh_from_db()
    assert fresh.municipality is None  # "dp" holds the home municipality
    assert Board.objects.get(code="rezekne").name == "Rēzeknes valstspilsētas Izglītības pārvalde"


def test_a_code_in_capitals_is_lower_cased(fresh: Board) -> None:
    out = create_board("--municipality", "Cēsu novads", "--code", " CESIS ")
    board = Board.objects.get(code="cesis")
    assert out == f"Board cesis: {board.name} (Cēsu novads)\n"
    assert board.name == "Cēsu novada Izglītības pārvalde"
    with pytest.raises(CommandError, match="cesis"):
        create_board("--municipality", "Valkas novads", "--code", "Cesis")


def test_a_municipality_name_longer_than_its_column_is_refused_before_the_database(fresh: Board) -> None:
    with pytest.raises(CommandError):
        create_board("--municipality", "Ezer" * 40 + "pils", "--code", "long")
    assert not Board.objects.filter(code="long").exists()


def test_every_latvian_municipality_gets_a_board_named_from_its_genitive(fresh: Board) -> None:
    for number, place in enumerate(PLACES):
        create_board("--municipality", place.municipality.nominative, "--code", f"B{number:02d}")
    made = {
        board.municipality.name: board for board in Board.objects.exclude(pk=fresh.pk).select_related("municipality")
    }
    assert len(made) == 43
    for place in PLACES:
        board = made[place.municipality.nominative]
        assert board.name == f"{place.municipality.genitive} Izglītības pārvalde"
        assert board.council_genitive == f"{place.municipality.genitive} pašvaldības domes"

"""The survey a report of a date reads, for every board at once (`board_surveys`, the ministry's comparison): each
board's latest survey closed by the date, else its latest opened by then, else none, and never another board's."""

from __future__ import annotations

from datetime import date

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.boards import Board, board_for
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import board_survey, board_surveys
from tests.reports.test_national import rezekne_board

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DAY = date(2024, 12, 1)


def survey(board: Board, code: str, opens_on: date, closes_on: date) -> Survey:
    return Survey.objects.create(board=board, code=code, title_lv=code, opens_on=opens_on, closes_on=closes_on)


def test_each_board_reads_its_latest_closed_survey_else_its_latest_opened_else_none() -> None:
    home = Board.objects.for_new_institution()
    assert home is not None
    rezekne, third = rezekne_board(), Board.objects.create(code="ludza", name="Ludzas IP", council="Ludzas dome")
    survey(home, "lb-2023", date(2023, 3, 1), date(2023, 4, 1))
    latest_closed = survey(home, "lb-2024", date(2024, 3, 1), date(2024, 4, 1))
    survey(home, "lb-2025", date(2024, 11, 20), date(2025, 1, 10))  # open on the day: a closed one comes first
    survey(home, "later", date(2025, 3, 1), date(2025, 4, 1))  # not opened yet
    opened_early = survey(rezekne, "r-a", date(2024, 10, 1), date(2025, 1, 31))
    opened_late = survey(rezekne, "r-b", date(2024, 11, 1), date(2025, 2, 28))
    survey(third, "l-later", date(2025, 1, 1), date(2025, 2, 1))
    found = board_surveys(boards=[home, rezekne, third], as_of=DAY)
    assert found == {home.pk: latest_closed, rezekne.pk: opened_late, third.pk: None}
    assert opened_early.opens_on < opened_late.opens_on
    for board in (home, rezekne, third):
        assert board_survey(board=board, as_of=DAY) == found[board.pk]
    assert board_surveys(boards=[rezekne], as_of=date(2024, 10, 15)) == {rezekne.pk: opened_early}


def test_the_deployments_default_board_before_any_board_is_saved_has_no_survey() -> None:
    """A report built before any board exists reads the unsaved default board (the events' section IX test)."""
    Board.objects.all().delete()
    board = board_for(WHOLE_CITY)
    assert board.pk is None
    assert board_survey(board=board, as_of=DAY) is None
    assert board_surveys(boards=[board], as_of=DAY) == {None: None}

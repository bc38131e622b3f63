"""Two referee devices opening one score sheet at the same moment: one holds it, the other is told who does
(PostgreSQL: two threads, each with its own connection; the sheet's row lock decides)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from eduboard.accounts.models import User
from eduboard.competitions import services
from eduboard.competitions.models import ScoreSheet
from tests.competitions.test_ring import open_matches, sumo_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_databases]


def race(sheet: ScoreSheet, referees: list[tuple[User, str]]) -> list[str]:
    """Both referees open the sheet at the same moment, each on its device, in its own thread and connection:
    "held" for the one who got it, the refusal's message for the other."""
    start = threading.Barrier(2)
    outcomes = ["", ""]

    def open_on(index: int) -> None:
        referee, device = referees[index]
        try:
            start.wait()
            services.score_sheet_open(viewer=referee, sheet_id=sheet.pk, device=device)
            outcomes[index] = "held"
        except ValidationError as error:
            outcomes[index] = error.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_on, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="truly concurrent writers: PostgreSQL")
def test_two_devices_opening_one_sheet_at_once_one_holds_it_and_the_other_is_told_who() -> None:
    competition, first, second, _head = sumo_world()
    sheet = services.score_sheet_for_match(viewer=first, match_id=open_matches(competition)[0].pk)
    referees = [(first, "device-one-aaaaaaaaaa"), (second, "device-two-bbbbbbbbbb")]
    for _round in range(5):
        ScoreSheet.objects.filter(pk=sheet.pk).update(holder=None, device="", held_since=None)
        outcomes = race(sheet, referees)
        assert outcomes.count("held") == 1, outcomes
        winner = outcomes.index("held")
        assert referees[winner][0].get_full_name() in outcomes[1 - winner]
        assert ScoreSheet.objects.get(pk=sheet.pk).device == referees[winner][1]

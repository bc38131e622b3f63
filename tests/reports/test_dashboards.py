"""Each role's dashboard shows its own work: a preschool's staff no pupils or first graders, the innovation centre
a clear empty state instead of cards of zeros; closed institutions are not counted as institutions of the city."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def dashboard(signed_in: Callable[[User], Client], username: str) -> str:
    return signed_in(User.objects.get(username=username)).get("/").content.decode()


def test_a_preschool_s_staff_see_preschool_figures_and_no_school_ones(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    page = dashboard(signed_in, "staff")  # Daugavpils Ruģeļu PII
    assert 'data-key="preschool.children"' in page
    for school_figure in ("general.pupils", "general.first_graders", "general.grade10"):
        assert f'data-key="{school_figure}"' not in page
    board = dashboard(signed_in, "analyst")
    assert 'data-key="general.pupils"' in board  # the board sees the whole city's figures


def test_the_innovation_centre_gets_an_empty_state_not_cards_of_zeros(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    page = dashboard(signed_in, "centre")
    assert 'id="no-figures"' in page
    assert not re.search(r'<span class="figure">0</span>', page)


def test_a_closed_institution_is_not_counted_on_the_board_s_dashboard(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    def total() -> int:
        found = re.search(r'id="institution-total">(\d+)<', dashboard(signed_in, "analyst"))
        assert found is not None
        return int(found.group(1))

    before = total()
    school = Institution.objects.filter(closed_on__isnull=True).order_by("pk").first()
    assert school is not None
    school.closed_on = date(2020, 8, 31)
    school.save(update_fields=["closed_on"])
    assert total() == before - 1


def test_the_boards_dashboard_counts_its_own_institutions_and_says_the_state_founded_apart(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    page = dashboard(signed_in, "analyst")
    found = re.search(r'id="institution-total">(\d+)<', page)
    assert found is not None
    own = Institution.objects.boards_own().active_on(date(2024, 9, 1)).count()
    state = Institution.objects.state_founded().active_on(date(2024, 9, 1)).count()
    assert state >= 1  # Daugavpils tehnikums
    assert int(found.group(1)) == own
    assert re.search(rf'id="state-founded-total">[^<]*{state}', page)

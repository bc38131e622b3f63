"""Issue 39: the teams page links a team's competition only for a viewer who may open it (the competition page's
own permission and scope, `views.openable_competitions`); a school's head, who reads their school's teams but not
the centre's competitions, sees its title as plain text instead of a link that answers 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.competitions.models import Team
from tests.competitions.test_competitions import add_teams, centre_and_competition
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.both_databases


@pytest.mark.django_db
def test_the_teams_page_links_a_competition_only_for_those_who_may_open_it(
    signed_in: Callable[[User], Client],
) -> None:
    centre, competition = centre_and_competition("mini_sumo")
    school = InstitutionFactory(name="Daugavpils 9. vidusskola")
    team = add_teams(competition, "mini_sumo", 2)[0]
    Team.objects.filter(pk=team.pk).update(school=school)
    detail = reverse("competitions:competition_detail", args=[competition.pk])
    viewers = {
        "centre staff": (UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]), True),
        "board": (UserFactory(role=Role.BOARD_ANALYST), True),
        "school head": (UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]), False),
    }
    for name, (user, may_open) in viewers.items():
        client = signed_in(user)
        page = client.get(reverse("competitions:team_list"))
        text = page.content.decode()
        assert page.status_code == 200 and competition.title_lv in text, name  # the team and its competition
        assert (f'href="{detail}"' in text) == may_open, name
        assert client.get(detail).status_code == (200 if may_open else 404), name  # a link shown is one that opens


@pytest.mark.django_db
def test_the_teams_table_answered_to_htmx_links_alike(signed_in: Callable[[User], Client]) -> None:
    _centre, competition = centre_and_competition("mini_sumo")
    school = InstitutionFactory(name="Daugavpils 9. vidusskola")
    team = add_teams(competition, "mini_sumo", 1)[0]
    Team.objects.filter(pk=team.pk).update(school=school)
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
    table = head.get(reverse("competitions:team_list"), headers={"HX-Request": "true"}).content.decode()
    detail = reverse("competitions:competition_detail", args=[competition.pk])
    assert team.name in table and competition.title_lv in table and f'href="{detail}"' not in table

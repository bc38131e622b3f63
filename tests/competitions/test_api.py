"""The competitions' API (/api/competitions/...): competitions and teams, read-only, scoped as the pages are. A
centre's staff read their centre's rows (list and detail); another centre's row answers 404 as a missing one; the
public and a role without the permission are refused; a list's queries do not grow with its rows. A team's members
are children: the API gives their number only (as the pages), and a list of teams is written to the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.competitions.models import Competition, Discipline, Team
from eduboard.competitions.reference import ensure_reference
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory
from tests.support.api import CentreAPI, listed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ROUTES = ("competitions", "teams")


def competition_rows(centre: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
    """`count` competitions at `centre`, each with one team of two children."""
    ensure_reference()
    rows: dict[str, list[Any]] = {route: [] for route in ROUTES}
    for n in range(count):
        competition = Competition.objects.create(
            centre=centre, code=f"{tag}-{n}", title_lv=f"Čempionāts {tag} {n}", date=date(2025, 11, 15 + n),
            place="Zāle",
        )  # fmt: skip
        competition.disciplines.set(Discipline.objects.filter(code__in=["mini_sumo", "line_follower"]))
        team = Team.objects.create(
            competition=competition, discipline=Discipline.objects.get(code="mini_sumo"), name=f"Zibens {tag} {n}",
            school_name="Skola", members=[{"name": "Anna", "age": 12}, {"name": "Jānis", "age": 13}], robot="Z",
            coach_name="Treneris", coach_email="coach@example.lv", coach_phone="+37129999999",
        )  # fmt: skip
        rows["competitions"].append(competition)
        rows["teams"].append(team)
    return rows


class TestCompetitionsAPI(CentreAPI):
    """A centre's staff read their centre's competitions and teams; the board's analyst reads every centre's."""

    url = "/api/competitions/"
    routes = ROUTES

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
        return competition_rows(institution, tag, count)

    def test_a_schools_head_reads_their_schools_teams(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        """As on the teams page: the centre's teams for its staff, a city school's own teams for its head."""
        school = InstitutionFactory(name="Daugavpils 3. vidusskola")
        team = competition_rows(institutions[0], "aa")["teams"][0]
        Team.objects.filter(pk=team.pk).update(school=school)
        head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
        answer = listed(head, "/api/competitions/teams/")
        assert [row["id"] for row in answer] == [team.pk]
        assert answer[0]["school"] == school.registration_number
        assert listed(head, "/api/competitions/competitions/") == []

    def test_a_team_gives_the_number_of_its_members_never_their_names_and_the_coachs_e_mail_not_phone(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        rows = competition_rows(institutions[0], "aa")
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        team = staff.get(f"/api/competitions/teams/{rows['teams'][0].pk}/").json()
        assert team["member_count"] == 2 and "members" not in team
        assert (team["competition"], team["discipline"], team["coach_email"]) == (
            "aa-0", "mini_sumo", "coach@example.lv",
        )  # fmt: skip
        answers = f"{team}{staff.get('/api/competitions/teams/').content.decode()}"
        assert "Jānis" not in answers and "coach_phone" not in team and "+37129999999" not in answers
        competition = staff.get(f"/api/competitions/competitions/{rows['competitions'][0].pk}/").json()
        assert competition["team_count"] == 1 and competition["disciplines"] == ["line_follower", "mini_sumo"]

    def test_a_list_of_teams_is_written_to_the_audit_trail_with_its_row_count(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        competition_rows(institutions[0], "aa", count=3)
        staff_user = UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]])
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Team), actor=staff_user, action=LogEntry.Action.ACCESS
        )
        assert len(listed(signed_in(staff_user), "/api/competitions/teams/")) == 3
        assert [(entry.additional_data["rows"], entry.additional_data["route"]) for entry in entries] == [(3, "api")]

    def test_competitions_filter_by_year_within_the_dates_the_api_takes(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        competition_rows(institutions[0], "aa", count=2)
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        assert len(listed(staff, "/api/competitions/competitions/?year=2025")) == 2
        assert listed(staff, "/api/competitions/competitions/?year=2024") == []
        assert staff.get("/api/competitions/competitions/?year=99999").status_code == 400
        codes = [row["code"] for row in listed(staff, "/api/competitions/competitions/?ordering=date")]
        assert codes == ["aa-0", "aa-1"]

"""Robotics competitions: the double-elimination bracket (a property over 2 to 64 teams), results entered match by
match with ties fought again, robot checks against the disciplines' rules, line-follower ranking, the public pages
(registration in three languages, live results), certificates, the teams file and the figures, and scoping."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfminer.high_level import extract_text

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.competitions import brackets, rules, selectors, services
from eduboard.competitions.importers import TeamImporter
from eduboard.competitions.models import Attempt, Competition, Discipline, Match, RobotCheck, Team
from eduboard.competitions.reference import ensure_reference
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.both_databases

# --- the bracket as pure rules


def play_out(teams: int, pick: Callable[[brackets.Bout], int | None]) -> tuple[list[int], list[brackets.Played]]:
    """Play a bracket of `teams` to its end; `pick` names each bout's winner (None: a tie, fought again)."""
    order = list(range(1, teams + 1))
    played: list[brackets.Played] = []
    for _round in range(10 * teams):
        bouts = brackets.next_round(order, played)
        if not bouts:
            break
        for bout in bouts:
            winner = bout.a if bout.b is None else pick(bout)
            while winner is None:  # a tie: the same two fight again
                winner = pick(bout)
            played.append(brackets.Played(bout.bracket, bout.round, bout.number, bout.a, bout.b, winner))
    return order, played


@settings(max_examples=120, deadline=None)
@given(teams=st.integers(min_value=2, max_value=64), data=st.data())
def test_every_team_loses_twice_before_it_is_out_and_the_bracket_completes(teams: int, data: st.DataObject) -> None:
    def pick(bout: brackets.Bout) -> int | None:
        return data.draw(st.sampled_from([bout.a, bout.b, None]))  # type: ignore[list-item]

    order, played = play_out(teams, pick)
    assert_double_elimination_completed(teams, order, played)


@pytest.mark.parametrize("teams", range(2, 65))
def test_the_bracket_completes_for_every_number_of_teams_from_2_to_64(teams: int) -> None:
    """Every size, not only those the property above happens to draw: results drawn from a seeded generator,
    the stronger seed winning two bouts in three, and a tie now and then."""
    rng = random.Random(teams)

    def pick(bout: brackets.Bout) -> int | None:
        assert bout.b is not None
        roll = rng.random()
        return None if roll < 0.1 else min(bout.a, bout.b) if roll < 0.7 else max(bout.a, bout.b)

    order, played = play_out(teams, pick)
    assert_double_elimination_completed(teams, order, played)


def assert_double_elimination_completed(teams: int, order: list[int], played: list[brackets.Played]) -> None:
    assert brackets.next_round(order, played) == []  # complete
    losses = Counter(match.loser for match in played if match.loser is not None)
    out = [team for team in order if losses[team] >= 2]
    champions = [team for team in order if losses[team] < 2]
    assert len(champions) == 1 and len(out) == teams - 1
    assert all(losses[team] == 2 for team in out)  # nobody leaves after one loss, nobody loses a third time
    lost_so_far: Counter[int] = Counter()
    for match in sorted(played, key=lambda m: (m.round, m.number)):
        assert all(lost_so_far[team] < 2 for team in (match.a, match.b) if team is not None)  # out means out
        if match.loser is not None:
            lost_so_far[match.loser] += 1
    real = [match for match in played if match.b is not None]
    assert len(real) in (2 * teams - 2, 2 * teams - 1)
    places = brackets.placings(order, played)
    assert [team for place, team in places if place == 1] == champions
    assert sorted(team for _place, team in places) == order


def test_the_first_round_keeps_the_best_seeds_apart_and_gives_them_the_byes() -> None:
    bouts = brackets.first_round([10, 20, 30, 40, 50, 60])  # six teams on eight lines: seeds 1 and 2 have byes
    assert [(b.a, b.b) for b in bouts] == [(10, None), (40, 50), (20, None), (30, 60)]
    order, played = play_out(8, lambda bout: min(bout.a, bout.b or bout.a))  # the better seed always wins
    final = [m for m in played if m.bracket == brackets.FINAL]
    assert [(m.a, m.b, m.winner) for m in final] == [(1, 2, 1)]  # seeds 1 and 2 meet only in the final
    assert not [m for m in played if m.bracket == brackets.RESET]
    assert brackets.placings(order, played)[:3] == [(1, 1), (2, 2), (3, 3)]


def test_the_losers_bracket_winner_forces_a_second_final() -> None:
    def upset(bout: brackets.Bout) -> int:
        if bout.bracket in (brackets.FINAL, brackets.RESET):
            return max(bout.a, bout.b or bout.a)  # seed 2, from the losers' bracket, wins both finals
        return min(bout.a, bout.b or bout.a)

    order, played = play_out(4, upset)
    assert [m.bracket for m in played if m.bracket in "FR"] == ["F", "R"]
    assert brackets.placings(order, played)[0] == (1, 2)


# --- the database: drawing, results, ties, robots


def centre_and_competition(*disciplines: str) -> tuple[object, Competition]:
    ensure_reference()
    centre = InstitutionFactory(name="Daugavpils Inovāciju centrs", type="innovation_centre")
    competition = Competition.objects.create(
        centre=centre,
        code="robo-2025",
        title_lv="Robotikas čempionāts",
        date=date(2025, 11, 15),
        place="Inovāciju centrs",
        registration_open=True,
        published=True,
    )
    competition.disciplines.set(Discipline.objects.filter(code__in=disciplines or ["mini_sumo"]))
    return centre, competition


def add_teams(competition: Competition, code: str, count: int, *, passed: bool = True) -> list[Team]:
    discipline = Discipline.objects.get(code=code)
    return [
        Team.objects.create(
            competition=competition,
            discipline=discipline,
            name=f"Komanda {n}",
            school_name=f"Skola {n % 3}",
            members=[{"name": "Anna", "age": 12}, {"name": "Jānis", "age": 13}],
            robot=f"R{n}",
            coach_email=f"c{n}@example.lv",
            robot_check=RobotCheck.PASSED if passed else RobotCheck.PENDING,
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.django_db
def test_the_bracket_advances_by_itself_a_tie_is_fought_again_and_a_result_is_fixed_once_the_next_round_is_drawn() -> (
    None
):
    centre, competition = centre_and_competition("mini_sumo")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    teams = add_teams(competition, "mini_sumo", 5)
    Team.objects.filter(pk=teams[4].pk).update(robot_check=RobotCheck.FAILED)  # not in the bracket
    mini = Discipline.objects.get(code="mini_sumo")
    assert services.bracket_draw(viewer=staff, competition_id=competition.pk, discipline_id=mini.pk) == 4
    with pytest.raises(ValidationError):
        services.bracket_draw(viewer=staff, competition_id=competition.pk, discipline_id=mini.pk)
    first = list(Match.objects.filter(round=1).order_by("number"))
    assert [(m.team_a.seed, m.team_b.seed if m.team_b else None) for m in first] == [(1, 4), (2, 3)]
    for points in ((3, 0), (2, 2)):
        with pytest.raises(ValidationError):
            services.match_record(viewer=staff, match_id=first[0].pk, expected_version=None, points_a=points[0],
                                  points_b=points[1])  # fmt: skip
    tie = services.match_record(viewer=staff, match_id=first[0].pk, expected_version=None, points_a=1, points_b=1)
    assert tie.winner is None and tie.rematches == 1 and tie.history[0]["a"] == 1
    assert not Match.objects.filter(round=2).exists()
    services.match_record(viewer=staff, match_id=first[0].pk, expected_version=None, points_a=2, points_b=0)
    assert not Match.objects.filter(round=2).exists()  # the round is not over yet
    services.match_record(viewer=staff, match_id=first[1].pk, expected_version=None, points_a=0, points_b=2)
    second = Match.objects.filter(round=2)
    assert sorted(second.values_list("bracket", flat=True)) == ["L", "W"]
    with pytest.raises(ValidationError):  # round 2 is drawn: round 1 stands
        services.match_record(viewer=staff, match_id=first[0].pk, expected_version=None, points_a=0, points_b=2)
    for _step in range(20):
        match = Match.objects.filter(winner__isnull=True).order_by("round", "number").first()
        if match is None:
            break
        services.match_record(viewer=staff, match_id=match.pk, expected_version=None, points_a=2, points_b=1)
    placings = selectors.sumo_placings(competition, mini)
    assert len(placings) == 4 and placings[0][0] == 1
    assert Counter(m.loser_id for m in Match.objects.all() if m.loser_id).most_common()[-1][1] >= 1


@pytest.mark.django_db
def test_robot_checks_follow_the_disciplines_rules() -> None:
    centre, competition = centre_and_competition("mini_sumo", "lego_sumo")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    mini = add_teams(competition, "mini_sumo", 1, passed=False)[0]
    lego = add_teams(competition, "lego_sumo", 1, passed=False)[0]

    def check(team: Team, mass: int, width: int, length: int, build: str = "lego") -> Team:
        return services.robot_check(viewer=staff, team_id=team.pk, expected_version=None, mass_g=mass, width_mm=width,
                                    length_mm=length, height_mm=None, robot_build=build)  # fmt: skip

    assert check(mini, 500, 100, 100).robot_check == RobotCheck.PASSED  # 10 × 10 cm and 500 g: allowed
    failed = check(mini, 501, 101, 100)
    assert failed.robot_check == RobotCheck.FAILED and "501" in failed.check_note and "101" in failed.check_note
    assert check(lego, 1000, 200, 200).robot_check == RobotCheck.PASSED  # Lego sumo: 20 × 20 cm and 1000 g
    assert check(lego, 1001, 200, 200).robot_check == RobotCheck.FAILED
    Discipline.objects.filter(code="lego_sumo").update(max_mass_g=1100)  # the rule is data
    assert check(lego, 1001, 200, 200).robot_check == RobotCheck.PASSED
    # The robots a discipline allows are data too: a Lego class refuses a self-built robot, and one not stated.
    for build in ("self_built", "kit", ""):
        refused = check(lego, 900, 200, 200, build)
        assert refused.robot_check == RobotCheck.FAILED and refused.check_note, build
    assert check(mini, 500, 100, 100, "kit").robot_check == RobotCheck.PASSED  # mini sumo: any robot


@pytest.mark.django_db
def test_line_followers_rank_by_their_best_time_then_the_next_best() -> None:
    centre, competition = centre_and_competition("line_follower")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    a, b, c, d = add_teams(competition, "line_follower", 4)
    line = Discipline.objects.get(code="line_follower")  # 3 attempts, 120 s a run

    def run(team: Team, number: int, ms: int | None) -> Attempt:
        return services.attempt_record(viewer=staff, team_id=team.pk, number=number, time_ms=ms)

    run(a, 1, 20_500), run(a, 2, None), run(a, 3, 19_000)
    run(b, 1, 19_000), run(b, 2, 25_000)  # the same best as a; b's second best is worse than a's 20.5 s
    run(c, 1, 18_000)
    assert run(d, 1, 121_000).time_ms is None  # over the limit: did not finish
    with pytest.raises(ValidationError):
        run(d, 4, 10_000)  # only 3 attempts
    run(c, 1, 30_000)  # entered again: corrected
    ranking = selectors.line_follower_ranking(competition, line)
    assert [(row.place, row.team.name) for row in ranking] == [
        (1, "Komanda 1"),
        (2, "Komanda 2"),
        (3, "Komanda 3"),
        (None, "Komanda 4"),
    ]
    assert ranking[0].best == "19,000" and ranking[2].best == "30,000"


# --- pages, scope and files


@pytest.mark.django_db
def test_public_registration_in_three_languages_and_live_results(client: Client) -> None:
    _centre, competition = centre_and_competition("mini_sumo", "line_follower")
    mini = Discipline.objects.get(code="mini_sumo")
    for lang in ("lv", "ru", "en"):
        assert client.get(f"/centre/{lang}/competitions/").status_code == 200
        page = client.get(f"/centre/{lang}/competitions/robo-2025/register/")
        assert page.status_code == 200 and page["Content-Language"] == lang
    form = {
        "discipline": mini.pk,
        "name": "Zibens",
        "school_name": "Krāslavas Varavīksnes vidusskola",
        "members": "Anna (12); Pēteris 13",
        "robot": "Z-1",
        "coach_name": "Inga",
        "coach_email": "inga@example.lv",
        "coach_phone": "",
    }
    answer = client.post("/centre/ru/competitions/robo-2025/register/", form)
    assert answer.status_code == 302
    team = Team.objects.get(name="Zibens")
    assert team.members == [{"name": "Anna", "age": 12}, {"name": "Pēteris", "age": 13}]
    assert team.robot_check == RobotCheck.PENDING
    assert client.post("/centre/lv/competitions/robo-2025/register/", {**form, "members": "Anna"}).status_code == 400
    assert client.post("/centre/lv/competitions/robo-2025/register/", {**form, "website": "x"}).status_code == 404
    Competition.objects.filter(pk=competition.pk).update(registration_open=False)
    closed = client.post("/centre/lv/competitions/robo-2025/register/", {**form, "name": "Cits"})
    assert closed.status_code == 409 and not Team.objects.filter(name="Cits").exists()
    results = client.get("/centre/en/competitions/robo-2025/")
    assert results.status_code == 200 and b"data-live-url" in results.content
    assert client.get("/centre/lv/competitions/robo-2025/live/").status_code == 200
    assert b"Anna" not in results.content  # no child's name on the public pages
    Competition.objects.filter(pk=competition.pk).update(published=False)
    assert client.get("/centre/lv/competitions/robo-2025/").status_code == 404


@pytest.mark.django_db
def test_results_on_a_phone_page_and_scope(signed_in: Callable[[User], Client]) -> None:
    centre, competition = centre_and_competition("mini_sumo")
    school = InstitutionFactory(name="Daugavpils 9. vidusskola")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    other_centre = InstitutionFactory(type="innovation_centre")
    stranger = UserFactory(role=Role.CENTRE_STAFF, institutions=[other_centre])
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school])
    teams = add_teams(competition, "mini_sumo", 3)
    Team.objects.filter(pk=teams[0].pk).update(school=school)
    client = signed_in(staff)
    assert client.get(reverse("competitions:competition_detail", args=[competition.pk])).status_code == 200
    drawn = client.post(
        reverse("competitions:competition_draw", args=[competition.pk, "mini_sumo"]), {"order": "seeded"}
    )
    assert drawn.status_code == 302
    page = reverse("competitions:competition_matches", args=[competition.pk, "mini_sumo"])
    assert client.get(page).status_code == 200
    match = Match.objects.filter(team_b__isnull=False, winner__isnull=True).first()
    assert match is not None
    # Two referees enter the result at the ring, each on their device; it counts when they agree.
    ring = reverse("competitions:competition_ring", args=[competition.pk, "mini_sumo"])
    second = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    for referee in (client, signed_in(second)):
        opened = referee.post(ring, {"match": match.pk})
        assert opened.status_code == 302
        referee.post(opened["Location"], {"action": "enter", "points_a": 2, "points_b": 0})
    match.refresh_from_db()
    assert match.winner_id == match.team_a_id
    for wrong in ("x", "99999999999999999999", ""):
        assert client.post(ring, {"match": wrong}).status_code == 404  # no such match: not a server error
    # Another centre's staff and a school's head cannot enter results or check robots.
    with pytest.raises(PermissionDenied):
        services.match_record(viewer=stranger, match_id=match.pk, expected_version=None, points_a=0, points_b=2)
    assert signed_in(stranger).get(reverse("competitions:competition_detail", args=[competition.pk])).status_code == 404
    head_client = signed_in(head)
    assert head_client.post(ring, {"match": match.pk}).status_code == 404  # not their competition
    listed = head_client.get(reverse("competitions:team_list"))
    assert listed.status_code == 200 and list(listed.context["object_list"]) == [Team.objects.get(pk=teams[0].pk)]


@pytest.mark.django_db
def test_certificates_name_every_member_and_the_winners_places(signed_in: Callable[[User], Client]) -> None:
    centre, competition = centre_and_competition("line_follower")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    a, b = add_teams(competition, "line_follower", 2)
    Team.objects.filter(pk=b.pk).update(members=[{"name": "Ēriks", "age": 14}])
    services.attempt_record(viewer=staff, team_id=a.pk, number=1, time_ms=15_000)
    answer = signed_in(staff).get(reverse("competitions:competition_certificates", args=[competition.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(answer.content))
    assert text.count("DIPLOMS") == 2 and text.count("SERTIFIKĀTS") == 1  # a's two members 1st; b did not finish
    assert "Ēriks" in text and "1. vietu" in text


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "teams.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_teams_file_is_whole_or_nothing_and_idempotent_and_the_figures_count_it(tmp_path: Path) -> None:
    centre, _competition = centre_and_competition("mini_sumo", "line_follower")
    school = InstitutionFactory(name="Daugavpils Valsts ģimnāzija", registration_number="9000000099")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    text = (
        "competition,discipline,team,school,robot,members,coach_email\n"
        "robo-2025,mini_sumo,Zibens,9000000099,Z-1,Anna (12); Pēteris (13),inga@example.lv\n"
        "robo-2025,line_follower,Bites,Krāslavas Varavīksnes vidusskola,B-2,Marta (11),juris@example.lv\n"
        "robo-2025,line_follower,Ūdrs,daugavpils valsts ģimnāzija,U-3,Elza 15;Nikita 16;Līga 14,u@example.lv\n"
    )
    first = TeamImporter(viewer=staff).run(write(tmp_path, text))
    assert first.created == 3 and Team.objects.get(name="Zibens").school == school
    assert Team.objects.get(name="Ūdrs").school == school  # a city school also by its name
    assert TeamImporter(viewer=staff).run(write(tmp_path, text)).unchanged == 3
    bad = text.replace("mini_sumo,Zibens", "lego_sumo,Zibens").replace("Marta (11)", "Marta (3)")
    with pytest.raises(ImportFailed) as failure:
        TeamImporter(viewer=staff).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "discipline"), (3, "members")]
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school])
    with pytest.raises(ImportFailed):
        TeamImporter(viewer=head).run(write(tmp_path, text))
    out = StringIO()
    call_command("innovation_stats", "competitions", "--year", "2025", stdout=out)
    assert json.loads(out.getvalue()) == {"competitions": 1, "teams": 3, "participants": 6, "schools": 2}
    assert selectors.competition_figures(year=2024) == {"competitions": 0, "teams": 0, "participants": 0, "schools": 0}


@pytest.mark.django_db
def test_a_random_draw_uses_every_passed_team_once() -> None:
    _centre, competition = centre_and_competition("lego_sumo")
    teams = add_teams(competition, "lego_sumo", 7)
    lego = Discipline.objects.get(code="lego_sumo")
    services.bracket_draw(
        viewer=WHOLE_CITY, competition_id=competition.pk, discipline_id=lego.pk, random_draw=True, rng=random.Random(3)
    )
    seeds = sorted(Team.objects.filter(pk__in=[t.pk for t in teams]).values_list("seed", flat=True))
    assert seeds == list(range(1, 8))
    first = Match.objects.filter(round=1)
    assert first.count() == 4 and first.filter(team_b__isnull=True, winner__isnull=False).count() == 1  # one bye


def test_members_are_read_in_the_ways_files_write_them() -> None:
    assert rules.parse_members("Anna (12), Pēteris (13)") == [
        {"name": "Anna", "age": 12},
        {"name": "Pēteris", "age": 13},
    ]
    assert rules.parse_members("Anna 12\nPēteris, 13") == [{"name": "Anna", "age": 12}, {"name": "Pēteris", "age": 13}]
    assert rules.parse_members("Anna; Pēteris (13)", require_ages=False) == [
        {"name": "Anna", "age": None},
        {"name": "Pēteris", "age": 13},
    ]
    assert len(rules.parse_members("3", require_ages=False)) == 3  # a file that counts its members only
    for wrong in ("Anna", "Anna (3)", "1; 2; 3; 4; 5; 6; 7", ""):
        with pytest.raises(ValidationError):
            rules.parse_members(wrong)  # the public form asks each member's age
    with pytest.raises(ValidationError):
        rules.parse_members("7", require_ages=False)  # at most 6 members

"""Issue 44, point 4: scoring at the ring. All five disciplines with their rules as data; a score sheet open on one
referee device at a time (a second device is told who holds it); results entered by two referees, accepted when
they agree and shown side by side when they do not; running totals against a plain count of the matches; a
bracket step undone by the head referee with a reason, audited; the public scoreboard in three languages, asked
again cheaply (not modified while nothing changed)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.competitions import rules, selectors, services
from eduboard.competitions.choices import DISCIPLINES
from eduboard.competitions.models import (
    Attempt,
    BracketUndo,
    Competition,
    Discipline,
    Match,
    RefereeEntry,
    ScoreSheet,
    Team,
)
from eduboard.competitions.ring_views import DEVICE_COOKIE
from tests.competitions.test_competitions import add_teams, centre_and_competition
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.both_databases

#: The queries of a scoreboard answered "not modified": the competition (and its disciplines) and the fingerprint's.
NOT_MODIFIED_QUERIES = 7
D1, D2, D3 = "device-one-aaaaaaaaaa", "device-two-bbbbbbbbbb", "device-three-cccccccc"

# --- the rules as plain values


@given(a=st.one_of(st.none(), st.integers(1, 200_000)), b=st.one_of(st.none(), st.integers(1, 200_000)),
       within=st.integers(0, 1000))  # fmt: skip
def test_two_times_agree_within_the_disciplines_margin_and_their_result_is_the_mean(
    a: int | None, b: int | None, within: int
) -> None:
    agree = rules.times_agree(a, b, within_ms=within)
    if a is None or b is None:
        assert agree == (a is None and b is None)
        assert rules.agreed_time(a, b) is None
    else:
        assert agree == (max(a, b) - min(a, b) <= within)
        assert min(a, b) <= rules.agreed_time(a, b) <= max(a, b)  # type: ignore[operator]
        assert rules.agreed_time(a, b) == (a + b) // 2


def test_points_agree_only_when_both_robots_points_are_the_same_and_a_hold_lapses_after_the_quiet_minutes() -> None:
    assert rules.points_agree((2, 1), (2, 1)) and not rules.points_agree((2, 1), (1, 2))
    now = timezone.now()
    assert rules.hold_lapsed(None, now)
    assert not rules.hold_lapsed(now - timedelta(minutes=rules.HOLD_MINUTES), now)
    assert rules.hold_lapsed(now - timedelta(minutes=rules.HOLD_MINUTES, seconds=1), now)


@pytest.mark.django_db
def test_all_five_disciplines_of_the_city_are_data_with_their_rules() -> None:
    centre_and_competition()
    codes = {d.code: d for d in Discipline.objects.all()}
    assert set(codes) >= {"mini_sumo", "lego_sumo", "line_follower", "lego_line_follower", "self_built"}
    for row in DISCIPLINES:
        stored = codes[row["code"]]
        assert {name: getattr(stored, name) for name in row} == row
    assert codes["lego_line_follower"].robot_kind == "lego" and codes["self_built"].robot_kind == "self_built"
    # A discipline's limits and the robots it allows are its own: a robot's check judges by them.
    big = {"mass_g": 1900, "width_mm": 290, "length_mm": 290, "height_mm": None}
    assert rules.robot_problems(codes["self_built"], **big, robot_build="self_built") == []
    assert rules.robot_problems(codes["self_built"], **big, robot_build="lego")  # not self-built
    lego = {"mass_g": 1400, "width_mm": 240, "length_mm": 290, "height_mm": None}
    assert rules.robot_problems(codes["lego_line_follower"], **lego, robot_build="lego") == []
    assert rules.robot_problems(codes["lego_line_follower"], **lego, robot_build="") != []  # not stated
    assert len(rules.robot_problems(codes["mini_sumo"], **big, robot_build="kit")) == 3  # mass, width, length


# --- a world: a centre, its staff as referees, a drawn bracket


def sumo_world(teams: int = 4) -> tuple[Competition, User, User, User]:
    centre, competition = centre_and_competition("mini_sumo")
    first = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre], first_name="Ilze", last_name="Tiesnese")
    second = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre], first_name="Oskars", last_name="Otrais")
    head = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre], first_name="Gints", last_name="Galvenais")
    Competition.objects.filter(pk=competition.pk).update(head_referee=head)
    competition.refresh_from_db()
    add_teams(competition, "mini_sumo", teams)
    discipline = Discipline.objects.get(code="mini_sumo")
    services.bracket_draw(viewer=first, competition_id=competition.pk, discipline_id=discipline.pk)
    return competition, first, second, head


def open_matches(competition: Competition) -> list[Match]:
    return list(
        Match.objects.filter(competition=competition, winner__isnull=True, team_b__isnull=False).order_by(
            "round", "bracket", "number"
        )
    )


def enter(referee: User, sheet: ScoreSheet, device: str, **values: int | None) -> str:
    services.score_sheet_open(viewer=referee, sheet_id=sheet.pk, device=device)
    return services.referee_entry_save(viewer=referee, sheet_id=sheet.pk, device=device, **values)


def fight(competition: Competition, match: Match, first: User, second: User, a: int, b: int) -> str:
    sheet = services.score_sheet_for_match(viewer=first, match_id=match.pk)
    assert enter(first, sheet, D1, points_a=a, points_b=b) == "waiting"
    return enter(second, sheet, D2, points_a=a, points_b=b)


@pytest.mark.django_db
def test_a_sheet_is_open_on_one_device_at_a_time_and_a_second_device_is_told_who_holds_it() -> None:
    competition, first, second, _head = sumo_world()
    match = open_matches(competition)[0]
    sheet = services.score_sheet_for_match(viewer=first, match_id=match.pk)
    services.score_sheet_open(viewer=first, sheet_id=sheet.pk, device=D1)
    with pytest.raises(ValidationError) as refused:
        services.score_sheet_open(viewer=second, sheet_id=sheet.pk, device=D2)
    assert refused.value.code == "held" and "Ilze Tiesnese" in refused.value.messages[0]
    # The same referee's second device is refused too: a sheet is held by a device, not a person.
    with pytest.raises(ValidationError):
        services.score_sheet_open(viewer=first, sheet_id=sheet.pk, device=D3)
    # Entering from a device that does not hold it is refused, and nothing is saved.
    with pytest.raises(ValidationError):
        services.referee_entry_save(viewer=second, sheet_id=sheet.pk, device=D2, points_a=2, points_b=0)
    assert not RefereeEntry.objects.exists()
    # Saving frees the sheet; a device gone quiet for the hold's minutes frees it too.
    services.referee_entry_save(viewer=first, sheet_id=sheet.pk, device=D1, points_a=2, points_b=0)
    services.score_sheet_open(viewer=second, sheet_id=sheet.pk, device=D2)
    ScoreSheet.objects.filter(pk=sheet.pk).update(held_since=timezone.now() - timedelta(minutes=6))
    services.score_sheet_open(viewer=first, sheet_id=sheet.pk, device=D1)
    assert ScoreSheet.objects.get(pk=sheet.pk).device == D1


@pytest.mark.django_db
def test_two_agreeing_referees_decide_a_match_differing_entries_wait_side_by_side_and_a_tie_is_fought_again() -> None:
    competition, first, second, _head = sumo_world()
    one, two = open_matches(competition)[:2]
    assert fight(competition, one, first, second, 2, 1) == "accepted"
    one.refresh_from_db()
    assert (one.points_a, one.points_b, one.winner_id) == (2, 1, one.team_a_id)
    # They differ: nothing is decided, both entries are kept.
    sheet = services.score_sheet_for_match(viewer=first, match_id=two.pk)
    enter(first, sheet, D1, points_a=2, points_b=0)
    assert enter(second, sheet, D2, points_a=0, points_b=2) == "disagree"
    two.refresh_from_db()
    assert two.winner_id is None
    row = next(r for r in selectors.ring_rows(competition, two.discipline) if r.match == two)
    assert row.state == "disagree" and [(e.points_a, e.points_b) for e in row.entries] == [(2, 0), (0, 2)]
    # A third referee cannot break the tie of opinions; a referee correcting theirs can.
    third = UserFactory(role=Role.CENTRE_STAFF, institutions=[competition.centre])
    services.score_sheet_open(viewer=third, sheet_id=sheet.pk, device=D3)
    with pytest.raises(ValidationError):
        services.referee_entry_save(viewer=third, sheet_id=sheet.pk, device=D3, points_a=2, points_b=0)
    services.score_sheet_close(viewer=third, sheet_id=sheet.pk, device=D3)
    assert enter(second, sheet, D2, points_a=2, points_b=0) == "accepted"
    two.refresh_from_db()
    assert two.winner_id == two.team_a_id
    # The same referee entering twice is still one entry.
    later = open_matches(competition)[0]
    sheet = services.score_sheet_for_match(viewer=first, match_id=later.pk)
    enter(first, sheet, D1, points_a=1, points_b=1)
    assert enter(first, sheet, D1, points_a=1, points_b=1) == "waiting"
    # Both see a tie: the bout is kept, the match is fought again on an empty sheet.
    assert enter(second, sheet, D2, points_a=1, points_b=1) == "rematch"
    later.refresh_from_db()
    assert later.rematches == 1 and later.winner_id is None and not RefereeEntry.objects.filter(sheet=sheet).exists()


@pytest.mark.django_db
def test_timed_runs_are_accepted_when_two_times_agree_within_the_disciplines_margin() -> None:
    centre, competition = centre_and_competition("lego_line_follower")
    first, second = (UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]) for _ in range(2))
    team = add_teams(competition, "lego_line_follower", 1)[0]
    sheet = services.score_sheet_for_attempt(viewer=first, team_id=team.pk, number=1)
    enter(first, sheet, D1, time_ms=15_000)
    assert enter(second, sheet, D2, time_ms=15_101) == "disagree"  # 101 ms apart, the margin is 100
    assert not Attempt.objects.exists()
    assert enter(second, sheet, D2, time_ms=15_100) == "accepted"
    assert Attempt.objects.get(team=team, number=1).time_ms == 15_050
    other = services.score_sheet_for_attempt(viewer=first, team_id=team.pk, number=2)
    enter(first, other, D1, time_ms=None)
    assert enter(second, other, D2, time_ms=999_999) == "accepted"  # over the limit: both say it did not finish
    assert Attempt.objects.get(team=team, number=2).time_ms is None
    with pytest.raises(ValidationError):
        services.score_sheet_for_attempt(viewer=first, team_id=team.pk, number=4)  # three attempts


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [3, 17])
def test_running_totals_are_a_plain_count_of_the_decided_matches(seed: int) -> None:
    competition, first, second, _head = sumo_world(teams=5)
    draw = random.Random(seed)
    for _ in range(6):
        waiting = open_matches(competition)
        if not waiting:
            break
        a = draw.choice([0, 1, 2])
        fight(competition, waiting[0], first, second, a, 2 - a if a != 1 else 0)
    discipline = Discipline.objects.get(code="mini_sumo")
    expected: dict[int, list[int]] = {}
    for match in Match.objects.filter(competition=competition):
        for team in (match.team_a_id, match.team_b_id):
            if team is not None:
                expected.setdefault(team, [0, 0, 0, 0])
        if match.team_b_id is None or match.winner_id is None:
            continue
        for team, scored, conceded in ((match.team_a_id, match.points_a, match.points_b),
                                       (match.team_b_id, match.points_b, match.points_a)):  # fmt: skip
            row = expected[team]
            row[0 if match.winner_id == team else 1] += 1
            row[2] += scored
            row[3] += conceded
    totals = {r.team.pk: [r.won, r.lost, r.points_for, r.points_against] for r in selectors.sumo_totals(
        competition, discipline)}  # fmt: skip
    assert totals == expected
    assert all(r.still_in == (r.lost < 2) for r in selectors.sumo_totals(competition, discipline))


@pytest.mark.django_db
def test_the_head_referee_undoes_the_last_step_with_a_reason_and_it_is_audited() -> None:
    competition, first, second, head = sumo_world(teams=4)
    discipline = Discipline.objects.get(code="mini_sumo")
    round_one = open_matches(competition)
    fight(competition, round_one[0], first, second, 2, 0)
    fight(competition, round_one[1], first, second, 0, 2)  # round 1 complete: round 2 is drawn
    assert Match.objects.filter(competition=competition, round=2).exists()
    with pytest.raises(PermissionDenied):
        services.bracket_step_undo(viewer=first, competition_id=competition.pk, discipline_id=discipline.pk,
                                   reason="wrong")  # fmt: skip
    with pytest.raises(ValidationError):
        services.bracket_step_undo(viewer=head, competition_id=competition.pk, discipline_id=discipline.pk,
                                   reason="   ")  # fmt: skip
    undo = services.bracket_step_undo(
        viewer=head, competition_id=competition.pk, discipline_id=discipline.pk, reason="A and B swapped"
    )
    undone = Match.objects.get(pk=round_one[1].pk)
    assert undone.winner_id is None and undone.points_a is None
    assert not Match.objects.filter(competition=competition, round=2).exists()  # the round it completed is gone
    assert undo.undone["points_a"] == 0 and undo.undone["points_b"] == 2 and len(undo.undone["entries"]) == 2
    assert undo.undone["removed_matches"] and undo.undone_by == head and undo.reason == "A and B swapped"
    assert LogEntry.objects.get_for_object(undo).exists()
    assert LogEntry.objects.get_for_object(undone).filter(action=LogEntry.Action.UPDATE).exists()
    # The referees enter it again, and the bracket goes on as before.
    fight(competition, undone, first, second, 2, 0)
    assert Match.objects.filter(competition=competition, round=2).exists()
    # Step by step back: the next undo takes the result entered last.
    again = services.bracket_step_undo(
        viewer=head, competition_id=competition.pk, discipline_id=discipline.pk, reason="the same again"
    )
    assert again.match_id == undone.pk
    services.bracket_step_undo(viewer=head, competition_id=competition.pk, discipline_id=discipline.pk, reason="r1")
    with pytest.raises(ValidationError):
        services.bracket_step_undo(viewer=head, competition_id=competition.pk, discipline_id=discipline.pk,
                                   reason="nothing left")  # fmt: skip
    assert BracketUndo.objects.count() == 3


@pytest.mark.django_db
def test_the_head_referee_takes_back_an_accepted_run_and_it_is_entered_again() -> None:
    centre, competition = centre_and_competition("self_built")
    first, second, head = (UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]) for _ in range(3))
    Competition.objects.filter(pk=competition.pk).update(head_referee=head)
    team = add_teams(competition, "self_built", 1)[0]
    sheet = services.score_sheet_for_attempt(viewer=first, team_id=team.pk, number=1)
    enter(first, sheet, D1, time_ms=20_000)
    enter(second, sheet, D2, time_ms=20_000)
    discipline = Discipline.objects.get(code="self_built")
    assert not [row for row in selectors.ring_rows(competition, discipline) if row.attempt == 1]
    kwargs = {"competition_id": competition.pk, "team_id": team.pk, "number": 1, "reason": "the wrong team ran"}
    with pytest.raises(PermissionDenied):
        services.attempt_undo(viewer=first, **kwargs)
    undo = services.attempt_undo(viewer=head, **kwargs)
    assert undo.team == team and undo.attempt == 1 and undo.undone["time_ms"] == 20_000
    assert len(undo.undone["entries"]) == 2 and not Attempt.objects.exists()
    assert [row.state for row in selectors.ring_rows(competition, discipline) if row.attempt == 1] == ["free"]
    enter(first, sheet, D1, time_ms=21_000)
    assert enter(second, sheet, D2, time_ms=21_040) == "accepted"
    assert Attempt.objects.get(team=team, number=1).time_ms == 21_020
    with pytest.raises(ValidationError):
        services.attempt_undo(viewer=head, **{**kwargs, "number": 2})  # no such run


@pytest.mark.django_db
def test_an_undo_stays_on_record_when_a_later_undo_removes_its_match() -> None:
    competition, first, second, head = sumo_world(teams=4)
    discipline = Discipline.objects.get(code="mini_sumo")
    for match in open_matches(competition)[:2]:
        fight(competition, match, first, second, 2, 0)
    round_two = open_matches(competition)[0]
    assert round_two.round == 2
    fight(competition, round_two, first, second, 0, 2)
    kwargs = {"viewer": head, "competition_id": competition.pk, "discipline_id": discipline.pk}
    services.bracket_step_undo(**kwargs, reason="round two")
    services.bracket_step_undo(**kwargs, reason="round one")  # removes round two, and the match undone first
    assert not Match.objects.filter(pk=round_two.pk).exists()
    kept = BracketUndo.objects.get(reason="round two")
    assert kept.match is None and kept.undone["match"] == str(round_two) and kept.undone["points_b"] == 2
    removed = BracketUndo.objects.get(reason="round one").undone["removed_matches"]
    assert str(round_two) in [row["match"] for row in removed]


@pytest.mark.django_db
def test_another_centres_staff_neither_open_nor_enter_nor_name_a_head_referee_of_this_centre() -> None:
    competition, first, _second, _head = sumo_world()
    stranger = UserFactory(role=Role.CENTRE_STAFF, institutions=[InstitutionFactory(type="innovation_centre")])
    match = open_matches(competition)[0]
    sheet = services.score_sheet_for_match(viewer=first, match_id=match.pk)
    for call in (
        lambda: services.score_sheet_for_match(viewer=stranger, match_id=match.pk),
        lambda: services.score_sheet_open(viewer=stranger, sheet_id=sheet.pk, device=D2),
        lambda: services.referee_entry_save(viewer=stranger, sheet_id=sheet.pk, device=D2, points_a=2, points_b=0),
    ):
        with pytest.raises(PermissionDenied):
            call()
    competition.head_referee = stranger
    with pytest.raises(ValidationError):
        services.competition_save(viewer=first, competition=competition, expected_version=None,
                                  disciplines=competition.disciplines.all())  # fmt: skip


# --- the pages


@pytest.mark.django_db
def test_the_referees_pages_two_devices_side_by_side_and_the_head_referees_undo(
    signed_in: Callable[[User], Client],
) -> None:
    competition, first, second, head = sumo_world()
    ring = reverse("competitions:competition_ring", args=[competition.pk, "mini_sumo"])
    match = open_matches(competition)[0]
    one, two = signed_in(first), signed_in(second)
    page = one.get(ring)
    assert page.status_code == 200 and DEVICE_COOKIE in page.cookies
    opened = one.post(ring, {"match": match.pk})
    sheet = ScoreSheet.objects.get(match=match)
    assert opened.status_code == 302 and opened["Location"] == reverse("competitions:score_sheet", args=[sheet.pk])
    # The second device is told who holds the match, on the ring's page and on the sheet.
    two.get(ring)
    refused = two.post(ring, {"match": match.pk}, follow=True)
    assert "Ilze Tiesnese" in refused.content.decode()
    held = two.get(reverse("competitions:score_sheet", args=[sheet.pk]))
    assert held.status_code == 409 and "Ilze Tiesnese" in held.content.decode()
    # The first enters 2:0, the second 0:2: both shown side by side on the ring page.
    entry = reverse("competitions:score_sheet", args=[sheet.pk])
    assert one.post(entry, {"action": "enter", "points_a": 2, "points_b": 0}).status_code == 302
    # The second referee does not see the first one's entry before making theirs (double entry is blind).
    rows_url = reverse("competitions:competition_ring_rows", args=[competition.pk, "mini_sumo"])
    assert "2:0" not in two.get(rows_url).content.decode()
    two.post(ring, {"match": match.pk})
    two.post(reverse("competitions:score_sheet", args=[sheet.pk]), {"action": "enter", "points_a": 0, "points_b": 2})
    rows = one.get(reverse("competitions:competition_ring_rows", args=[competition.pk, "mini_sumo"])).content.decode()
    assert "2:0" in rows and "0:2" in rows and "Oskars Otrais" in rows
    # Points over the discipline's limit are refused with the field named, nothing saved.
    two.post(ring, {"match": match.pk})
    bad = two.post(reverse("competitions:score_sheet", args=[sheet.pk]), {"action": "enter", "points_a": 7,
                                                                          "points_b": 0})  # fmt: skip
    assert bad.status_code == 400 and RefereeEntry.objects.get(sheet=sheet, referee=second).points_a == 0
    two.post(reverse("competitions:score_sheet", args=[sheet.pk]), {"action": "enter", "points_a": 2, "points_b": 0})
    match.refresh_from_db()
    assert match.winner_id == match.team_a_id
    # Only the head referee sees and may use the undo.
    undo = reverse("competitions:bracket_undo", args=[competition.pk, "mini_sumo"])
    assert f'action="{undo}"' not in one.get(ring).content.decode()
    one.post(undo, {"reason": "mine"})
    assert not BracketUndo.objects.exists()
    head_client = signed_in(head)
    assert f'action="{undo}"' in head_client.get(ring).content.decode()
    head_client.post(undo, {"reason": "the robots were swapped"})
    assert BracketUndo.objects.get().reason == "the robots were swapped"
    assert "the robots were swapped" in one.get(ring).content.decode()


@pytest.mark.django_db
def test_the_ring_page_reads_a_bounded_number_of_queries(signed_in: Callable[[User], Client]) -> None:
    counts = []
    for teams in (4, 12):
        competition, first, second, _head = sumo_world(teams=teams)
        for match in open_matches(competition)[:3]:
            sheet = services.score_sheet_for_match(viewer=first, match_id=match.pk)
            enter(first, sheet, D1, points_a=2, points_b=0)
            enter(second, sheet, D2, points_a=0, points_b=2)
        client = signed_in(first)
        url = reverse("competitions:competition_ring_rows", args=[competition.pk, "mini_sumo"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        Competition.objects.filter(pk=competition.pk).delete()
    assert counts[0] == counts[1]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
def test_the_public_scoreboard_in_three_languages_is_not_modified_until_a_result_changes(lang: str) -> None:
    competition, first, second, _head = sumo_world()
    client = Client()
    url = reverse("centre_competition_live", args=[lang, competition.code])
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Language"] == lang and answer.has_header("ETag")
    assert {"lv": "Mini sumo", "ru": "Мини-сумо", "en": "Mini sumo"}[lang] in answer.content.decode()
    assert "no-cache" in answer["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    assert len(queries) == NOT_MODIFIED_QUERIES  # whatever the number of teams and matches (docs/competitions.md)
    match = open_matches(competition)[0]
    sheet = services.score_sheet_for_match(viewer=first, match_id=match.pk)
    services.score_sheet_open(viewer=first, sheet_id=sheet.pk, device=D1)
    on_ring = client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"])
    assert on_ring.status_code == 200 and match.team_a.name in on_ring.content.decode()
    heading = {"lv": "Tagad uz ringa", "ru": "Сейчас на ринге", "en": "On the ring now"}[lang]
    assert heading in on_ring.content.decode()
    # A hold that lapses takes the match off the board, though nothing was written.
    ScoreSheet.objects.filter(pk=sheet.pk).update(held_since=timezone.now() - timedelta(minutes=6))
    lapsed = client.get(url, HTTP_IF_NONE_MATCH=on_ring["ETag"])
    assert lapsed.status_code == 200 and heading not in lapsed.content.decode()
    # A team renamed shows at once.
    Team.objects.filter(pk=match.team_b_id).update(name="Jaunais vārds", updated_at=timezone.now())
    renamed = client.get(url, HTTP_IF_NONE_MATCH=lapsed["ETag"])
    assert renamed.status_code == 200 and "Jaunais vārds" in renamed.content.decode()
    services.score_sheet_open(viewer=first, sheet_id=sheet.pk, device=D1)
    assert "Ilze" not in on_ring.content.decode()  # the public sees teams, not the referees
    services.referee_entry_save(viewer=first, sheet_id=sheet.pk, device=D1, points_a=2, points_b=0)
    enter(second, sheet, D2, points_a=2, points_b=0)
    decided = client.get(url, HTTP_IF_NONE_MATCH=renamed["ETag"])
    assert decided.status_code == 200 and decided["ETag"] != renamed["ETag"]
    page = client.get(reverse("centre_competition", args=[lang, competition.code])).content.decode()
    assert 'data-live-every="4"' in page

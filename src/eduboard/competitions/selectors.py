"""What the competitions' pages and figures read: a city school by its name, the sumo bracket by round and its
placings, the timed disciplines' ranking, a competition's results and certificates, the year's figures, and at the
ring: the running totals, the score sheets left to enter and where each stands."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from eduboard.centre.selectors import school_key
from eduboard.competitions import brackets
from eduboard.competitions.models import (
    Attempt,
    Bracket,
    Competition,
    Discipline,
    DisciplineFormat,
    Match,
    RefereeEntry,
    RobotCheck,
    ScoreSheet,
    Team,
)
from eduboard.competitions.rules import HOLD_MINUTES, hold_lapsed, seconds_text
from eduboard.registry.models import Institution


def city_school(name_or_number: str) -> Institution | None:
    """The city's school named (or numbered) so; None for a school from elsewhere."""
    text = " ".join(name_or_number.split())
    if text.isdigit():
        return Institution.objects.filter(registration_number=text).first()
    return Institution.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).first()


# --- the sumo bracket


def bracket_order(competition: Competition, discipline: Discipline) -> list[int]:
    """The teams in the order the bracket was drawn: by seed."""
    return list(
        Team.objects.filter(competition=competition, discipline=discipline, seed__isnull=False)
        .order_by("seed")
        .values_list("pk", flat=True)
    )


def bracket_played(competition: Competition, discipline: Discipline) -> list[brackets.Played]:
    """The matches of a discipline's bracket as the bracket's rules read them (drawn, with their winners)."""
    matches = Match.objects.filter(competition=competition, discipline=discipline)
    return [brackets.Played(m.bracket, m.round, m.number, m.team_a_id, m.team_b_id, m.winner_id) for m in matches]


def sumo_placings(competition: Competition, discipline: Discipline) -> list[tuple[int, Team]]:
    """(place, team), best first, once the bracket is complete."""
    played = bracket_played(competition, discipline)
    order = bracket_order(competition, discipline)
    teams = Team.objects.in_bulk(order)
    return [(place, teams[pk]) for place, pk in brackets.placings(order, played)]


def bracket_rounds(competition: Competition, discipline: Discipline) -> dict[str, list[tuple[int, list[Match]]]]:
    """The matches by bracket (W, L, F+R) and round, for the bracket's page."""
    matches = Match.objects.filter(competition=competition, discipline=discipline).select_related(
        "team_a", "team_b", "winner"
    )
    grouped: dict[str, dict[int, list[Match]]] = {
        "W": defaultdict(list),
        "L": defaultdict(list),
        "F": defaultdict(list),
    }
    for match in matches.order_by("round", "number"):
        key = "F" if match.bracket in (Bracket.FINAL, Bracket.RESET) else match.bracket
        grouped[key][match.round].append(match)
    return {key: sorted(rounds.items()) for key, rounds in grouped.items()}


# --- line follower


@dataclass
class Standing:
    place: int | None
    team: Team
    best_ms: int | None
    times: list[int | None]

    @property
    def cells(self) -> list[str]:
        return [seconds_text(ms) for ms in self.times]

    @property
    def best(self) -> str:
        return seconds_text(self.best_ms)


def line_follower_ranking(competition: Competition, discipline: Discipline) -> list[Standing]:
    """The teams by their best time (then the second best, …); a team without a finished run has no place and
    comes last."""
    teams = Team.objects.filter(competition=competition, discipline=discipline).prefetch_related(
        Prefetch("attempts", queryset=Attempt.objects.order_by("number"))
    )
    rows = []
    for team in teams:
        times: list[int | None] = [None] * discipline.attempts
        for attempt in team.attempts.all():
            if 1 <= attempt.number <= discipline.attempts:
                times[attempt.number - 1] = attempt.time_ms
        finished = sorted(t for t in times if t is not None)
        rows.append((finished, team, times))
    rows.sort(key=lambda row: (not row[0], row[0], row[1].name.casefold()))
    standings: list[Standing] = []
    for finished, team, times in rows:
        if not finished:
            standings.append(Standing(None, team, None, times))
            continue
        tied = standings and standings[-1].best_ms is not None and _finished(standings[-1]) == finished
        place = standings[-1].place if tied else len(standings) + 1
        standings.append(Standing(place, team, finished[0], times))
    return standings


def _finished(standing: Standing) -> list[int]:
    return sorted(t for t in standing.times if t is not None)


# --- a competition's results, certificates and figures


def results(competition: Competition) -> list[dict[str, Any]]:
    """Each discipline of the competition with its results: the sumo bracket and places, or the line-follower
    ranking."""
    sections = []
    for discipline in competition.disciplines.all():
        if discipline.format == DisciplineFormat.SUMO:
            sections.append(
                {
                    "discipline": discipline,
                    "sumo": True,
                    "rounds": bracket_rounds(competition, discipline),
                    "placings": sumo_placings(competition, discipline),
                    "teams": Team.objects.filter(competition=competition, discipline=discipline).count(),
                }
            )
        else:
            sections.append(
                {"discipline": discipline, "sumo": False, "ranking": line_follower_ranking(competition, discipline)}
            )
    return sections


def winners(competition: Competition) -> dict[int, int]:
    """team id → place, for the first three places of every discipline."""
    places: dict[int, int] = {}
    for section in results(competition):
        if section["sumo"]:
            places.update({team.pk: place for place, team in section["placings"] if place <= 3})
        else:
            places.update({row.team.pk: row.place for row in section["ranking"] if row.place and row.place <= 3})
    return places


def unfinished_disciplines(competition: Competition) -> list[Discipline]:
    """The disciplines whose results are not final yet: a sumo discipline with two or more checked robots whose
    bracket is not complete (or not drawn); a timed discipline where a checked team has a run not recorded. The
    certificates' credentials wait for final results (a place written into a signed credential is for keeps)."""
    unfinished = []
    for discipline in competition.disciplines.all():
        passed = Team.objects.filter(competition=competition, discipline=discipline, robot_check=RobotCheck.PASSED)
        if discipline.format == DisciplineFormat.SUMO:
            if passed.count() >= 2 and not sumo_placings(competition, discipline):
                unfinished.append(discipline)
            continue
        runs = Attempt.objects.filter(team__in=passed, number__lte=discipline.attempts).count()
        if runs < passed.count() * discipline.attempts:
            unfinished.append(discipline)
    return unfinished


#: Called by the certificates' view as hook(viewer=..., competition=...) -> {(team id, member name): address}: areas
#: that stand on competitions register a link per certificate here (credentials: each certificate's verifiable
#: credential, whose address the certificate's QR code then carries).
CERTIFICATE_LINKS: list[Callable[..., dict[tuple[int, str], str]]] = []


def certificate_pages(competition: Competition) -> list[dict[str, Any]]:
    """One certificate per named member of every team whose robot passed the check (a member only counted has no
    name to write): {team, name, place}, the place (1–3) for a discipline's winners, None for the others."""
    places = winners(competition)
    teams = Team.objects.filter(competition=competition, robot_check=RobotCheck.PASSED).select_related("discipline")
    return [
        {"team": team, "name": member["name"], "place": places.get(team.pk)}
        for team in teams.order_by("discipline", "name")
        for member in team.members or []
        if member.get("name")
    ]


def competition_figures(*, year: int) -> dict[str, int]:
    """`competitions` held in the year; `teams` registered for them; `participants`: the members of those teams;
    `schools`: distinct schools of the teams (a city school by its record, another by its name as written)."""
    competitions = Competition.objects.filter(date__year=year)
    teams = list(Team.objects.filter(competition__in=competitions).values("school_id", "school_name", "members"))
    schools = {
        ("id", row["school_id"]) if row["school_id"] else ("name", school_key(row["school_name"])) for row in teams
    }
    return {
        "competitions": competitions.count(),
        "teams": len(teams),
        "participants": sum(len(row["members"] or []) for row in teams),
        "schools": len(schools),
    }


# --- scoring at the ring


@dataclass
class Totals:
    """A sumo team's running totals: matches won and lost (a bye is neither), Yuko points scored and conceded in
    decided matches, and whether it is still in the bracket (fewer than two losses)."""

    team: Team
    won: int
    lost: int
    points_for: int
    points_against: int

    @property
    def still_in(self) -> bool:
        return self.lost < 2


def sumo_totals(competition: Competition, discipline: Discipline) -> list[Totals]:
    """Every drawn team's running totals, the most wins first (then the fewest losses, the most points)."""
    teams = Team.objects.in_bulk(bracket_order(competition, discipline))
    totals = {pk: Totals(team, 0, 0, 0, 0) for pk, team in teams.items()}
    decided = Match.objects.filter(
        competition=competition, discipline=discipline, winner__isnull=False, team_b__isnull=False
    ).values_list("team_a_id", "team_b_id", "points_a", "points_b", "winner_id")
    for team_a, team_b, points_a, points_b, winner in decided:
        for team, scored, conceded in ((team_a, points_a, points_b), (team_b, points_b, points_a)):
            row = totals.get(team)
            if row is None:
                continue
            row.won += winner == team
            row.lost += winner != team
            row.points_for += scored or 0
            row.points_against += conceded or 0
    return sorted(totals.values(), key=lambda r: (-r.won, r.lost, -r.points_for, r.team.name.casefold()))


@dataclass
class SheetRow:
    """A result to be entered at the ring and where it stands: `state` is "free", "held", "waiting",
    "disagree" or "accepted"; `entries` the referees' entries so far (side by side when they disagree)."""

    label: str
    match: Match | None
    team: Team | None
    attempt: int | None
    sheet: ScoreSheet | None
    entries: list[RefereeEntry]
    state: str


def sheet_state(sheet: ScoreSheet | None, entries: list[RefereeEntry], *, now: datetime) -> str:
    """Where a score sheet stands (one definition for the referee's page and the scoreboard)."""
    if sheet is None:
        return "free"
    if sheet.accepted_at is not None:
        return "accepted"
    if sheet.device and not hold_lapsed(sheet.held_since, now):
        return "held"
    if len(entries) >= 2:
        return "disagree"
    return "waiting" if entries else "free"


def ring_rows(competition: Competition, discipline: Discipline) -> list[SheetRow]:
    """What is left to enter in a discipline: a sumo bracket's undecided matches (not byes), or each checked
    team's attempts of a timed discipline that are not accepted yet, with their sheets and entries."""
    now = timezone.now()
    sheets = ScoreSheet.objects.filter(competition=competition, discipline=discipline).select_related("holder")
    sheets = sheets.prefetch_related(Prefetch("entries", queryset=RefereeEntry.objects.select_related("referee")))
    by_match = {sheet.match_id: sheet for sheet in sheets if sheet.match_id}
    by_attempt = {(sheet.team_id, sheet.attempt): sheet for sheet in sheets if sheet.team_id}
    rows: list[SheetRow] = []
    if discipline.format == DisciplineFormat.SUMO:
        open_matches = Match.objects.filter(
            competition=competition, discipline=discipline, winner__isnull=True, team_b__isnull=False
        ).select_related("team_a", "team_b")
        for match in open_matches.order_by("round", "bracket", "number"):
            sheet = by_match.get(match.pk)
            entries = list(sheet.entries.all()) if sheet else []
            label = f"{match.get_bracket_display()} {match.round}.{match.number}: {match.team_a.name} – "
            label += match.team_b.name if match.team_b else ""
            rows.append(SheetRow(label, match, None, None, sheet, entries, sheet_state(sheet, entries, now=now)))
        return rows
    recorded = set(
        Attempt.objects.filter(team__competition=competition, team__discipline=discipline).values_list(
            "team_id", "number"
        )
    )
    teams = Team.objects.filter(competition=competition, discipline=discipline, robot_check=RobotCheck.PASSED)
    for team in teams.order_by("name"):
        for number in range(1, discipline.attempts + 1):
            sheet = by_attempt.get((team.pk, number))
            if (team.pk, number) in recorded and (sheet is None or sheet.accepted_at is not None):
                continue
            entries = list(sheet.entries.all()) if sheet else []
            label = f"{team.name}, #{number}"
            rows.append(SheetRow(label, None, team, number, sheet, entries, sheet_state(sheet, entries, now=now)))
    return rows


def on_the_ring(competition: Competition) -> list[ScoreSheet]:
    """The score sheets open on a referee's device now (the scoreboard's "on the ring")."""
    since = timezone.now() - timedelta(minutes=HOLD_MINUTES)
    return list(
        ScoreSheet.objects.filter(competition=competition, accepted_at__isnull=True, held_since__gte=since)
        .exclude(device="")
        .select_related("discipline", "match__team_a", "match__team_b", "team")
        .order_by("held_since")
    )


def results_stamp(competition: Competition) -> str:
    """A fingerprint of everything the public results show (the competition, its teams, matches, runs, and the
    sheets on the ring now): it changes when any of them does, so a scoreboard asking again is told "not modified"
    after five light queries."""
    teams = Team.objects.filter(competition=competition).aggregate(n=Count("pk"), last=Max("updated_at"))
    matches = Match.objects.filter(competition=competition).aggregate(n=Count("pk"), last=Max("updated_at"))
    attempts = Attempt.objects.filter(team__competition=competition).aggregate(n=Count("pk"), last=Max("recorded_at"))
    sheets = ScoreSheet.objects.filter(competition=competition).aggregate(
        n=Count("pk"), held=Max("held_since"), accepted=Max("accepted_at"), version=Sum("version")
    )
    on_ring = [sheet.pk for sheet in on_the_ring(competition)]  # a hold lapses with time, not with a write
    parts = [competition.version, *teams.values(), *matches.values(), *attempts.values(), *sheets.values(), on_ring]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def accepted_runs(competition: Competition, discipline: Discipline) -> list[Attempt]:
    """The recorded runs of a timed discipline, for the head referee to take one back."""
    return list(
        Attempt.objects.filter(team__competition=competition, team__discipline=discipline)
        .select_related("team")
        .order_by("team__name", "number")
    )


def referee_choices(competition_centre_id: int | None) -> Any:
    """The users who may be a competition's head referee: the active staff of its centre."""
    users = get_user_model().objects.filter(is_active=True)
    if competition_centre_id is None:
        return users.none()
    return users.filter(institutions=competition_centre_id).order_by("last_name", "first_name", "username")

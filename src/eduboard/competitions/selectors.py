"""What the competitions' pages and figures read: a city school by its name, the sumo bracket by round and its
placings, the line-follower ranking, a competition's results and certificates, and the year's figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q

from eduboard.centre.selectors import school_key
from eduboard.competitions import brackets
from eduboard.competitions.models import (
    Attempt,
    Bracket,
    Competition,
    Discipline,
    DisciplineFormat,
    Match,
    RobotCheck,
    Team,
)
from eduboard.competitions.rules import seconds_text
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

"""Robotics competitions: registering teams, checking robots against their discipline's rules, the sumo bracket
(drawn and advanced by `brackets`), line-follower attempts and their ranking, and the competitions' figures.

Services check the actor's scope (the centre's staff change their centre's competitions; a public registration has
no actor and is accepted only while registration is open); selectors read."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

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
from eduboard.core.text import validate_no_control_characters
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.registry.models import Institution

MAX_MEMBERS = 6
MIN_AGE, MAX_AGE = 5, 25
MEMBER = re.compile(r"^(?P<name>.*?)[\s,]*\(?\s*(?P<age>\d{1,2})\s*\)?$")


# --- teams


def parse_members(text: str, *, require_ages: bool = True) -> list[dict[str, Any]]:
    """Members written "Name (12); Name (13)" (also "Name 12"; separated by ;, | or new lines, or by commas between
    members with ages): [{name, age}]. Without `require_ages` (a file) a member may come without an age, and a
    bare number is that many members not named."""
    text = (text or "").strip()
    if not require_ages and text.isdigit():
        return clean_members([{"name": "", "age": None}] * int(text), require_ages=False)
    members: list[dict[str, Any]] = []
    parts: list[str] = []
    for part in re.split(r"[;\n|]+", text):
        several = len(re.findall(r"\d+", part)) > 1 and "," in part
        parts.extend(part.split(",") if several else [part])
    for part in parts:
        part = " ".join(part.split())
        if not part:
            continue
        found = MEMBER.match(part)
        if found and found["name"]:
            members.append({"name": found["name"].strip(" ,")[:60], "age": int(found["age"])})
        elif not require_ages and not any(ch.isdigit() for ch in part):
            members.append({"name": part.strip(" ,")[:60], "age": None})
        else:
            raise ValidationError(
                _("“%s”: write each member as a first name and an age, e.g. “Anna (12)”.") % part[:60], code="members"
            )
    return clean_members(members, require_ages=require_ages)


def clean_members(members: list[dict[str, Any]], *, require_ages: bool = True) -> list[dict[str, Any]]:
    """1 to 6 members, each a first name and an age from 5 to 25 (in a file the age may be missing)."""
    if not 1 <= len(members) <= MAX_MEMBERS:
        raise ValidationError(_("A team has 1 to %d members.") % MAX_MEMBERS, code="members")
    for member in members:
        validate_no_control_characters(str(member["name"]))
        if member.get("age") is None and not require_ages:
            continue
        if member.get("age") is None or not MIN_AGE <= int(member["age"]) <= MAX_AGE:
            raise ValidationError(
                _("%(name)s: an age from %(low)d to %(high)d.")
                % {"name": member["name"], "low": MIN_AGE, "high": MAX_AGE},
                code="members",
            )
    return [{"name": str(m["name"]).strip(), "age": None if m.get("age") is None else int(m["age"])} for m in members]


def city_school(name_or_number: str) -> Institution | None:
    """The city's school named (or numbered) so; None for a school from elsewhere."""
    text = " ".join(name_or_number.split())
    if text.isdigit():
        return Institution.objects.filter(registration_number=text).first()
    return Institution.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).first()


@atomic_write
def register_team(*, competition: Competition, team: Team, actor: Any = None) -> Team:
    """Register a team for a discipline of the competition: by the public while registration is open (no actor),
    or by the centre's staff at any time before the bracket is drawn."""
    if actor is None:
        if not (competition.registration_open and competition.published):
            raise ValidationError(_("Registration for this competition is closed."), code="closed")
    elif not Competition.objects.editable_by(actor).filter(pk=competition.pk).exists():
        raise PermissionDenied(_("This competition is not in your scope."))
    if not competition.disciplines.filter(pk=team.discipline_id).exists():
        raise ValidationError({"discipline": _("This competition has no such discipline.")})
    if Match.objects.filter(competition=competition, discipline_id=team.discipline_id).exists():
        raise ValidationError(_("The matches of this discipline are drawn already; registration has ended."))
    team.competition = competition
    team.members = clean_members(team.members, require_ages=actor is None)
    if team.school_id is None and team.school_name:
        found = city_school(team.school_name)
        team.school = found
    if team.school_id is not None and not team.school_name:
        team.school_name = Institution.objects.get(pk=team.school_id).name
    save_versioned(team)
    return team


def robot_problems(discipline: Discipline, *, mass_g: int | None, width_mm: int | None, length_mm: int | None,
                   height_mm: int | None) -> list[str]:  # fmt: skip
    """What a robot's measurements break of the discipline's rules (empty: it passes)."""
    problems: list[str] = []
    limits = [
        (mass_g, discipline.max_mass_g, _("mass %(value)d g is over %(limit)d g")),
        (width_mm, discipline.max_width_mm, _("width %(value)d mm is over %(limit)d mm")),
        (length_mm, discipline.max_length_mm, _("length %(value)d mm is over %(limit)d mm")),
        (height_mm, discipline.max_height_mm, _("height %(value)d mm is over %(limit)d mm")),
    ]
    for value, limit, message in limits:
        if limit is not None and value is None:
            problems.append(_("not measured: %s") % message.split(" ")[0])
        elif limit is not None and value is not None and value > limit:
            problems.append(message % {"value": value, "limit": limit})
    return problems


@atomic_write
def check_robot(*, team_id: int, actor: Any, expected_version: int | None, mass_g: int | None,
                width_mm: int | None, length_mm: int | None, height_mm: int | None) -> Team:  # fmt: skip
    """Record a robot's measurements; it passes when they keep the discipline's limits (the problems are noted)."""
    team = Team.objects.editable_by(actor).select_related("discipline").filter(pk=team_id).first()
    if team is None:
        raise PermissionDenied(_("This team is not in your scope."))
    problems = robot_problems(team.discipline, mass_g=mass_g, width_mm=width_mm, length_mm=length_mm,
                              height_mm=height_mm)  # fmt: skip
    team.mass_g, team.width_mm, team.length_mm, team.height_mm = mass_g, width_mm, length_mm, height_mm
    team.robot_check = RobotCheck.FAILED if problems else RobotCheck.PASSED
    team.check_note = "; ".join(problems)[:255]
    save_versioned(team, expected_version=expected_version)
    return team


# --- the sumo bracket


def _played(matches: list[Match]) -> list[brackets.Played]:
    return [brackets.Played(m.bracket, m.round, m.number, m.team_a_id, m.team_b_id, m.winner_id) for m in matches]


def _order(competition: Competition, discipline: Discipline) -> list[int]:
    """The teams in the order the bracket was drawn: by seed."""
    return list(
        Team.objects.filter(competition=competition, discipline=discipline, seed__isnull=False)
        .order_by("seed")
        .values_list("pk", flat=True)
    )


def _create(competition: Competition, discipline: Discipline, bouts: list[brackets.Bout]) -> None:
    now = timezone.now()
    Match.objects.bulk_create(
        Match(
            competition=competition,
            discipline=discipline,
            bracket=bout.bracket,
            round=bout.round,
            number=bout.number,
            team_a_id=bout.a,
            team_b_id=bout.b,
            winner_id=bout.a if bout.b is None else None,  # a bye is won at once
            decided_at=now if bout.b is None else None,
        )
        for bout in bouts
    )


def _advance(competition: Competition, discipline: Discipline) -> None:
    """Draw the next rounds while every match is decided (byes decide themselves)."""
    order = _order(competition, discipline)
    while True:
        matches = list(Match.objects.filter(competition=competition, discipline=discipline))
        bouts = brackets.next_round(order, _played(matches))
        if not bouts:
            return
        _create(competition, discipline, bouts)


@atomic_write
def draw_bracket(*, competition_id: int, discipline_id: int, actor: Any, random_draw: bool = False,
                 rng: random.Random | None = None) -> int:  # fmt: skip
    """Draw the double-elimination bracket of a sumo discipline from the teams whose robots passed the check:
    by their seeds (teams without one after the seeded, by registration), or at random. Returns the number of
    teams. Refused once a match is drawn."""
    competition = Competition.objects.editable_by(actor).select_for_update().filter(pk=competition_id).first()
    if competition is None:
        raise PermissionDenied(_("This competition is not in your scope."))
    discipline = competition.disciplines.filter(pk=discipline_id).first()
    if discipline is None or discipline.format != DisciplineFormat.SUMO:
        raise ValidationError(_("Only a sumo discipline of this competition has a bracket."))
    if Match.objects.filter(competition=competition, discipline=discipline).exists():
        raise ValidationError(_("The bracket is drawn already."), code="drawn")
    teams = list(
        Team.objects.filter(competition=competition, discipline=discipline, robot_check=RobotCheck.PASSED).order_by(
            "seed", "created_at", "pk"
        )
    )
    if len(teams) < 2:
        raise ValidationError(_("A bracket needs at least two teams whose robots passed the check."))
    if random_draw:
        (rng or random.SystemRandom()).shuffle(teams)
    Team.objects.filter(competition=competition, discipline=discipline).update(seed=None)
    for position, team in enumerate(teams, 1):
        team.seed = position
    Team.objects.bulk_update(teams, ["seed"])
    _create(competition, discipline, brackets.first_round([team.pk for team in teams]))
    _advance(competition, discipline)
    return len(teams)


@atomic_write
def record_match(*, match_id: int, actor: Any, expected_version: int | None, points_a: int, points_b: int) -> Match:
    """A sumo match's result in Yuko points. The higher wins (a robot reaching the discipline's points ends the
    match); equal points are a tie: the bout is kept in the match's history and the match is fought again. A result
    may be corrected until the next round is drawn. When the round is complete the next one is drawn."""
    match = (
        Match.objects.editable_by(actor)
        .select_related("competition", "discipline")
        .select_for_update()
        .filter(pk=match_id)
        .first()
    )
    if match is None:
        raise PermissionDenied(_("This match is not in your scope."))
    Competition.objects.select_for_update().filter(pk=match.competition_id).first()  # one result at a time
    if match.team_b_id is None:
        raise ValidationError(_("A bye has no result to enter."))
    limit = match.discipline.points_to_win
    for value in (points_a, points_b):
        if not 0 <= value <= limit:
            raise ValidationError(_("Points are from 0 to %d.") % limit, code="points")
    if points_a == limit and points_b == limit:
        raise ValidationError(_("Only one robot can reach %d points.") % limit, code="points")
    later = Match.objects.filter(
        competition=match.competition, discipline=match.discipline, round__gt=match.round
    ).exists()
    if later:
        raise ValidationError(_("The next round is drawn already; this result can no longer change."), code="late")
    if points_a == points_b:
        match.history = [*match.history, {"a": points_a, "b": points_b, "at": timezone.now().isoformat()}]
        match.rematches += 1
        match.points_a = match.points_b = None
        match.winner = None
        match.decided_at = None
    else:
        match.points_a, match.points_b = points_a, points_b
        match.winner_id = match.team_a_id if points_a > points_b else match.team_b_id
        match.decided_at = timezone.now()
    save_versioned(match, expected_version=expected_version)
    _advance(match.competition, match.discipline)
    return match


def seconds_text(ms: int | None) -> str:
    """A run's time in seconds with a decimal comma (12,345), or – when it did not finish."""
    return "–" if ms is None else f"{ms // 1000},{ms % 1000:03d}"


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


def sumo_placings(competition: Competition, discipline: Discipline) -> list[tuple[int, Team]]:
    """(place, team), best first, once the bracket is complete."""
    matches = list(Match.objects.filter(competition=competition, discipline=discipline))
    order = _order(competition, discipline)
    teams = Team.objects.in_bulk(order)
    return [(place, teams[pk]) for place, pk in brackets.placings(order, _played(matches))]


# --- line follower


@atomic_write
def record_attempt(*, team_id: int, actor: Any, number: int, time_ms: int | None) -> Attempt:
    """A line-follower run of a team whose robot passed the check: its time, or none (did not finish). A run over
    the discipline's time limit did not finish. Entering an attempt again corrects it."""
    team = Team.objects.editable_by(actor).select_related("discipline").filter(pk=team_id).first()
    if team is None:
        raise PermissionDenied(_("This team is not in your scope."))
    discipline = team.discipline
    if discipline.format != DisciplineFormat.LINE_FOLLOWER:
        raise ValidationError(_("Only a line-follower team has timed attempts."))
    if team.robot_check != RobotCheck.PASSED:
        raise ValidationError(_("The robot has not passed the check."), code="check")
    if not 1 <= number <= discipline.attempts:
        raise ValidationError(_("An attempt is numbered from 1 to %d.") % discipline.attempts, code="number")
    if time_ms is not None and time_ms <= 0:
        raise ValidationError(_("A time is above zero."), code="time")
    if time_ms is not None and time_ms > discipline.run_limit_s * 1000:
        time_ms = None  # over the limit: the run did not finish
    attempt, _created = Attempt.objects.update_or_create(
        team=team, number=number, defaults={"time_ms": time_ms, "recorded_at": timezone.now()}
    )
    return attempt


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


# --- what the pages and the figures read


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


@atomic_write
def save_competition(competition: Competition, *, actor: Any, expected_version: int | None, disciplines: Any) -> Any:
    """Add or edit a competition of a centre in the actor's scope."""
    if not Institution.objects.editable_by(actor).filter(pk=competition.centre_id).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    save_versioned(competition, expected_version=expected_version, many={"disciplines": disciplines})
    return competition

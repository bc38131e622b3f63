"""Robotics competitions: registering teams, checking robots against their discipline's rules, the sumo bracket
(drawn and advanced by `brackets`), line-follower attempts. Services check the viewer's scope (the centre's staff
change their centre's competitions; a public registration has no viewer and is accepted only while registration is
open); the pure rules are in `rules`, the reads in `selectors`."""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.competitions import brackets
from eduboard.competitions.models import Attempt, Competition, Discipline, DisciplineFormat, Match, RobotCheck, Team
from eduboard.competitions.rules import clean_members, robot_problems
from eduboard.competitions.selectors import bracket_order, bracket_played, city_school
from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.registry.models import Institution

# --- teams


@atomic_write
def team_register(*, viewer: Viewer | None = None, competition: Competition, team: Team) -> Team:
    """Register a team for a discipline of the competition: by the public while registration is open (no
    viewer), or by the centre's staff at any time before the bracket is drawn."""
    if viewer is None:
        if not (competition.registration_open and competition.published):
            raise ValidationError(_("Registration for this competition is closed."), code="closed")
    elif not Competition.objects.editable_by(viewer).filter(pk=competition.pk).exists():
        raise PermissionDenied(_("This competition is not in your scope."))
    if not competition.disciplines.filter(pk=team.discipline_id).exists():
        raise ValidationError({"discipline": _("This competition has no such discipline.")})
    if Match.objects.filter(competition=competition, discipline_id=team.discipline_id).exists():
        raise ValidationError(_("The matches of this discipline are drawn already; registration has ended."))
    team.competition = competition
    team.members = clean_members(team.members, require_ages=viewer is None)
    if team.school_id is None and team.school_name:
        found = city_school(team.school_name)
        team.school = found
    if team.school_id is not None and not team.school_name:
        team.school_name = Institution.objects.get(pk=team.school_id).name
    save_versioned(team)
    return team


@atomic_write
def robot_check(*, viewer: Viewer, team_id: int, expected_version: int | None, mass_g: int | None,
                width_mm: int | None, length_mm: int | None, height_mm: int | None) -> Team:  # fmt: skip
    """Record a robot's measurements; it passes when they keep the discipline's limits (the problems are noted)."""
    team: Team | None = Team.objects.editable_by(viewer).select_related("discipline").filter(pk=team_id).first()
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
    order = bracket_order(competition, discipline)
    while True:
        bouts = brackets.next_round(order, bracket_played(competition, discipline))
        if not bouts:
            return
        _create(competition, discipline, bouts)


@atomic_write
def bracket_draw(*, viewer: Viewer, competition_id: int, discipline_id: int, random_draw: bool = False,
                 rng: random.Random | None = None) -> int:  # fmt: skip
    """Draw the double-elimination bracket of a sumo discipline from the teams whose robots passed the check:
    by their seeds (teams without one after the seeded, by registration), or at random. Returns the number of
    teams. Refused once a match is drawn."""
    competition = Competition.objects.editable_by(viewer).select_for_update().filter(pk=competition_id).first()
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
def match_record(*, viewer: Viewer, match_id: int, expected_version: int | None, points_a: int, points_b: int) -> Match:
    """A sumo match's result in Yuko points. The higher wins (a robot reaching the discipline's points ends the
    match); equal points are a tie: the bout is kept in the match's history and the match is fought again. A result
    may be corrected until the next round is drawn. When the round is complete the next one is drawn."""
    match: Match | None = (
        Match.objects.editable_by(viewer)
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


# --- line follower


@atomic_write
def attempt_record(*, viewer: Viewer, team_id: int, number: int, time_ms: int | None) -> Attempt:
    """A line-follower run of a team whose robot passed the check: its time, or none (did not finish). A run over
    the discipline's time limit did not finish. Entering an attempt again corrects it."""
    team: Team | None = Team.objects.editable_by(viewer).select_related("discipline").filter(pk=team_id).first()
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


# --- competitions


@atomic_write
def competition_save(
    *, viewer: Viewer, competition: Competition, expected_version: int | None, disciplines: Iterable[Discipline]
) -> Competition:
    """Add or edit a competition of a centre in the viewer's scope."""
    if not Institution.objects.editable_by(viewer).filter(pk=competition.centre_id).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    save_versioned(competition, expected_version=expected_version, many={"disciplines": disciplines})
    return competition

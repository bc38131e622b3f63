"""Robotics competitions: registering teams, checking robots against their discipline's rules, the sumo bracket
(drawn and advanced by `brackets`), timed attempts, and the scoring at the ring: a score sheet held by one referee
device at a time, two referees' entries accepted when they agree, a bracket step undone by the head referee.
Services check the viewer's scope (the centre's staff change their centre's competitions; a public registration has
no viewer and is accepted only while registration is open); the pure rules are in `rules`, the reads in
`selectors`."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.competitions import brackets
from eduboard.competitions.models import (
    Attempt,
    BracketUndo,
    Competition,
    Discipline,
    DisciplineFormat,
    Match,
    RefereeEntry,
    RobotCheck,
    ScoreSheet,
    Team,
)
from eduboard.competitions.rules import (
    agreed_time,
    check_points,
    clean_members,
    hold_lapsed,
    points_agree,
    robot_problems,
    run_time,
    times_agree,
)
from eduboard.competitions.selectors import bracket_order, bracket_played, city_school, referee_choices
from eduboard.core.scope import Viewer
from eduboard.core.text import validate_no_control_characters
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
                width_mm: int | None, length_mm: int | None, height_mm: int | None,
                robot_build: str = "") -> Team:  # fmt: skip
    """Record a robot's measurements and how it is built; it passes when they keep the discipline's rules (the
    problems are noted)."""
    team: Team | None = Team.objects.editable_by(viewer).select_related("discipline").filter(pk=team_id).first()
    if team is None:
        raise PermissionDenied(_("This team is not in your scope."))
    problems = robot_problems(team.discipline, mass_g=mass_g, width_mm=width_mm, length_mm=length_mm,
                              height_mm=height_mm, robot_build=robot_build)  # fmt: skip
    team.mass_g, team.width_mm, team.length_mm, team.height_mm = mass_g, width_mm, length_mm, height_mm
    team.robot_build = robot_build
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
    check_points(points_a, points_b, limit=match.discipline.points_to_win)
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
    time_ms = run_time(time_ms, limit_s=discipline.run_limit_s)
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
    referees = referee_choices(competition.centre_id)
    if competition.head_referee_id is not None and not referees.filter(pk=competition.head_referee_id).exists():
        raise ValidationError({"head_referee": _("The head referee is one of the centre's staff.")})
    save_versioned(competition, expected_version=expected_version, many={"disciplines": disciplines})
    return competition


# --- scoring at the ring


def _referee_id(viewer: Viewer) -> int:
    """The signed-in referee's user id (the ring's entries name a person; work outside a request has none)."""
    pk = getattr(viewer, "pk", None)
    if not isinstance(pk, int) or not getattr(viewer, "is_authenticated", False):
        raise PermissionDenied(_("Results at the ring are entered by a signed-in referee."))
    return pk


def _locked_sheet(viewer: Viewer, sheet_id: int) -> ScoreSheet:
    """The score sheet, its row locked, read whole after the lock is held (a read joined in the locking query could
    miss the holder another transaction just wrote). A sheet gone (its round taken back) says so."""
    locked = ScoreSheet.objects.editable_by(viewer).select_for_update().filter(pk=sheet_id).values_list("pk").first()
    if locked is None:
        if not ScoreSheet.objects.filter(pk=sheet_id).exists():
            raise ValidationError(
                _("This result is no longer to be entered: the head referee took its round back."), code="gone"
            )
        raise PermissionDenied(_("This score sheet is not in your scope."))
    sheet: ScoreSheet = ScoreSheet.objects.select_related("discipline", "match", "team", "holder").get(pk=sheet_id)
    return sheet


def _lock_competition_of_sheet(sheet_id: int) -> None:
    """Lock the sheet's competition first, as the head referee's undo does, so the two never wait on each other
    in opposite orders."""
    competition_id = ScoreSheet.objects.filter(pk=sheet_id).values_list("competition_id", flat=True).first()
    if competition_id is not None:
        Competition.objects.select_for_update().filter(pk=competition_id).values_list("pk").first()


@atomic_write
def score_sheet_for_match(*, viewer: Viewer, match_id: int) -> ScoreSheet:
    """The score sheet of an undecided sumo match (made on first use)."""
    match = Match.objects.editable_by(viewer).filter(pk=match_id).first()
    if match is None:
        raise PermissionDenied(_("This match is not in your scope."))
    if match.team_b_id is None:
        raise ValidationError(_("A bye has no result to enter."))
    sheet, _created = ScoreSheet.objects.get_or_create(
        match=match, defaults={"competition_id": match.competition_id, "discipline_id": match.discipline_id}
    )
    return sheet


@atomic_write
def score_sheet_for_attempt(*, viewer: Viewer, team_id: int, number: int) -> ScoreSheet:
    """The score sheet of a team's attempt in a timed discipline (made on first use)."""
    team = Team.objects.editable_by(viewer).select_related("discipline").filter(pk=team_id).first()
    if team is None:
        raise PermissionDenied(_("This team is not in your scope."))
    if team.discipline.format != DisciplineFormat.LINE_FOLLOWER:
        raise ValidationError(_("Only a team of a timed discipline has attempts."))
    if team.robot_check != RobotCheck.PASSED:
        raise ValidationError(_("The robot has not passed the check."), code="check")
    if not 1 <= number <= team.discipline.attempts:
        raise ValidationError(_("An attempt is numbered from 1 to %d.") % team.discipline.attempts, code="number")
    sheet, _created = ScoreSheet.objects.get_or_create(
        team=team,
        attempt=number,
        defaults={"competition_id": team.competition_id, "discipline_id": team.discipline_id},
    )
    return sheet


def _held_elsewhere(sheet: ScoreSheet, device: str) -> ValidationError:
    holder = sheet.holder.get_full_name() or sheet.holder.get_username() if sheet.holder else _("another referee")
    since = timezone.localtime(sheet.held_since).strftime("%H:%M") if sheet.held_since else ""
    return ValidationError(
        _("%(sheet)s is open on %(holder)s's device since %(since)s; it is free again when they save or close it.")
        % {"sheet": sheet, "holder": holder, "since": since},
        code="held",
    )


@atomic_write
def score_sheet_open(*, viewer: Viewer, sheet_id: int, device: str) -> ScoreSheet:
    """Open a score sheet on this referee's device. One device holds a sheet at a time: while another holds it (and
    has not been quiet for `rules.HOLD_MINUTES`), opening it is refused with who holds it and since when."""
    referee = _referee_id(viewer)
    sheet = _locked_sheet(viewer, sheet_id)
    if sheet.accepted_at is not None:
        raise ValidationError(_("This result is accepted already."), code="accepted")
    now = timezone.now()
    if sheet.device and sheet.device != device and not hold_lapsed(sheet.held_since, now):
        raise _held_elsewhere(sheet, device)
    sheet.holder_id, sheet.device, sheet.held_since = referee, device[:64], now
    save_versioned(sheet)
    return sheet


@atomic_write
def score_sheet_close(*, viewer: Viewer, sheet_id: int, device: str) -> ScoreSheet:
    """Close a score sheet on this device without entering it (another device may open it)."""
    sheet = _locked_sheet(viewer, sheet_id)
    if sheet.device == device:
        sheet.holder, sheet.device, sheet.held_since = None, "", None
        save_versioned(sheet)
    return sheet


def _entry_values(sheet: ScoreSheet, points_a: int | None, points_b: int | None, time_ms: int | None) -> dict[str, Any]:
    """An entry's values checked against the discipline's rules."""
    discipline = sheet.discipline
    if sheet.match_id is not None:
        limit = discipline.points_to_win
        if points_a is None or points_b is None:
            raise ValidationError(_("Enter the points of both robots, from 0 to %d.") % limit, code="points")
        check_points(points_a, points_b, limit=limit)
        return {"points_a": points_a, "points_b": points_b, "time_ms": None}
    return {"points_a": None, "points_b": None, "time_ms": run_time(time_ms, limit_s=discipline.run_limit_s)}


@atomic_write
def referee_entry_save(*, viewer: Viewer, sheet_id: int, device: str, points_a: int | None = None,
                       points_b: int | None = None, time_ms: int | None = None) -> str:  # fmt: skip
    """A referee's entry of a score sheet this device holds. Saving closes the sheet on the device. With the second
    referee's entry the sheet is judged: when the two agree (`rules.points_agree`, `rules.times_agree`) the result
    is recorded as the official one (`match_record`, `attempt_record`) and the sheet is accepted; a tie is fought
    again (the sheet starts empty); when they differ both are kept and shown side by side until a referee corrects
    theirs. Returns "waiting", "accepted", "rematch" or "disagree"."""
    referee = _referee_id(viewer)
    _lock_competition_of_sheet(sheet_id)
    sheet = _locked_sheet(viewer, sheet_id)
    if sheet.accepted_at is not None:
        raise ValidationError(_("This result is accepted already."), code="accepted")
    if sheet.device != device:
        if sheet.device and not hold_lapsed(sheet.held_since, timezone.now()):
            raise _held_elsewhere(sheet, device)
        raise ValidationError(_("Open the sheet on this device before entering it."), code="not_open")
    values = _entry_values(sheet, points_a, points_b, time_ms)
    others = [entry for entry in sheet.entries.all() if entry.referee_id != referee]
    if len(others) >= 2:
        raise ValidationError(_("Two referees have entered this sheet already."), code="full")
    RefereeEntry.objects.update_or_create(
        sheet=sheet, referee_id=referee, defaults={**values, "device": device[:64], "entered_at": timezone.now()}
    )
    sheet.holder, sheet.device, sheet.held_since = None, "", None
    save_versioned(sheet)
    entries = list(sheet.entries.order_by("entered_at", "pk"))
    if len(entries) < 2:
        return "waiting"
    first, second = entries
    if sheet.match_id is not None:
        pair = (first.points_a or 0, first.points_b or 0)
        if not points_agree(pair, (second.points_a or 0, second.points_b or 0)):
            return "disagree"
        match = match_record(
            viewer=viewer, match_id=sheet.match_id, expected_version=None, points_a=pair[0], points_b=pair[1]
        )
        if match.winner_id is None:  # a tie: the match is fought again, on a fresh sheet
            sheet.entries.all().delete()
            return "rematch"
    else:
        if not times_agree(first.time_ms, second.time_ms, within_ms=sheet.discipline.agreement_ms):
            return "disagree"
        assert sheet.team_id is not None and sheet.attempt is not None  # noqa: S101 - the sheet's constraint
        attempt_record(
            viewer=viewer,
            team_id=sheet.team_id,
            number=sheet.attempt,
            time_ms=agreed_time(first.time_ms, second.time_ms),
        )
    sheet.accepted_at = timezone.now()
    save_versioned(sheet)
    return "accepted"


def _sheets_reopen(sheets: Any) -> None:
    """A result taken back: its sheet is open to enter again (not accepted, held by no device)."""
    sheets.update(accepted_at=None, holder=None, device="", held_since=None)


def _head_referee(viewer: Viewer, competition_id: int, reason: str) -> tuple[int, Competition, str]:
    """The head referee's id, their competition locked, and the reason of a result taken back (required)."""
    referee = _referee_id(viewer)
    competition = Competition.objects.editable_by(viewer).select_for_update().filter(pk=competition_id).first()
    if competition is None:
        raise PermissionDenied(_("This competition is not in your scope."))
    if competition.head_referee_id != referee:
        raise PermissionDenied(_("Only the competition's head referee takes a result back."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Write why the result is taken back.")})
    validate_no_control_characters(reason)
    return referee, competition, reason[:500]


@atomic_write
def bracket_step_undo(*, viewer: Viewer, competition_id: int, discipline_id: int, reason: str) -> BracketUndo:
    """Undo the last step of a sumo bracket: the result decided last (a bye decides itself and is not a step) is
    taken back, the matches its round's completion drew are removed, and the referees enter the match again. Only
    the competition's head referee may, with a reason; the undo is kept (`BracketUndo`) with what it took back."""
    referee, competition, reason = _head_referee(viewer, competition_id, reason)
    matches = Match.objects.filter(competition=competition, discipline_id=discipline_id)
    last = (
        matches.filter(winner__isnull=False, team_b__isnull=False)
        .select_for_update()
        .order_by("-decided_at", "-pk")
        .first()
    )
    if last is None:
        raise ValidationError(_("No result of this bracket to undo."), code="nothing")
    later = matches.filter(round__gt=last.round)
    if later.filter(winner__isnull=False, team_b__isnull=False).exists():
        raise ValidationError(_("A later result stands; undo it first."), code="order")
    removed = []
    for match in later.order_by("round", "bracket", "number").prefetch_related("sheets__entries"):
        pending = [[e.referee_id, e.points_a, e.points_b] for sheet in match.sheets.all() for e in sheet.entries.all()]
        removed.append({"match": str(match), "entries": pending})
    entries = [
        {"referee": entry.referee_id, "points_a": entry.points_a, "points_b": entry.points_b}
        for entry in RefereeEntry.objects.filter(sheet__match=last).order_by("pk")
    ]
    undone = {
        "match": str(last),
        "points_a": last.points_a,
        "points_b": last.points_b,
        "winner": last.winner_id,
        "decided_at": last.decided_at.isoformat() if last.decided_at else None,
        "entries": entries,
        "removed_matches": removed,
    }
    later.delete()
    last.points_a = last.points_b = None
    last.winner = None
    last.decided_at = None
    save_versioned(last)
    RefereeEntry.objects.filter(sheet__match=last).delete()
    _sheets_reopen(ScoreSheet.objects.filter(match=last))
    return BracketUndo.objects.create(
        competition=competition, discipline_id=discipline_id, match=last, reason=reason, undone_by_id=referee,
        undone=undone,
    )  # fmt: skip


@atomic_write
def attempt_undo(*, viewer: Viewer, competition_id: int, team_id: int, number: int, reason: str) -> BracketUndo:
    """Take back an accepted run of a timed discipline: the run's time and both referees' entries are cleared and
    the run is entered again at the ring. Only the competition's head referee may, with a reason; kept like a
    bracket step undone."""
    referee, competition, reason = _head_referee(viewer, competition_id, reason)
    team = Team.objects.filter(pk=team_id, competition=competition).first()
    attempt = Attempt.objects.filter(team=team, number=number).first() if team else None
    if team is None or attempt is None:
        raise ValidationError(_("This team has no such run to take back."), code="nothing")
    entries = [
        {"referee": entry.referee_id, "time_ms": entry.time_ms}
        for entry in RefereeEntry.objects.filter(sheet__team=team, sheet__attempt=number).order_by("pk")
    ]
    undone = {"match": f"{team.name} #{number}", "time_ms": attempt.time_ms, "entries": entries}
    attempt.delete()
    RefereeEntry.objects.filter(sheet__team=team, sheet__attempt=number).delete()
    _sheets_reopen(ScoreSheet.objects.filter(team=team, attempt=number))
    return BracketUndo.objects.create(
        competition=competition, discipline_id=team.discipline_id, team=team, attempt=number, reason=reason,
        undone_by_id=referee, undone=undone,
    )  # fmt: skip

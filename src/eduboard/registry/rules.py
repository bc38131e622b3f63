"""The registry's rules about a learner's age and the end of a programme, in one place: pure functions of values
(no database), so the selectors, the services, the importers and a property test judge alike.

The rules of "on a day" over rows (an enrolment holding on a day, an institution active on a day, the board's own
institutions) are queryset methods in `registry.models`; docs/figures.md says each in words.

A programme's own rule (`programme_interest_check`) is here too, an enrolment's leaving fields
(`enrolment_leaving_check`), the preschool queue's order (`queue_order_key`) and who may be offered a place
(`queue_lines`), and the checks of a group's save
(`group_check`) with their extension point (`GROUP_CHECKS`): the rules of a group that rest on another area's data
are that area's, registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.latvian import fold
from eduboard.core.periods import Period
from eduboard.registry.choices import LeavingReason, ProgrammeLevel, QueueStatus

#: An institution works from its opening day (none: always) until its closing day, the first day it no longer does.
INSTITUTION_PERIOD = Period("opened_on", "closed_on", end_is_last_day=False, start_may_be_empty=True)
#: An enrolment holds from its first day until `left_on`, the first day the learner is no longer in the group.
ENROLMENT_PERIOD = Period("enrolled_on", "left_on", end_is_last_day=False)
#: A programme licence is in force from its issue day (none: always) to its last valid day.
LICENCE_PERIOD = Period("issued_on", "valid_until", end_is_last_day=True, start_may_be_empty=True)

if TYPE_CHECKING:
    from eduboard.registry.models import Enrolment, Group, Programme, QueueEntry

#: A child goes to school in the calendar year they turn 7 (Latvian Education Law, art. 11.1 and 17).
SCHOOL_AGE = 7
#: The last grade of a programme level with grades: 9 for basic, 12 for secondary education.
LAST_GRADE = {ProgrammeLevel.BASIC.value: 9, ProgrammeLevel.SECONDARY.value: 12}
#: Leaving from the last grade between these days (1 June – 15 September) is finishing the programme.
COMPLETION_SEASON = ((6, 1), (9, 15))
#: An enrolment elsewhere that begins within this many days of leaving makes the leaving a transfer.
TRANSFER_WINDOW = timedelta(days=30)
#: Reasons that leave a learner with no known next place: the risk rule `left_without_destination` counts them.
WITHOUT_DESTINATION = frozenset({LeavingReason.DROPPED_OUT.value, LeavingReason.UNKNOWN.value})
#: The rank of "no priority ground" in the preschool queue: after every ground.
NO_GROUND_RANK = 10_000


def age_on(birth_date: date, day: date) -> int:
    """A learner's age on `day`: full years since the birth date."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_of_school_age(birth_date: date, day: date) -> bool:
    """Whether a child is of school age in the calendar year of `day`: turns 7 that year or is older."""
    return day.year - birth_date.year >= SCHOOL_AGE


def in_last_preschool_year(birth_date: date, school_year_start: date) -> bool:
    """Whether a preschool child is in the last (preparatory) preschool year of the school year starting on
    `school_year_start`: the child turns 7, school age, in the calendar year that school year ends."""
    return school_year_start.year + 1 - birth_date.year == SCHOOL_AGE


#: The usual ages of a preschool child on a day, in full years (a child may start at 1½ and stay until school).
PRESCHOOL_AGES = (1, SCHOOL_AGE)


def age_outside_grade_by(
    *, level: str, grade: int | None, birth_date: date, school_year_start: date, day: date
) -> tuple[int, int, str]:
    """How many years a learner is outside the usual age of their group, with the age compared and the usual age
    as text: (years outside, age, usual).

    In general education grade g is usual for a pupil who turns g + 6 in the calendar year its school year starts
    (grade 1 at school age: turning 7 that year); the age compared is the one reached that year. In a preschool
    group the usual age on `day` is 1 to 7 full years (`PRESCHOOL_AGES`). Other levels, and a general-education
    group with no grade, have no usual age: 0 years outside."""
    if level == ProgrammeLevel.PRESCHOOL:
        age = age_on(birth_date, day)
        low, high = PRESCHOOL_AGES
        return max(low - age, age - high, 0), age, f"{low}–{high}"
    if level in LAST_GRADE and grade is not None:
        age = school_year_start.year - birth_date.year
        usual = grade + SCHOOL_AGE - 1
        return abs(age - usual), age, str(usual)
    return 0, age_on(birth_date, day), ""


def look_alike_key(first_name: str, last_name: str, birth_date: date) -> tuple[str, str, date]:
    """What makes two learner records look like one child: the first and last names folded (case and Latvian letters
    ignored: "Jānis Bērziņš" is "JANIS BERZINS") and the birth date. Two records with the same key and different
    personal codes are a duplicate candidate (`checks.duplicate_learner`, the learners import's warning)."""
    return fold(first_name), fold(last_name), birth_date


def in_completion_season(day: date) -> bool:
    """Whether `day` falls between 1 June and 15 September (both included), when learners finish programmes."""
    (first_month, first_day), (last_month, last_day) = COMPLETION_SEASON
    return (first_month, first_day) <= (day.month, day.day) <= (last_month, last_day)


def is_last_grade(*, level: str, grade: int | None, last_vocational_grade: int | None) -> bool:
    """Whether a group's grade is the last of its programme: 9 in basic, 12 in secondary education, the highest
    year (course) of a vocational programme (`last_vocational_grade`, the highest grade its groups have)."""
    if grade is None:
        return False
    if level == ProgrammeLevel.VOCATIONAL:
        return last_vocational_grade is not None and grade >= last_vocational_grade
    return LAST_GRADE.get(level) == grade


def inferred_leaving_reason(
    *,
    left_on: date,
    level: str,
    grade: int | None,
    birth_date: date,
    last_vocational_grade: int | None,
    starts_elsewhere: Sequence[date],
    starts_here: Sequence[date] = (),
) -> str:
    """The reason a learner left when none was given: `transferred` when an enrolment in a formal programme of
    another institution begins within 30 days of the leaving day (before or after it); else `completed` when the
    learner left between 1 June and 15 September from the last grade of the programme (a preschool leaver of school
    age, grade 9 of basic, 12 of secondary, the last year of a vocational programme); else `unknown`.
    `starts_elsewhere`: the first days of the learner's enrolments in formal programmes of other institutions.

    Moving to another group of the same institution (the next grade, another class) is not leaving it: when an
    enrolment in a formal programme of the same institution begins on or after the first day of this one and within
    30 days of its end (`starts_here`, the first days of the learner's other enrolments there), there is no reason
    (an empty one)."""
    if any(abs(start - left_on) <= TRANSFER_WINDOW for start in starts_here):
        return ""
    if any(abs(start - left_on) <= TRANSFER_WINDOW for start in starts_elsewhere):
        return LeavingReason.TRANSFERRED.value
    if in_completion_season(left_on):
        if level == ProgrammeLevel.PRESCHOOL and is_of_school_age(birth_date, left_on):
            return LeavingReason.COMPLETED.value
        if is_last_grade(level=level, grade=grade, last_vocational_grade=last_vocational_grade):
            return LeavingReason.COMPLETED.value
    return LeavingReason.UNKNOWN.value


def programme_interest_check(programme: Programme) -> None:
    """The STEM flag and the field belong to interest-education programmes only."""
    if programme.level != ProgrammeLevel.INTEREST and (programme.stem or programme.field):
        raise ValidationError(
            {"field": _("The STEM flag and the field are for interest-education programmes only.")}, code="rule"
        )


#: A check of a group about to be saved: its refusals, field -> message (empty: none).
GroupCheck = Callable[["Group"], dict[str, str]]

#: The checks of other areas that every save of a group runs (`services.group_save`, which the API's group edits
#: call): the registry stands below them and never imports them, so an area whose rule of a group rests on its own
#: data registers that rule here from its `AppConfig.ready()` with `group_check_register` (interest education: a
#: group's leader is employed at the group's institution during its school year). `group_check` runs them
#: in the order registered, before the registry's own rule (a group's club is one of its institution's), and
#: refuses their messages together in one `ValidationError` (code `rule`), each under its field's key.
GROUP_CHECKS: list[GroupCheck] = []


def group_check_register(check: GroupCheck) -> None:
    """Add `check` to the checks every group save runs (`GROUP_CHECKS`); registering it again changes nothing."""
    if check not in GROUP_CHECKS:
        GROUP_CHECKS.append(check)


def group_check(group: Group) -> None:
    """A group's rules before it is saved: the checks other areas registered (`GROUP_CHECKS`: interest
    education's, a group's leader is employed at the group's institution during its school year), then the
    registry's own: a group's club is one of the group's institution's. Every refusal in one `ValidationError`."""
    errors: dict[str, str] = {}
    for check in GROUP_CHECKS:
        errors.update(check(group))
    club = group.club if group.club_id is not None else None
    if club is not None and club.institution_id != group.institution_id:
        errors["club"] = _("The club must be one of %(institution)s's clubs.") % {"institution": group.institution}
    if errors:
        raise ValidationError(errors, code="rule")


def enrolment_leaving_check(enrolment: Enrolment) -> None:
    """The leaving's fields agree: a reason (given) only with a leaving day; no leaving day, no reason."""
    if enrolment.left_on is None:
        if enrolment.leaving_reason and not enrolment.leaving_reason_inferred:
            raise ValidationError(
                {
                    "leaving_reason": ValidationError(
                        _("A reason for leaving is given only with the day of leaving (left_on)."),
                        code="reason_without_leaving",
                    )
                }
            )
        enrolment.leaving_reason, enrolment.leaving_reason_inferred = "", False
    elif enrolment.leaving_reason and enrolment.leaving_reason not in LeavingReason.values:
        raise ValidationError(
            {
                "leaving_reason": ValidationError(
                    _("Unknown reason for leaving; use one of: %s") % ", ".join(LeavingReason.values),
                    code="invalid_choice",
                )
            }
        )


# --- the preschool queue's order


def queue_order_key(entry: QueueEntry) -> tuple[int, int, int, date, int]:
    """Sort key of the preschool queue: children of an older birth-year cohort first; within a cohort, children
    declared in the city before others; then the highest priority ground (lowest rank; no ground comes last); then
    the earlier registration date. Needs child, municipality and grounds loaded."""
    municipality = entry.child.declared_municipality
    declared_here = 0 if municipality is not None and municipality.is_home else 1
    ranks = [ground.rank for ground in entry.grounds.all()]
    return (
        entry.child.birth_date.year,
        declared_here,
        min(ranks, default=NO_GROUND_RANK),
        entry.registered_on,
        entry.pk,
    )


def queue_lines(
    ordered: Iterable[QueueEntry], institution_ids: Collection[int] | None = None
) -> dict[tuple[int, int], list[QueueEntry]]:
    """Who may be offered a place: the waiting children in queue order (`queue_order_key`) stand in lines, one
    per institution they chose (first or second) and birth year, keyed `(institution id, birth year)`. A place in
    an institution's preschool group is offered only to the first child of their line there; the children behind
    them wait until that child is offered a place or leaves the queue, whatever school year that child wants to
    start in. `ordered` must be in queue order; entries that are not waiting stand in no line; `institution_ids`
    keeps only those institutions' lines (None: all). Needs the child loaded."""
    lines: dict[tuple[int, int], list[QueueEntry]] = {}
    for entry in ordered:
        if entry.status != QueueStatus.WAITING:
            continue
        for choice in (entry.first_choice_id, entry.second_choice_id):
            if choice is None or (institution_ids is not None and choice not in institution_ids):
                continue
            lines.setdefault((choice, entry.child.birth_date.year), []).append(entry)
    return lines

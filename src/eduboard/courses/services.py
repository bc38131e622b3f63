"""Courses for teachers (pedagogu profesionālās kompetences pilnveides kursi): the course and its sessions, teachers'
registration (a city teacher by their staff record, another by name and school), attendance per session, and the
certificates for those who attended at least the course's required share, whose hours go to a city teacher's
training records in the people area.

Services check the actor's scope (the centre's staff change their centre's courses; the board all); the training
record of a city teacher is written by `issue_certificates` on the centre's behalf (the centre's staff do not
otherwise edit people records). Selectors read."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.numbers import percent
from eduboard.core.text import validate_no_control_characters
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.courses.models import Attendance, Course, CourseSession, Participant
from eduboard.people.models import Employment, StaffMember, TrainingAppliesTo, TrainingRecord, TrainingRequirement
from eduboard.registry.models import Institution

#: The requirement a certificate is recorded under when the course names none.
STANDARD_REQUIREMENT = "Profesionālās kompetences pilnveide"
STANDARD_REQUIREMENT_HOURS = 36
STANDARD_REQUIREMENT_RENEWAL_MONTHS = 36
#: Certificate numbers: IC-<year of the course's last day>-<sequence of that year over every course, 4 digits>.
NUMBER_PREFIX = "IC"
NUMBER = re.compile(r"^IC-(\d{4})-(\d+)$")
#: How often a number taken by a concurrent issue is tried again with the next one.
NUMBER_ATTEMPTS = 5


def hours_lv(hours: int) -> str:
    """“N stunda” / “N stundas”: Latvian takes the singular after 1, 21, 31, … (not 11, 111, …)."""
    word = "stunda" if hours % 10 == 1 and hours % 100 != 11 else "stundas"
    return f"{hours} {word}"


def clean_text(value: str, *, field: str) -> str:
    """Text from a person or a file: spacing normalised, control characters refused (naming the field)."""
    try:
        validate_no_control_characters(value or "")
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return " ".join((value or "").split())


def _refuse_outside(actor: Any, centre_id: int | None) -> None:
    if centre_id is None or not Institution.objects.editable_by(actor).filter(pk=centre_id).exists():
        raise PermissionDenied(_("This course is not in your scope."))


def _editable_course(actor: Any, course_id: int, *, lock: bool = False) -> Course:
    rows = Course.objects.editable_by(actor)
    found = (rows.select_for_update() if lock else rows).filter(pk=course_id).first()
    if found is None:
        raise PermissionDenied(_("This course is not in your scope."))
    return found


# --- the course and its sessions


@atomic_write
def save_course(course: Course, *, actor: Any, expected_version: int | None) -> Course:
    """Add or edit a course of a centre in the actor's scope (versioned). Its dates must still hold every session
    and its places every participant registered."""
    if not actor.has_perm("courses.change_course" if course.pk else "courses.add_course"):
        raise PermissionDenied(_("Your role does not manage courses."))
    _refuse_outside(actor, course.centre_id)
    course.title = clean_text(course.title, field="title")
    course.lecturer = clean_text(course.lecturer, field="lecturer")
    if course.pk:
        _editable_course(actor, course.pk)
        sessions = CourseSession.objects.filter(course_id=course.pk)
        if (
            course.starts_on is not None
            and course.ends_on is not None
            and sessions.filter(Q(date__lt=course.starts_on) | Q(date__gt=course.ends_on)).exists()
        ):
            raise ValidationError(
                {"starts_on": _("A session of the course falls outside these dates; move or delete it first.")}
            )
        registered = Participant.objects.filter(course_id=course.pk).count()
        if course.places is not None and course.places < registered:
            raise ValidationError(
                {"places": _("%d teachers are registered already; the places cannot be fewer.") % registered}
            )
    save_versioned(course, expected_version=expected_version)
    return course


@atomic_write
def save_session(session: CourseSession, *, actor: Any, expected_version: int | None = None) -> CourseSession:
    """Add or edit a session of a course of the actor's centre; its date lies within the course's dates and is
    not another session's."""
    if not actor.has_perm("courses.change_course"):
        raise PermissionDenied(_("Your role does not manage courses."))
    course = _editable_course(actor, session.course_id)
    if session.pk and not CourseSession.objects.filter(pk=session.pk, course_id=course.pk).exists():
        raise PermissionDenied(_("This session is not of this course."))
    session.topic = clean_text(session.topic, field="topic")
    if session.date is not None and not course.starts_on <= session.date <= course.ends_on:
        raise ValidationError(
            {
                "date": _("A session is held within the course's dates, %(start)s to %(end)s.")
                % {"start": f"{course.starts_on:%d.%m.%Y.}", "end": f"{course.ends_on:%d.%m.%Y.}"}
            }
        )
    if CourseSession.objects.filter(course_id=course.pk, date=session.date).exclude(pk=session.pk).exists():
        raise ValidationError({"date": _("The course has a session on this day already.")})
    save_versioned(session, expected_version=expected_version)
    return session


# --- registration


def working_place(staff_member: StaffMember, *, on: date | None = None) -> Institution | None:
    """The institution a staff member works in on `on` (today): the largest rate among those that hold then,
    else their latest employment's."""
    on = on or timezone.localdate()
    rows = Employment.objects.filter(staff_member=staff_member).select_related("institution")
    active = rows.active_on(on).order_by("-fte", "pk").first()
    if active is not None:
        return active.institution
    latest = rows.order_by("-start_date", "-pk").first()
    return latest.institution if latest is not None else None


@dataclass(frozen=True)
class Person:
    """Who is registered: a city teacher by their record, or anyone by name and school."""

    staff_member: StaffMember | None
    name: str
    school: Institution | None
    school_name: str


def person_for(
    *, staff_member: StaffMember | None, name: str = "", school: Institution | None = None, school_name: str = ""
) -> Person:
    """The participant's name and school: a city teacher's from their record (school: their active employment's
    institution), another's as given (a city school chosen by its record, another named in text)."""
    if staff_member is not None:
        place = working_place(staff_member)
        return Person(
            staff_member, f"{staff_member.first_name} {staff_member.last_name}", place, place.name if place else ""
        )
    name = clean_text(name, field="name")
    school_name = clean_text(school_name, field="school_name")
    if not name:
        raise ValidationError({"name": _("Give the teacher's name, or choose a city teacher by their record.")})
    if school is not None:
        school_name = school.name
    if not school_name:
        raise ValidationError({"school_name": _("Give the teacher's school: choose a city school or write its name.")})
    return Person(None, name[:160], school, school_name[:200])


def _already_registered(course: Course, person: Person) -> bool:
    rows = Participant.objects.filter(course=course)
    if person.staff_member is not None:
        return rows.filter(staff_member=person.staff_member).exists()
    # Compared in Python: SQLite's case-insensitive match folds ASCII letters only (“Ā” and “ā” would differ).
    wanted = (_folded(person.name), _folded(person.school_name))
    named = rows.filter(staff_member__isnull=True).values_list("name", "school_name")
    return any((_folded(name), _folded(school)) == wanted for name, school in named)


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


@atomic_write
def register(
    course: Course,
    actor: Any,
    staff_member: StaffMember | None = None,
    name: str = "",
    school: Institution | None = None,
    school_name: str = "",
    email: str = "",
) -> Participant:
    """Register a teacher for a course of the actor's centre: a city teacher by their staff record (name and
    school filled from it), another by name and school. Refused (code `full`) when every place is taken, also
    when others take the last one at the same moment (the course row is locked while counting)."""
    if not actor.has_perm("courses.add_participant"):
        raise PermissionDenied(_("Your role does not register teachers for courses."))
    locked = _editable_course(actor, course.pk, lock=True)
    person = person_for(staff_member=staff_member, name=name, school=school, school_name=school_name)
    if _already_registered(locked, person):
        raise ValidationError(_("%s is registered for this course already.") % person.name, code="duplicate")
    if Participant.objects.filter(course=locked).count() >= locked.places:
        raise ValidationError(
            _("All %d places of the course are taken; nobody more can be registered.") % locked.places, code="full"
        )
    participant = Participant(
        course=locked,
        staff_member=person.staff_member,
        name=person.name,
        school=person.school,
        school_name=person.school_name,
        email=(email or "").strip(),
    )
    participant.full_clean()
    participant.save()
    return participant


# --- attendance


@atomic_write
def record_attendance(session: CourseSession, marks: dict[int, bool], actor: Any) -> int:
    """Save who was present at one session (participant id → present); as `record_attendance_grid`."""
    return record_attendance_grid(session.course, {session.pk: marks}, actor)


@atomic_write
def record_attendance_grid(course: Course, marks: dict[int, dict[int, bool]], actor: Any) -> int:
    """The attendance of a course saved at once (session id → participant id → present), all or nothing, in a
    fixed number of queries however many sessions: every session and participant must be of the course, and the
    course of the actor's centre. Returns how many marks changed."""
    if not actor.has_perm("courses.change_attendance"):
        raise PermissionDenied(_("Your role does not record attendance."))
    sessions = set(CourseSession.objects.editable_by(actor).filter(course_id=course.pk).values_list("pk", flat=True))
    if not sessions or set(marks) - sessions:
        raise PermissionDenied(_("This session is not in your scope."))
    ids = {int(pk) for row in marks.values() for pk in row}
    known = set(Participant.objects.filter(course_id=course.pk, pk__in=ids).values_list("pk", flat=True))
    if ids - known:
        raise ValidationError(_("Someone marked is not registered for this course."), code="foreign")
    stored = {
        (row.session_id, row.participant_id): row
        for row in Attendance.objects.filter(session_id__in=list(marks), participant_id__in=ids)
    }
    changed: list[Attendance] = []
    created: list[Attendance] = []
    for session_id, row_marks in marks.items():
        for pk, present in row_marks.items():
            row = stored.get((session_id, int(pk)))
            if row is None:
                created.append(Attendance(session_id=session_id, participant_id=int(pk), present=bool(present)))
            elif row.present != bool(present):
                row.present = bool(present)
                changed.append(row)
    Attendance.objects.bulk_create(created)
    Attendance.objects.bulk_update(changed, ["present"])
    return len(created) + len(changed)


def _attended_hours(course_id: int) -> tuple[int, dict[int, int]]:
    """The course's session hours in all, and the hours each participant was present (two queries)."""
    total = CourseSession.objects.filter(course_id=course_id).aggregate(total=Sum("hours"))["total"] or 0
    attended = dict(
        Attendance.objects.filter(session__course_id=course_id, present=True)
        .order_by()
        .values_list("participant_id")
        .annotate(hours=Sum("session__hours"))
    )
    return int(total), {pk: int(hours) for pk, hours in attended.items()}


def attendance_share(participant: Participant) -> Decimal | None:
    """The share of the course's session hours the participant was present at, in percent (2 decimals, half up);
    None while the course has no sessions."""
    total, attended = _attended_hours(participant.course_id)
    return percent(attended.get(participant.pk, 0), total)


def attendance_shares(course: Course) -> dict[int, Decimal | None]:
    """`attendance_share` of every participant of the course, in two queries."""
    total, attended = _attended_hours(course.pk)
    return {pk: percent(attended.get(pk, 0), total) for pk in course.participants.values_list("pk", flat=True)}


def qualifies(attended_hours: int, total_hours: int, required_percent: int) -> bool:
    """Whether attendance reaches the required share, exactly (in whole numbers: no rounding at the boundary)."""
    return total_hours > 0 and attended_hours * 100 >= required_percent * total_hours


# --- certificates


def standard_requirement() -> TrainingRequirement:
    """The requirement certificates count toward when the course names none (made when missing)."""
    found = TrainingRequirement.objects.filter(name=STANDARD_REQUIREMENT).order_by("pk").first()
    if found is not None:
        return found
    return TrainingRequirement.objects.create(
        name=STANDARD_REQUIREMENT,
        hours=STANDARD_REQUIREMENT_HOURS,
        renewal_months=STANDARD_REQUIREMENT_RENEWAL_MONTHS,
        applies_to=TrainingAppliesTo.PEDAGOGICAL,
    )


def _last_number(year: int) -> int:
    numbers = Participant.objects.filter(certificate_number__startswith=f"{NUMBER_PREFIX}-{year}-").values_list(
        "certificate_number", flat=True
    )
    found = [int(match.group(2)) for number in numbers if (match := NUMBER.match(number))]
    return max(found, default=0)


def _give_number(participant: Participant, year: int, after: int, on: date) -> int:
    """Write the next free number of the year on the participant; a number another issue took meanwhile (the
    unique constraint refuses it) is tried again with the next one. Returns the sequence used."""
    sequence = after
    for _attempt in range(NUMBER_ATTEMPTS):
        sequence += 1
        number = f"{NUMBER_PREFIX}-{year}-{sequence:04d}"
        try:
            with transaction.atomic():
                updated = Participant.objects.filter(pk=participant.pk, certificate_number="").update(
                    certificate_number=number, certificate_key=secrets.token_urlsafe(24), certified_on=on
                )
        except IntegrityError:
            sequence = max(sequence, _last_number(year))
            continue
        if updated:
            participant.refresh_from_db(fields=["certificate_number", "certificate_key", "certified_on", "version"])
        return sequence
    raise ValidationError(_("Certificate numbers are being issued elsewhere at this moment; try again."), code="busy")


def _record_training(participant: Participant, course: Course, requirement: TrainingRequirement) -> None:
    """The city teacher's training record of the certificate (once: an existing one is linked, not doubled)."""
    staff_member_id = int(participant.staff_member_id or 0)
    found = TrainingRecord.objects.filter(staff_member_id=staff_member_id, document=participant.certificate_number)
    record = cast(TrainingRecord | None, found.first())
    if record is None:
        record = TrainingRecord(
            staff_member_id=staff_member_id,
            requirement=requirement,
            completed_on=course.ends_on,
            hours=course.hours,
            document=participant.certificate_number,
        )
        record.full_clean()
        record.save()  # save(): the audit trail records it
    Participant.objects.filter(pk=participant.pk).update(training_record=record)
    participant.training_record = record


@atomic_write
def issue_certificates(course: Course, actor: Any, *, on: date | None = None) -> list[Participant]:
    """Certify every participant of the course who attended at least `required_percent` of its session hours and
    has no certificate yet: a number `IC-<year>-NNNN` (the year of the course's last day; the sequence runs over
    every course of that year), a random key for the public verification page, the day (`on`, today). A city
    teacher's certificate becomes a training record (the course's requirement, else the standard one) with the
    course's hours. Reissuing certifies only those newly qualified. Returns the newly certified."""
    if not actor.has_perm("courses.change_participant"):
        raise PermissionDenied(_("Your role does not issue certificates."))
    locked = _editable_course(actor, course.pk, lock=True)
    on = on or timezone.localdate()
    total, attended = _attended_hours(locked.pk)
    if total == 0:
        raise ValidationError(_("The course has no sessions; add them and record attendance first."), code="empty")
    waiting = list(
        Participant.objects.select_for_update().filter(course=locked, certificate_number="").order_by("name", "pk")
    )
    chosen = [p for p in waiting if qualifies(attended.get(p.pk, 0), total, locked.required_percent)]
    if not chosen:
        return []
    year = locked.ends_on.year
    requirement = locked.requirement or standard_requirement()
    last = _last_number(year)
    for participant in chosen:
        last = _give_number(participant, year, last, on)
        if participant.staff_member_id is not None and participant.training_record_id is None:
            _record_training(participant, locked, requirement)
    return chosen


def certificate(key: str) -> Participant | None:
    """The certified participant with this verification key (None: no such certificate)."""
    if not key or len(key) > 40:
        return None
    return (
        Participant.objects.select_related("course", "course__centre")
        .exclude(certificate_number="")
        .filter(certificate_key=key)
        .first()
    )


# --- figures


def courses_in_period(*, date_from: date, date_to: date) -> Any:
    """Courses with a session from `date_from` to `date_to`, or, without sessions, whose dates overlap them."""
    with_session = CourseSession.objects.filter(date__gte=date_from, date__lte=date_to).values("course_id")
    return Course.objects.filter(
        Q(pk__in=with_session) | Q(sessions__isnull=True, starts_on__lte=date_to, ends_on__gte=date_from)
    ).distinct()


def course_figures(*, date_from: date, date_to: date) -> dict[str, int]:
    """The courses for teachers of a period, for the whole city (the board's figures):

    - `courses`: courses with at least one session from `date_from` to `date_to` (a course without sessions:
      whose dates overlap the period);
    - `teachers_trained`: distinct people certified in those courses (a city teacher by their staff record,
      another by name and school, case and spacing aside);
    - `hours`: the sum of those courses' hours (each course once, however many teachers);
    - `certificates`: certificates issued in those courses."""
    courses = courses_in_period(date_from=date_from, date_to=date_to)
    ids = list(courses.values_list("pk", flat=True))
    hours = Course.objects.filter(pk__in=ids).aggregate(total=Sum("hours"))["total"] or 0
    certified = Participant.objects.filter(course_id__in=ids).exclude(certificate_number="")
    people = {
        ("staff", staff) if staff else ("name", _folded(name), _folded(school))
        for staff, name, school in certified.values_list("staff_member_id", "name", "school_name")
    }
    return {
        "courses": len(ids),
        "teachers_trained": len(people),
        "hours": int(hours),
        "certificates": certified.count(),
    }


def course_rows(viewer: Any) -> Any:
    """The courses the viewer may see, with their sessions and participants counted (for the list)."""
    return Course.objects.visible_to(viewer).annotate(
        session_count=Count("sessions", distinct=True),
        participant_count=Count("participants", distinct=True),
        certificate_count=Count("participants", filter=~Q(participants__certificate_number=""), distinct=True),
    )

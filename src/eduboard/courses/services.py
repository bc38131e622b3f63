"""Courses for teachers (pedagogu profesionālās kompetences pilnveides kursi): the course and its sessions, teachers'
registration (a city teacher by their staff record, another by name and school), attendance per session, and the
certificates for those who attended at least the course's required share, whose hours go to a city teacher's
training records in the people area.

Services check the viewer's scope (the centre's staff change their centre's courses; the board all); the training
record of a city teacher is written by `certificates_issue` on the centre's behalf (the centre's staff do not
otherwise edit people records). The pure rules are in `rules`, the reads in `selectors`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.courses.models import Attendance, Course, CourseSession, Participant
from eduboard.courses.rules import clean_text, folded, qualifies
from eduboard.courses.selectors import Person, attended_hours, person_for
from eduboard.people.models import StaffMember, TrainingAppliesTo, TrainingRecord, TrainingRequirement
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
#: Called by `certificates_issue` with the viewer and the newly certified participants, in its transaction: the
#: areas that stand on courses register here what a certificate brings with it (credentials: its verifiable
#: credential), so courses imports none of them.
CERTIFIED_HOOKS: list[Callable[..., Any]] = []


def _refuse_outside(viewer: Viewer, centre_id: int | None) -> None:
    if centre_id is None or not Institution.objects.editable_by(viewer).filter(pk=centre_id).exists():
        raise PermissionDenied(_("This course is not in your scope."))


def _editable_course(viewer: Viewer, course_id: int, *, lock: bool = False) -> Course:
    rows = Course.objects.editable_by(viewer)
    found: Course | None = (rows.select_for_update() if lock else rows).filter(pk=course_id).first()
    if found is None:
        raise PermissionDenied(_("This course is not in your scope."))
    return found


# --- the course and its sessions


@atomic_write
def course_save(*, viewer: Viewer, course: Course, expected_version: int | None) -> Course:
    """Add or edit a course of a centre in the viewer's scope (versioned). Its dates must still hold every session
    and its places every participant registered."""
    if not viewer.has_perm("courses.change_course" if course.pk else "courses.add_course"):
        raise PermissionDenied(_("Your role does not manage courses."))
    _refuse_outside(viewer, course.centre_id)
    course.title = clean_text(course.title, field="title")
    course.lecturer = clean_text(course.lecturer, field="lecturer")
    if course.pk:
        _editable_course(viewer, course.pk)
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
def course_session_save(
    *, viewer: Viewer, session: CourseSession, expected_version: int | None = None
) -> CourseSession:
    """Add or edit a session of a course of the viewer's centre; its date lies within the course's dates and is
    not another session's."""
    if not viewer.has_perm("courses.change_course"):
        raise PermissionDenied(_("Your role does not manage courses."))
    course = _editable_course(viewer, session.course_id)
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


def _already_registered(course: Course, person: Person) -> bool:
    rows = Participant.objects.filter(course=course)
    if person.staff_member is not None:
        return rows.filter(staff_member=person.staff_member).exists()
    # Compared in Python: SQLite's case-insensitive match folds ASCII letters only (“Ā” and “ā” would differ).
    wanted = (folded(person.name), folded(person.school_name))
    named = rows.filter(staff_member__isnull=True).values_list("name", "school_name")
    return any((folded(name), folded(school)) == wanted for name, school in named)


@atomic_write
def participant_register(
    *,
    viewer: Viewer,
    course: Course,
    staff_member: StaffMember | None = None,
    name: str = "",
    school: Institution | None = None,
    school_name: str = "",
    email: str = "",
) -> Participant:
    """Register a teacher for a course of the viewer's centre: a city teacher by their staff record (name and
    school filled from it), another by name and school. Refused (code `full`) when every place is taken, also
    when others take the last one at the same moment (the course row is locked while counting)."""
    if not viewer.has_perm("courses.add_participant"):
        raise PermissionDenied(_("Your role does not register teachers for courses."))
    locked = _editable_course(viewer, course.pk, lock=True)
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
def attendance_record(*, viewer: Viewer, session: CourseSession, marks: dict[int, bool]) -> int:
    """Save who was present at one session (participant id → present); as `attendance_grid_record`."""
    return attendance_grid_record(viewer=viewer, course=session.course, marks={session.pk: marks})


@atomic_write
def attendance_grid_record(*, viewer: Viewer, course: Course, marks: dict[int, dict[int, bool]]) -> int:
    """The attendance of a course saved at once (session id → participant id → present), all or nothing, in a
    fixed number of queries however many sessions: every session and participant must be of the course, and the
    course of the viewer's centre. Returns how many marks changed."""
    if not viewer.has_perm("courses.change_attendance"):
        raise PermissionDenied(_("Your role does not record attendance."))
    sessions = set(CourseSession.objects.editable_by(viewer).filter(course_id=course.pk).values_list("pk", flat=True))
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
def certificates_issue(*, viewer: Viewer, course: Course, on: date | None = None) -> list[Participant]:
    """Certify every participant of the course who attended at least `required_percent` of its session hours and
    has no certificate yet: a number `IC-<year>-NNNN` (the year of the course's last day; the sequence runs over
    every course of that year), a random key for the public verification page, the day (`on`, today). A city
    teacher's certificate becomes a training record (the course's requirement, else the standard one) with the
    course's hours. Reissuing certifies only those newly qualified. The hooks of CERTIFIED_HOOKS then run (the
    verifiable credential of each certificate). Returns the newly certified."""
    if not viewer.has_perm("courses.change_participant"):
        raise PermissionDenied(_("Your role does not issue certificates."))
    locked = _editable_course(viewer, course.pk, lock=True)
    on = on or timezone.localdate()
    total, attended = attended_hours(locked.pk)
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
    for hook in CERTIFIED_HOOKS:
        hook(viewer=viewer, participants=chosen)
    return chosen

"""What the courses' pages, importer and figures read: where a teacher works, who a participant is, the attendance
shares, a certificate by its key, the courses of a period and their figures, and a viewer's courses for the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.courses.models import Attendance, Course, CourseSession, Participant
from eduboard.courses.rules import clean_text, folded
from eduboard.people.models import Employment, StaffMember
from eduboard.registry.models import Institution

# --- who is registered


def working_place(staff_member: StaffMember, *, on: date | None = None) -> Institution | None:
    """The institution a staff member works in on `on` (today): the largest rate among those that hold then,
    else their latest employment's."""
    on = on or timezone.localdate()
    rows = Employment.objects.filter(staff_member=staff_member).select_related("institution")
    active: Employment | None = rows.active_on(on).order_by("-fte", "pk").first()
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


# --- attendance


def attended_hours(course_id: int) -> tuple[int, dict[int, int]]:
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
    total, attended = attended_hours(participant.course_id)
    return percent(attended.get(participant.pk, 0), total)


def attendance_shares(course: Course) -> dict[int, Decimal | None]:
    """`attendance_share` of every participant of the course, in two queries."""
    total, attended = attended_hours(course.pk)
    return {pk: percent(attended.get(pk, 0), total) for pk in course.participants.values_list("pk", flat=True)}


# --- certificates


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


# --- figures and lists


def courses_in_period(*, date_from: date, date_to: date) -> QuerySet[Course]:
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
        ("staff", staff) if staff else ("name", folded(name), folded(school))
        for staff, name, school in certified.values_list("staff_member_id", "name", "school_name")
    }
    return {
        "courses": len(ids),
        "teachers_trained": len(people),
        "hours": int(hours),
        "certificates": certified.count(),
    }


def course_rows(*, viewer: Viewer) -> QuerySet[Course]:
    """The courses the viewer may see, with their sessions and participants counted (for the list)."""
    rows: QuerySet[Course] = Course.objects.visible_to(viewer).annotate(
        session_count=Count("sessions", distinct=True),
        participant_count=Count("participants", distinct=True),
        certificate_count=Count("participants", filter=~Q(participants__certificate_number=""), distinct=True),
    )
    return rows

"""The courses' file: `course,personal_code_or_name,school,session_date,present` (all or nothing, idempotent).

- `course`: the course's code (a course of the importer's centre);
- `personal_code_or_name`: a city teacher's personal code (found among the board's staff; shown masked in
  messages), or the name of a teacher from elsewhere;
- `school`: a city institution's registration number or a school's name (for a coded teacher it may be empty:
  the school comes from their record);
- `session_date`: YYYY-MM-DD, a session of the course;
- `present`: yes|no (also 1|0, jā|nē).

A teacher not yet registered for the course is registered (within its places); their attendance at the session
is set. Key: course, person, session."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.centre.selectors import school_key
from eduboard.core.imports import ImportResult, RowProblem, ScopedImporter, parse_date, parse_required, parse_yes_no
from eduboard.courses import selectors
from eduboard.courses.models import Attendance, Course, CourseSession, Participant
from eduboard.people.models import StaffMember
from eduboard.registry.models import Institution
from eduboard.registry.validators import mask_personal_code, normalise_personal_code, validate_personal_code

CODE_LIKE = re.compile(r"^\d{6}-?\d{5}$")


@dataclass(frozen=True)
class AttendanceRow:
    course_id: int
    session_id: int
    #: ("staff", staff member id) or ("name", name folded, school folded): who, as participants are told apart.
    person: tuple[Any, ...]
    staff_member_id: int | None
    name: str
    school_id: int | None
    school_name: str
    present: bool


class CourseAttendanceImporter(ScopedImporter):
    """`course,personal_code_or_name,school,session_date,present`; key: course, person, session date."""

    kind = "course_attendance"
    title = gettext_lazy("Course attendance")
    permission = "courses.add_attendance"
    columns: ClassVar[list[str]] = ["course", "personal_code_or_name", "school", "session_date", "present"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "course": gettext_lazy("the course's code"),
        "personal_code_or_name": gettext_lazy(
            "a city teacher's personal code DDMMYY-XNNNN, or the name of a teacher from elsewhere"
        ),
        "school": gettext_lazy(
            "a city institution's registration number or a school's name (may be empty with a personal code)"
        ),
        "session_date": gettext_lazy("YYYY-MM-DD, a session of the course"),
        "present": gettext_lazy("yes|no (also 1|0, jā|nē)"),
    }
    example: ClassVar[list[str]] = [
        "robotika-sakumskolai-2025", "Inga Kalniņa", "Krāslavas Varavīksnes vidusskola", "2025-10-07", "yes",
    ]  # fmt: skip

    def prepare(self) -> None:
        self.courses = {
            code: (pk, centre, places)
            for code, pk, centre, places in Course.objects.values_list("code", "pk", "centre_id", "places")
        }
        self.sessions = {
            (course, day): pk for course, day, pk in CourseSession.objects.values_list("course_id", "date", "pk")
        }
        self.schools_by_number = dict(Institution.objects.values_list("registration_number", "pk"))
        self.schools_by_name = {school_key(name): pk for name, pk in Institution.objects.values_list("name", "pk")}
        self.school_names = dict(Institution.objects.values_list("pk", "name"))
        self.registered: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
        for course_id, staff, name, school in Participant.objects.values_list(
            "course_id", "staff_member_id", "name", "school_name"
        ):
            self.registered[course_id].add(self._person(staff, name, school))
        self.newcomers: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
        self.staff: dict[str, tuple[int, str, int | None, str] | None] = {}

    @staticmethod
    def _person(staff_member_id: int | None, name: str, school_name: str) -> tuple[Any, ...]:
        if staff_member_id:
            return ("staff", staff_member_id)
        return ("name", school_key(name), school_key(school_name))

    def _staff_member(self, code: str) -> tuple[int, str, int | None, str] | None:
        """(id, name, school id, school name) of the staff member with this code, looked up once per file."""
        if code not in self.staff:
            found = StaffMember.objects.filter(personal_code=code).first()
            if found is None:
                self.staff[code] = None
            else:
                person = selectors.person_for(staff_member=found)
                school_id = person.school.pk if person.school else None
                self.staff[code] = (found.pk, person.name, school_id, person.school_name)
        return self.staff[code]

    def _school(self, values: dict[str, str], *, required: bool) -> tuple[int | None, str]:
        text = " ".join(values.get("school", "").split())
        if not text:
            if required:
                raise RowProblem("school", _("give the school of a teacher named without a personal code"))
            return None, ""
        if len(text) > 200:
            raise RowProblem("school", _("%(length)d characters, at most %(limit)d are allowed") % {
                "length": len(text), "limit": 200})  # fmt: skip
        if text.isdigit():
            pk = self.schools_by_number.get(text)
            if pk is None:
                raise RowProblem("school", _("unknown institution %s") % text)
            return pk, self.school_names[pk]
        pk = self.schools_by_name.get(school_key(text))
        return (pk, self.school_names[pk]) if pk is not None else (None, text)

    def parse(self, values: dict[str, str]) -> AttendanceRow:
        code = parse_required(values, "course", max_length=60)
        found = self.courses.get(code)
        if found is None:
            raise RowProblem("course", _("no course %s") % code)
        course_id, centre_id, places = found
        if not self.institution_allowed(centre_id):
            raise RowProblem("course", _("course %s is not your centre's") % code)
        who = " ".join(parse_required(values, "personal_code_or_name").split())
        if CODE_LIKE.match(who):
            personal_code = normalise_personal_code(who)
            masked = mask_personal_code(personal_code)
            try:
                validate_personal_code(personal_code)
            except ValidationError:  # the reason would repeat the code: answered masked instead
                raise RowProblem("personal_code_or_name", _("%s is not a valid personal code") % masked) from None
            staff = self._staff_member(personal_code)
            if staff is None:
                raise RowProblem("personal_code_or_name", _("no city staff member has the personal code %s") % masked)
            staff_id, name, school_id, school_name = staff
        else:
            if len(who) > 160:
                raise RowProblem("personal_code_or_name", _("a name has at most 160 characters"))
            if any(ch.isdigit() for ch in who):
                raise RowProblem(
                    "personal_code_or_name", _("write a personal code as DDMMYY-XNNNN, or a name without digits")
                )
            staff_id, name = None, who
            school_id, school_name = self._school(values, required=True)
        day = parse_date(values, "session_date")
        assert isinstance(day, date)  # noqa: S101 - required above
        session_id = self.sessions.get((course_id, day))
        if session_id is None:
            raise RowProblem(
                "session_date", _("course %(c)s has no session on %(d)s") % {"c": code, "d": day.isoformat()}
            )
        present = parse_yes_no(values, "present")
        person = self._person(staff_id, name, school_name)
        if person not in self.registered[course_id] and person not in self.newcomers[course_id]:
            if len(self.registered[course_id]) + len(self.newcomers[course_id]) >= places:
                raise RowProblem(
                    "personal_code_or_name",
                    _("course %(c)s has no free place for %(who)s (%(n)d places)")
                    % {"c": code, "who": name, "n": places},
                )
            self.newcomers[course_id].add(person)
        return AttendanceRow(course_id, session_id, person, staff_id, name, school_id, school_name, present)

    def key(self, record: AttendanceRow) -> Hashable:
        return (record.course_id, record.person, record.session_id)

    def describe(self, record: AttendanceRow) -> str:
        return f"{record.name} ({record.school_name})"

    def write(self, records: list[AttendanceRow], result: ImportResult) -> None:
        participants: dict[tuple[int, tuple[Any, ...]], Participant] = {}
        for participant in Participant.objects.select_for_update().filter(course_id__in={r.course_id for r in records}):
            person = self._person(participant.staff_member_id, participant.name, participant.school_name)
            participants.setdefault((participant.course_id, person), participant)
        stored = {
            (row.participant_id, row.session_id): row
            for row in Attendance.objects.select_for_update().filter(session_id__in={r.session_id for r in records})
        }
        for record in records:
            participant = participants.get((record.course_id, record.person))
            if participant is None:
                participant = Participant.objects.create(
                    course_id=record.course_id,
                    staff_member_id=record.staff_member_id,
                    name=record.name,
                    school_id=record.school_id,
                    school_name=record.school_name,
                )
                participants[(record.course_id, record.person)] = participant
            mark = stored.get((participant.pk, record.session_id))
            if mark is None:
                Attendance.objects.create(participant=participant, session_id=record.session_id, present=record.present)
                self.counted(result, "created", record, {"present": (None, record.present)})
            elif mark.present != record.present:
                old, mark.present = mark.present, record.present
                mark.save(update_fields=["present"])
                self.counted(result, "updated", record, {"present": (old, record.present)})
            else:
                self.counted(result, "unchanged", record)


IMPORTERS: dict[str, type[ScopedImporter]] = {CourseAttendanceImporter.kind: CourseAttendanceImporter}

"""OneRoster 1.2 CSV out of the registry (issue 43, point 6): the school year and enrolments of a day as the files
school software exchanges classes and enrolments in.

The files and their columns are those of the OneRoster 1.2 CSV binding (`FILES`): `manifest.csv` (propertyName,
value), `orgs.csv` (the board as a district, its institutions as schools), `academicSessions.csv` (the school year
of the day), `courses.csv` (a programme taught at an institution that year), `classes.csv` (the groups),
`users.csv` and `roles.csv` (the learners enrolled on the day, as students; the groups' leaders, as teachers),
`enrollments.csv` (each learner's enrolment holding on the day, each leader's group). Value sets: `status` active |
tobedeleted, `type` district | school and schoolYear, `classType` homeroom | scheduled, `role` student | teacher,
`roleType` primary, grades as CEDS Entry Grade Level codes (`grade_code`: `PK`, `01`…`13`, `PS`, `UG`). Dates
`YYYY-MM-DD`; `dateLastModified` an ISO 8601 UTC time. sourcedIds are stable and say nothing of a person
(`learner-<id>`, never a personal code).

Bulk (the default): every row, `status` and `dateLastModified` blank, as the binding asks. Delta (`since`): the rows
changed on or after that day, `status` active and `dateLastModified` set, and the enrolments ended since then as
`tobedeleted`. Scoped like every export: the viewer's institutions only.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from eduboard.core.exports import csv_safe
from eduboard.core.scope import Viewer
from eduboard.registry.boards import Board, viewer_boards
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.models import Enrolment, Group, Institution, Programme
from eduboard.registry.selectors import reporting_school_year

FILES: dict[str, list[str]] = {
    "orgs.csv": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    "academicSessions.csv": [
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId",
        "schoolYear",
    ],
    "courses.csv": [
        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades",
        "orgSourcedId", "subjects", "subjectCodes",
    ],
    "classes.csv": [
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType",
        "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods",
    ],
    "users.csv": [
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName",
        "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
        "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
        "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
    ],
    "roles.csv": [
        "sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
        "orgSourcedId", "userProfileSourcedId",
    ],
    "enrollments.csv": [
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role",
        "primary", "beginDate", "endDate",
    ],
}  # fmt: skip
#: The OneRoster files this export never writes: `absent` in the manifest.
ABSENT = (
    "categories", "classResources", "courseResources", "demographics", "lineItemLearningObjectiveIds", "lineItems",
    "lineItemScoreScales", "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "scoreScales",
    "userProfiles", "userResources",
)  # fmt: skip
HOMEROOM_LEVELS = (ProgrammeLevel.PRESCHOOL, ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY, ProgrammeLevel.VOCATIONAL)

#: OneRoster 1.2's grades: the CEDS Entry Grade Level codes, in their order.
CEDS_GRADES = ("IT", "PR", "PK", "TK", "KG", *(f"{number:02d}" for number in range(1, 14)), "PS", "UG", "Other")
#: Vocational programme types (digits 1–2 of the code, MK 322; `registry.validators.PROGRAMME_TYPES`) whose learners
#: come from basic school (grade 9): arodizglītība (32) and profesionālā vidējā izglītība (33), the secondary stage.
VOCATIONAL_AFTER_BASIC = frozenset({"32", "33"})
#: Vocational programme types for learners with general secondary education (grade 12 done): postsecondary.
VOCATIONAL_AFTER_SECONDARY = frozenset({"34", "35"})
#: The highest numbered grade CEDS has.
LAST_CEDS_GRADE = 13
#: The last grade of basic school: a vocational year after it is grade 9 + the year (year 1 is grade 10).
LAST_BASIC_GRADE = 9
#: The years of a vocational programme after basic school (four at most: grades 10 to 13).
VOCATIONAL_YEARS = 4


def grade_code(programme: Programme, grade: int | None) -> str:
    """A group's grade as the CEDS grade level a partner's system reads, from its programme's level and code and
    the group's grade (a vocational group's grade is its year, kurss): `PK` for preschool; a general-education grade
    as `01`…`12` (special-needs programmes alike); a vocational year after basic school as the grade of that level,
    `10`…`13`; a vocational programme after secondary school `PS` (postsecondary); any other vocational programme
    (vocational basic education, types 22 and 23) `UG` (ungraded); interest education, and a grade missing, none."""
    level = programme.level
    if level == ProgrammeLevel.PRESCHOOL:
        return "PK"
    if level in (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY):
        return f"{grade:02d}" if grade is not None and 1 <= grade <= LAST_CEDS_GRADE else ""
    if level == ProgrammeLevel.VOCATIONAL:
        kind = programme.code[:2]
        if kind in VOCATIONAL_AFTER_BASIC and grade is not None and 1 <= grade <= VOCATIONAL_YEARS:
            return f"{LAST_BASIC_GRADE + grade:02d}"
        return "PS" if kind in VOCATIONAL_AFTER_SECONDARY else "UG"
    return ""


def grades_text(codes: Iterable[str]) -> str:
    """A list of grade codes as the binding writes it: once each, in CEDS order, comma-separated."""
    return ",".join(sorted(set(codes) - {""}, key=CEDS_GRADES.index))


def moment(value: datetime) -> str:
    """`dateLastModified`: an ISO 8601 time in UTC with milliseconds, e.g. 2025-01-15T10:30:00.000Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


@dataclass
class Roster:
    """The rows of each file, and how many learners they name (the export's audit entry)."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {name: [] for name in FILES})
    learners: int = 0
    delta: bool = False
    teachers: set[int] = field(default_factory=set)  # the group leaders written as users already

    def add(self, name: str, values: dict[str, Any], modified: datetime | None, *, deleted: bool = False) -> None:
        row = dict.fromkeys(FILES[name], "")
        # Text is data, never a formula (core.exports.csv_safe), in these files as in every export.
        row.update({key: "" if value is None else csv_safe(str(value)) for key, value in values.items()})
        if self.delta:
            row["status"] = "tobedeleted" if deleted else "active"
            row["dateLastModified"] = moment(modified) if modified else ""
        self.rows[name].append(row)


def oneroster_roster(
    *, as_of: date, visible_to: Viewer, since: date | None = None, institutions: Iterable[int] | None = None
) -> Roster:
    """The OneRoster rows of the school year of `as_of` for the viewer's institutions (of `institutions` among
    them): bulk, or with `since` the delta of what changed on or after that day."""
    roster = Roster(delta=since is not None)
    year = reporting_school_year(as_of=as_of)
    changed_since = None if since is None else datetime.combine(since, datetime.min.time(), tzinfo=UTC)

    def wanted(modified: datetime | None) -> bool:
        return changed_since is None or (modified is not None and modified >= changed_since)

    schools = Institution.objects.visible_to(visible_to).active_on(as_of)
    if institutions is not None:
        schools = schools.filter(pk__in=list(institutions))
    schools = list(schools.select_related("board").order_by("registration_number"))
    if changed_since is None:  # a board's row keeps no time of change: a delta leaves it out
        for board in _districts(visible_to, schools, every_board=institutions is None):
            roster.add("orgs.csv", {"sourcedId": f"board-{board.code}", "name": board.name, "type": "district"}, None)
    for school in schools:
        if wanted(school.updated_at):
            roster.add(
                "orgs.csv",
                {
                    "sourcedId": f"org-{school.registration_number}", "name": school.name, "type": "school",
                    "identifier": school.registration_number, "parentSourcedId": f"board-{school.board.code}",
                },
                school.updated_at,
            )  # fmt: skip
    if year is None:  # no school year on the day: the board and its institutions only (orgs.csv is never empty)
        return roster
    session = f"sy-{year.code.replace('/', '-')}"
    if changed_since is None:  # the year itself does not change: a delta leaves it out
        roster.add(
            "academicSessions.csv",
            {
                "sourcedId": session, "title": year.code, "type": "schoolYear", "startDate": year.start_date,
                "endDate": year.end_date, "schoolYear": year.end_date.year,
            },
            None,
        )  # fmt: skip
    groups = list(
        Group.objects.filter(school_year=year, institution__in=schools)
        .select_related("programme", "institution", "leader")
        .order_by("institution__registration_number", "name", "pk")
    )
    _courses(roster, groups, session, wanted)
    _classes(roster, groups, session, wanted)
    _students(roster, year, as_of, [g.pk for g in groups], changed_since, wanted)
    return roster


def _courses(roster: Roster, groups: list[Group], session: str, wanted: Callable[[datetime | None], bool]) -> None:
    """courses.csv: one course per institution and programme of the year's groups, with its groups' grades."""
    courses: dict[tuple[int, int], list[Group]] = {}
    for group in groups:
        courses.setdefault((group.institution_id, group.programme_id), []).append(group)
    for of_course in courses.values():
        first = of_course[0]
        modified = max(group.programme.updated_at for group in of_course)
        if wanted(modified):
            roster.add(
                "courses.csv",
                {
                    "sourcedId": _course_id(first), "schoolYearSourcedId": session, "title": first.programme.name,
                    "courseCode": first.programme.code,
                    "grades": grades_text(grade_code(g.programme, g.grade) for g in of_course),
                    "orgSourcedId": f"org-{first.institution.registration_number}",
                },
                modified,
            )  # fmt: skip


def _classes(roster: Roster, groups: list[Group], session: str, wanted: Callable[[datetime | None], bool]) -> None:
    """classes.csv: a class per group of the year, and the group's leader as its teacher."""
    for group in groups:
        if wanted(group.updated_at):
            roster.add(
                "classes.csv",
                {
                    "sourcedId": f"class-{group.pk}", "title": group.name,
                    "grades": grade_code(group.programme, group.grade), "courseSourcedId": _course_id(group),
                    "classCode": group.name,
                    "classType": "homeroom" if group.programme.level in HOMEROOM_LEVELS else "scheduled",
                    "schoolSourcedId": f"org-{group.institution.registration_number}", "termSourcedIds": session,
                },
                group.updated_at,
            )  # fmt: skip
        if group.leader_id is not None:
            _teacher(roster, group, wanted)


def _districts(visible_to: Viewer, schools: list[Institution], *, every_board: bool) -> list[Board]:
    """The boards written as districts: those of the schools, and with `every_board` (no institution chosen) every
    board the viewer works for, so a board is in orgs.csv even on a day none of its institutions is open."""
    boards: dict[int, Board] = {school.board_id: school.board for school in schools}
    if every_board:
        mine = viewer_boards(visible_to)
        others = Board.objects.exclude(pk__in=list(boards)).order_by("pk")
        for board in others if mine is None else others.filter(pk__in=mine):
            boards[board.pk] = board
    return list(boards.values())


def _course_id(group: Group) -> str:
    return f"course-{group.institution.registration_number}-{group.programme.code}"


def _teacher(roster: Roster, group: Group, wanted: Any) -> None:
    """A group's leader as a teacher of its class (a person leading several groups is one user)."""
    leader: Any = group.leader  # a people.StaffMember, read through the registry's group (no import of people)
    user = f"staff-{leader.pk}"
    school = f"org-{group.institution.registration_number}"
    if leader.pk not in roster.teachers and wanted(leader.updated_at):
        roster.teachers.add(leader.pk)
        roster.add(
            "users.csv",
            {
                "sourcedId": user, "enabledUser": "true", "username": user, "givenName": leader.first_name,
                "familyName": leader.last_name, "primaryOrgSourcedId": school,
            },
            leader.updated_at,
        )  # fmt: skip
        roster.add(
            "roles.csv",
            {"sourcedId": f"role-{user}", "userSourcedId": user, "roleType": "primary", "role": "teacher",
             "orgSourcedId": school},
            leader.updated_at,
        )  # fmt: skip
    if wanted(group.updated_at):
        roster.add(
            "enrollments.csv",
            {
                "sourcedId": f"enr-leader-{group.pk}", "classSourcedId": f"class-{group.pk}",
                "schoolSourcedId": school, "userSourcedId": user, "role": "teacher", "primary": "true",
            },
            group.updated_at,
        )  # fmt: skip


def _students(
    roster: Roster, year: Any, as_of: date, group_ids: list[int], changed_since: datetime | None, wanted: Any
) -> None:
    """The learners of the groups holding on `as_of` (and, in a delta, the enrolments ended since) as students."""
    rows = Enrolment.objects.filter(group_id__in=group_ids).select_related(
        "learner", "group__programme", "group__institution"
    )
    holding = list(rows.holding_on(as_of, school_year=year).order_by("pk"))
    ended = rows.ended_between(changed_since.date(), as_of) if changed_since is not None else Enrolment.objects.none()
    # A learner's grades: those of every group the learner is enrolled in on the day (a class, and an interest group
    # that has none), whichever enrolment comes first.
    grades: dict[int, list[str]] = {}
    for enrolment in holding:
        grades.setdefault(enrolment.learner_id, []).append(grade_code(enrolment.group.programme, enrolment.group.grade))
    users: set[int] = set()
    for enrolment, deleted in [*((e, False) for e in holding), *((e, True) for e in ended)]:
        learner = enrolment.learner
        school = f"org-{enrolment.group.institution.registration_number}"
        user = f"learner-{learner.pk}"
        if learner.pk not in users and not deleted and wanted(learner.updated_at):
            users.add(learner.pk)
            roster.add(
                "users.csv",
                {
                    "sourcedId": user, "enabledUser": "true", "username": user, "givenName": learner.first_name,
                    "familyName": learner.last_name,
                    "grades": grades_text(grades[learner.pk]),
                    "primaryOrgSourcedId": school,
                },
                learner.updated_at,
            )  # fmt: skip
            roster.add(
                "roles.csv",
                {"sourcedId": f"role-{user}", "userSourcedId": user, "roleType": "primary", "role": "student",
                 "orgSourcedId": school},
                learner.updated_at,
            )  # fmt: skip
        if deleted or wanted(enrolment.updated_at):
            last_day = enrolment.left_on - timedelta(days=1) if enrolment.left_on else None
            roster.add(
                "enrollments.csv",
                {
                    "sourcedId": f"enr-{enrolment.pk}", "classSourcedId": f"class-{enrolment.group_id}",
                    "schoolSourcedId": school, "userSourcedId": user, "role": "student", "primary": "false",
                    "beginDate": enrolment.enrolled_on, "endDate": last_day,
                },
                enrolment.updated_at,
                deleted=deleted,
            )  # fmt: skip
    roster.learners = len(users)


def write_roster(roster: Roster, folder: Path) -> list[Path]:
    """Write the manifest and every file of `roster` into `folder` (UTF-8, a header row); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    mode = "delta" if roster.delta else "bulk"
    manifest = [
        ("manifest.version", "1.0"),
        ("oneroster.version", "1.2"),
        *((f"file.{name.removesuffix('.csv')}", mode) for name in FILES),
        *((f"file.{name}", "absent") for name in ABSENT),
        ("source.systemName", "eduboard"),
        ("source.systemCode", "eduboard"),
    ]
    written = [folder / "manifest.csv"]
    with written[0].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["propertyName", "value"])
        writer.writerows(manifest)
    for name, columns in FILES.items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as out:
            dict_writer = csv.DictWriter(out, fieldnames=columns)
            dict_writer.writeheader()
            dict_writer.writerows(roster.rows[name])
        written.append(path)
    return written

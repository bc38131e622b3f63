"""The demonstration data has no activity at a closed institution after its closing day (issue 36).

Seed 002 names two schools closed before 2024/2025 (11. pamatskola joined to Draudzīgā aicinājuma vidusskola,
6. pamatskola to Centra vidusskola). Every kind of row that ties activity to an institution with a day, a period, a
year or a school year is looked up here, one query per kind and closed institution, and none may fall after the
closing day `closed_on`:
- a row of one day: dated after `closed_on`; a period (a project, an employment, a loan, a licence, a club): running
  after `closed_on` (its last day after it, or no last day); a school year: starting after `closed_on`;
- an enrolment: holding on `closed_on` or later (`left_on`, the first day away, empty or after `closed_on`), so the
  children of a closed school leave on or before its closing day;
- a budget year (allocations, also of a set of institutions the closed one is a member of): beginning after
  `closed_on`; an exam year: its exams (written from May) after `closed_on`.
A set's spending after the closing day is not the closed member's (cost per learner shares it by learner-months),
so expenditures count only where the allocation names the closed institution itself. Rooms and users' scopes carry
no day and are not activity of a day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Q, QuerySet

from eduboard.assets.models import Asset, AssetStatusChange, Loan
from eduboard.assets.models import Licence as DeviceLicence
from eduboard.centre.models import Booking, Visit
from eduboard.competitions.models import Team
from eduboard.courses.models import Participant
from eduboard.events.models import Event
from eduboard.finance.models import Allocation, Expenditure
from eduboard.people.models import Employment, Vacancy
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.projects.models import Project
from eduboard.quality.models import (
    Accreditation,
    ExamResult,
    HeadEvaluation,
    LearnerResult,
    Observation,
    SelfAssessment,
    UnifiedSchoolStatus,
)
from eduboard.registry.models import Club, Enrolment, Group, Institution, Licence, MunicipalLicence, QueueEntry
from eduboard.surveys.models import AccessCode, Population, Response, SurveyLink
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def _first_exam_year_after(closed_on: date) -> int:
    """The first calendar year whose exams (written from May) come after `closed_on`."""
    return closed_on.year if closed_on < date(closed_on.year, 5, 1) else closed_on.year + 1


def _survey_after(closed_on: date) -> Q:
    """A survey counted (census date, else its opening day) after `closed_on`."""
    return Q(survey__census_date__gt=closed_on) | Q(survey__census_date__isnull=True, survey__opens_on__gt=closed_on)


# kind -> (the rows of that kind at closed institution `i` after its closing day `c`, the fields that name a row)
Query = Callable[[Institution, date], QuerySet[Any]]
KINDS: dict[str, tuple[Query, tuple[str, ...]]] = {
    "groups": (
        lambda i, c: Group.objects.filter(institution=i, school_year__start_date__gt=c),
        ("school_year__code", "name"),
    ),
    "enrolments": (
        lambda i, c: Enrolment.objects.filter(group__institution=i).filter(Q(left_on__isnull=True) | Q(left_on__gt=c)),
        ("learner__personal_code", "group__name", "enrolled_on", "left_on"),
    ),
    "employments": (
        lambda i, c: Employment.objects.filter(institution=i).overlapping(c + timedelta(days=1), date.max),
        ("staff_member_id", "position__code", "start_date", "end_date"),
    ),
    "vacancies": (
        lambda i, c: Vacancy.objects.filter(institution=i).filter(Q(declared_on__gt=c) | Q(published_on__gt=c)),
        ("subject", "declared_on", "published_on"),
    ),
    "allocations": (
        lambda i, c: Allocation.objects.filter(Q(institution=i) | Q(institution_set__members=i), year__gt=c.year),
        ("year", "purpose", "amount"),
    ),
    "expenditures": (
        lambda i, c: Expenditure.objects.filter(allocation__institution=i, date__gt=c),
        ("document", "date", "amount"),
    ),
    "lesson observations": (
        lambda i, c: Observation.objects.filter(institution=i, date__gt=c),
        ("date", "kind", "grade"),
    ),
    "exam results": (
        lambda i, c: ExamResult.objects.filter(institution=i, sitting__year__gte=_first_exam_year_after(c)),
        ("sitting__year", "sitting__exam", "sitting__subject__name"),
    ),
    "learners' exam results": (
        lambda i, c: LearnerResult.objects.filter(institution=i, sitting__year__gte=_first_exam_year_after(c)),
        ("sitting__year", "sitting__exam", "personal_code"),
    ),
    "self-assessments": (
        lambda i, c: SelfAssessment.objects.filter(institution=i, school_year__start_date__gt=c),
        ("school_year__code", "status"),
    ),
    "accreditations": (
        lambda i, c: Accreditation.objects.filter(institution=i).filter(Q(accredited_on__gt=c) | Q(visited_on__gt=c)),
        ("accredited_on", "visited_on"),
    ),
    "heads' evaluations": (
        lambda i, c: HeadEvaluation.objects.filter(institution=i, evaluated_on__gt=c),
        ("evaluated_on",),
    ),
    "unified school statuses": (
        lambda i, c: UnifiedSchoolStatus.objects.filter(institution=i, assessed_on__gt=c),
        ("assessed_on",),
    ),
    "absences": (
        lambda i, c: Absence.objects.filter(institution=i, date__gt=c),
        ("learner__personal_code", "date"),
    ),
    "term results": (
        lambda i, c: TermResult.objects.filter(institution=i, school_year__start_date__gt=c),
        ("school_year__code", "term", "subject"),
    ),
    "support plans": (
        lambda i, c: SupportPlan.objects.filter(institution=i).filter(Q(started_on__gt=c) | Q(review_on__gt=c)),
        ("learner__personal_code", "started_on", "review_on"),
    ),
    "devices": (
        lambda i, c: Asset.objects.filter(institution=i).filter(Q(acquired_on__gt=c) | Q(status_since__gt=c)),
        ("inventory_number", "acquired_on", "status_since"),
    ),
    "device status changes": (
        lambda i, c: AssetStatusChange.objects.filter(asset__institution=i, changed_on__gt=c),
        ("asset__inventory_number", "status", "changed_on"),
    ),
    "device loans": (
        lambda i, c: Loan.objects.filter(asset__institution=i).filter(
            Q(lent_on__gt=c) | Q(returned_on__isnull=True) | Q(returned_on__gt=c)
        ),
        ("asset__inventory_number", "lent_on", "returned_on"),
    ),
    "device licences": (
        lambda i, c: DeviceLicence.objects.filter(institution=i).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=c)),
        ("product", "valid_from", "valid_to"),
    ),
    "survey populations": (
        lambda i, c: Population.objects.filter(_survey_after(c), institution=i),
        ("survey__code", "audience"),
    ),
    "survey responses": (
        lambda i, c: Response.objects.filter(_survey_after(c), institution=i),
        ("survey__code", "key"),
    ),
    "survey links": (
        lambda i, c: SurveyLink.objects.filter(_survey_after(c), institution=i),
        ("survey__code", "audience", "token"),
    ),
    "survey access codes": (
        lambda i, c: AccessCode.objects.filter(_survey_after(c), institution=i),
        ("survey__code", "label"),
    ),
    "centre bookings": (
        lambda i, c: Booking.objects.filter(school=i, slot__date__gt=c),
        ("slot__date", "status", "school_name"),
    ),
    "centre visits": (
        lambda i, c: Visit.objects.filter(school=i, date__gt=c),
        ("date", "kind", "school_name"),
    ),
    "competition teams": (
        lambda i, c: Team.objects.filter(school=i, competition__date__gt=c),
        ("competition__code", "name"),
    ),
    "course participants": (
        lambda i, c: Participant.objects.filter(school=i).filter(Q(course__starts_on__gt=c) | Q(certified_on__gt=c)),
        ("course__code", "name", "certified_on"),
    ),
    "events": (
        lambda i, c: Event.objects.filter(organiser=i, starts_at__date__gt=c),
        ("title", "starts_at"),
    ),
    "projects": (
        lambda i, c: Project.objects.filter(institutions=i, end_date__gt=c),
        ("reference", "start_date", "end_date"),
    ),
    "clubs": (
        lambda i, c: Club.objects.filter(institution=i).filter(
            Q(opened_on__gt=c) | Q(closed_on__isnull=True) | Q(closed_on__gt=c)
        ),
        ("name", "opened_on", "closed_on"),
    ),
    "programme licences": (
        lambda i, c: Licence.objects.filter(institution=i, issued_on__gt=c),
        ("programme__code", "issued_on"),
    ),
    "municipal licences": (
        lambda i, c: MunicipalLicence.objects.filter(provider=i, issued_on__gt=c),
        ("number", "issued_on"),
    ),
    "preschool queue": (
        lambda i, c: QueueEntry.objects.filter(
            Q(first_choice=i) | Q(second_choice=i) | Q(offered_group__institution=i)
        ).filter(Q(registered_on__gt=c) | Q(wanted_start_on__gt=c)),
        ("registered_on", "wanted_start_on", "status"),
    ),
}


@dataclass(frozen=True)
class Demo:
    closed: list[tuple[str, date, str]]  # (short name, closed on, joined to)
    after_closing: dict[str, list[str]]  # kind -> the rows after their institution's closing day
    before_closing: dict[str, int]  # what the closed schools did while they worked


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """The demonstration data's figures the tests check (read once for the module, then rolled back)."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    closed = list(Institution.objects.filter(closed_on__isnull=False).select_related("joined_to").order_by("pk"))
    after: dict[str, list[str]] = {}
    for kind, (query, fields) in KINDS.items():
        after[kind] = [
            f"{institution.short_name} (closed on {institution.closed_on}): {row}"
            for institution in closed
            for row in query(institution, institution.closed_on).values_list(*fields).order_by(*fields)[:20]
        ]
    before = {
        "exam results": ExamResult.objects.filter(institution__in=closed).count(),
        "survey responses": Response.objects.filter(institution__in=closed).count(),
        "projects": Project.objects.filter(institutions__in=closed).count(),
    }
    return Demo([(i.short_name, i.closed_on, str(i.joined_to)) for i in closed if i.closed_on], after, before)


def test_the_demo_has_the_two_schools_seed_002_names_closed_and_joined(demo: Demo) -> None:
    assert sorted(name for name, _closed_on, _joined in demo.closed) == ["11. psk.", "6. psk."]
    assert all(joined != "None" for _name, _closed_on, joined in demo.closed)


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_activity_at_a_closed_institution_after_its_closing_day(demo: Demo, kind: str) -> None:
    rows = demo.after_closing[kind]
    assert rows == [], f"{kind} after the closing day (first 20 each): " + "; ".join(rows)


def test_the_closed_schools_keep_what_they_did_while_they_worked(demo: Demo) -> None:
    """The 2024 exams and the 2024 wellbeing survey came before the closing day; so did their older projects."""
    assert demo.before_closing["exam results"] > 0
    assert demo.before_closing["survey responses"] > 0
    assert demo.before_closing["projects"] > 0

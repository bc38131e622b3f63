"""The prevention pages make the same number of queries for three times the rows: the board's figures (more
institutions with learners at risk), an institution's risk list (more learners at risk, with their groups and
support plans) and a learner's case (more months of absences, insufficient grades, and support plans with their
history)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.prevention.models import Absence, RiskRule, SupportPlan, TermResult
from eduboard.registry.board_data import default_board
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from tests.factories import InstitutionFactory, UserFactory
from tests.prevention.test_prevention import CODES
from tests.support.queries import GrowingPages

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

N = 3  # rows of each kind at first; then 2N more (3N in all)
AS_OF = date(2025, 3, 31)
YEAR = "2024/2025"


@dataclass
class Prevention:
    school: Institution
    head: User
    case: Learner  # the learner whose case grows
    staff: StaffMember  # the school's support team member responsible for the plans


def pupil(institution: Institution, n: int, grade: int = 7) -> Learner:
    """A learner enrolled in a group of `grade` of the institution in 2024/2025."""
    programme, _created = Programme.objects.get_or_create(code="21011111", defaults={"name": "Pamat", "level": "basic"})
    year = school_year_get_or_create(code=YEAR)
    group, _created = Group.objects.get_or_create(
        institution=institution, school_year=year, programme=programme, name=f"{grade}.a", defaults={"grade": grade}
    )
    birth = date(2011, 1, 1) + timedelta(days=n)
    learner = Learner.objects.create(
        personal_code=CODES.for_birth_date(birth), first_name="Skolēns", last_name=f"Riska{n}", birth_date=birth
    )
    Enrolment.objects.create(learner=learner, group=group, enrolled_on=year.start_date)
    return learner


def at_risk(learner: Learner, institution: Institution, n: int) -> None:
    """Over both rules' thresholds: 20 unexcused lessons, and two insufficient grades."""
    Absence.objects.create(learner=learner, institution=institution, date=date(2025, 2, 3), lessons=20, excused=False)
    year = school_year_get_or_create(code=YEAR)
    for subject in ("Matemātika", "Fizika"):
        TermResult.objects.create(
            learner=learner, institution=institution, school_year=year, term="1", subject=f"{subject} {n}", grade="3"
        )


def grow(prevention: Prevention, start: int, count: int) -> None:
    """`count` more of every row a page lists: learners at risk at the school, each with a support plan, other
    institutions with one learner at risk each, and the case's absences (a month each), insufficient grades and
    support plans (each edited once: two entries of history)."""
    school, case = prevention.school, prevention.case
    year = school_year_get_or_create(code=YEAR)
    for n in range(start, start + count):
        learner = pupil(school, 100 + n, grade=5 + n % 4)
        at_risk(learner, school, n)
        SupportPlan.objects.create(
            learner=learner, institution=school, measures=f"Plāns {n}", responsible=prevention.staff,
            started_on=date(2025, 2, 10),
        )  # fmt: skip
        elsewhere = InstitutionFactory(type="secondary")
        at_risk(pupil(elsewhere, 200 + n), elsewhere, n)
        Absence.objects.create(
            learner=case, institution=school, date=date(2024, 9, 2) + timedelta(days=31 * n), lessons=3, excused=False
        )
        TermResult.objects.create(
            learner=case, institution=school, school_year=year, term="year", subject=f"Priekšmets {n}", grade="nv"
        )
        plan = SupportPlan.objects.create(
            learner=case, institution=school, measures=f"Sarunas {n}", responsible=prevention.staff,
            started_on=date(2025, 2, 10),
        )  # fmt: skip
        plan.outcome = "improved"
        plan.save()


@pytest.fixture
def world(db: None) -> Prevention:
    for code, threshold in {"unexcused_absences": 20, "insufficient_grades": 2}.items():
        RiskRule.objects.get_or_create(board=default_board(), code=code, defaults={"threshold": threshold})
    ensure_standard_positions()
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    staff = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="Sociālais", last_name="Pedagogs"
    )
    Employment.objects.create(
        staff_member=staff, institution=school, position=PositionKind.objects.get(code="subject_teacher"), fte=1,
        start_date=date(2020, 9, 1),
    )  # fmt: skip
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school])
    found = Prevention(school, head, pupil(school, 1), staff)
    grow(found, 0, N)
    return found


PAGES: list[tuple[str, str, str]] = [  # (who, page, a text each listed row shows once)
    ("board", f"/prevention/?as_of={AS_OF}", "<tr"),
    ("head", f"/prevention/risk/?institution={{school}}&as_of={AS_OF}", "Riska"),
    ("board", f"/prevention/risk/?institution={{school}}&as_of={AS_OF}", "<tr"),
    ("head", "/prevention/learners/{case}/", "Sarunas"),
]


class TestPreventionPages(GrowingPages):
    """Every page seen with N rows of each kind, then with 3N: the same queries each (one world for them all)."""

    N = N
    pages = PAGES

    def clients(self, world: Prevention, signed_in: Callable[[User], Client]) -> dict[str, Client]:
        return {"head": signed_in(world.head), "board": signed_in(UserFactory(role=Role.BOARD_ANALYST))}

    grow = staticmethod(grow)  # the module's: `count` more rows of each kind

    def url_values(self, world: Prevention) -> dict[str, object]:
        return {"school": world.school.pk, "case": world.case.pk}


def test_a_cases_plan_history_names_the_rows_as_the_audit_trail_does(world: Prevention) -> None:
    from auditlog.models import LogEntry

    from eduboard.accounts.audit_display import readable_changes
    from eduboard.prevention.selectors import learner_case

    case = learner_case(learner=world.case, as_of=AS_OF, visible_to=world.head)
    entries = [entry for plan in case["plans"] for entry in plan.history_entries]
    assert len(entries) == 2 * N
    shown = [readable_changes(entry) for entry in entries]
    assert shown == [readable_changes(LogEntry.objects.get(pk=entry.pk)) for entry in entries]
    assert any(after == "Sociālais Pedagogs" for changes in shown for _field, _before, after in changes)

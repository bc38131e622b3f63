"""The prevention pages: a teacher sees nothing; a head's support team sees its own learners at risk by name and
keeps their support plans (with history), never another school's; the board sees figures and rows without names,
and a case only after saying why (written to the audit trail); the board sets the thresholds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.prevention.models import RiskRule, SupportPlan
from eduboard.registry.board_data import default_board
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory
from tests.prevention.test_prevention import AS_OF, CODES, absent, pupil

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world(db: None) -> dict[str, object]:
    for code, threshold in {"unexcused_absences": 20, "insufficient_grades": 2}.items():
        RiskRule.objects.get_or_create(board=default_board(), code=code, defaults={"threshold": threshold})
    ensure_standard_positions()
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    mine, theirs = pupil(school, 1), pupil(other, 2)
    mine.first_name, theirs.first_name = "Jānis", "Pēteris"
    mine.save()
    theirs.save()
    absent(mine, school, [(date(2025, 2, 3), 20)])
    absent(theirs, other, [(date(2025, 2, 3), 20)])
    position = PositionKind.objects.get(code="subject_teacher")
    staff = {}
    for n, where in enumerate((school, other)):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, 1 + n)), first_name="Sociālais", last_name=f"Pedagogs{n}"
        )
        Employment.objects.create(staff_member=person, institution=where, position=position, fte=1,
                                  start_date=date(2020, 9, 1))  # fmt: skip
        staff[where.pk] = person
    return {"school": school, "other": other, "mine": mine, "theirs": theirs, "staff": staff}


def test_a_teacher_opens_no_prevention_page(world: dict, signed_in: Callable[[User], Client]) -> None:
    teacher = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[world["school"]]))
    for url in ("/prevention/", "/prevention/risk/", f"/prevention/learners/{world['mine'].pk}/"):
        assert teacher.get(url).status_code == 403


def test_the_support_team_sees_its_own_learners_by_name_and_keeps_their_plans(
    world: dict, signed_in: Callable[[User], Client]
) -> None:
    school: Institution = world["school"]
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
    page = head.get(f"/prevention/risk/?institution={school.pk}&as_of={AS_OF}").content.decode()
    assert "Jānis" in page and "Pēteris" not in page
    foreign = head.get(f"/prevention/risk/?institution={world['other'].pk}&as_of={AS_OF}")
    assert foreign.context["institution"] == school and "Pēteris" not in foreign.content.decode()
    assert head.get(f"/prevention/learners/{world['theirs'].pk}/").status_code == 404
    case = f"/prevention/learners/{world['mine'].pk}/"
    foreign_staff = world["staff"][world["other"].pk]
    refused = head.post(case, {"measures": "Sarunas", "responsible": foreign_staff.pk, "started_on": "2025-02-10"})
    assert refused.status_code == 200 and not SupportPlan.objects.exists()
    own = world["staff"][school.pk]
    saved = head.post(case, {"measures": "Sarunas ar vecākiem", "responsible": own.pk, "started_on": "2025-02-10",
                             "review_on": "2025-03-10"})  # fmt: skip
    assert saved.status_code == 302
    plan = SupportPlan.objects.get()
    assert (plan.learner, plan.institution, plan.responsible) == (world["mine"], school, own)
    edited = head.post(case, {"plan": plan.pk, "version": plan.version, "measures": "Sarunas ar vecākiem",
                              "responsible": own.pk, "started_on": "2025-02-10", "review_on": "2025-03-10",
                              "outcome": "improved"})  # fmt: skip
    assert edited.status_code == 302
    stale = head.post(case, {"plan": plan.pk, "version": plan.version, "measures": "Cits", "started_on": "2025-02-10"})
    assert stale.status_code == 200 and SupportPlan.objects.get().measures == "Sarunas ar vecākiem"
    shown = head.get(case)
    assert [len(p.history_entries) for p in shown.context["plans"]] == [2]  # created, then the outcome set


def test_the_board_sees_figures_and_a_case_only_with_a_reason(world: dict, signed_in: Callable[[User], Client]) -> None:
    analyst = UserFactory(role=Role.BOARD_ANALYST)
    board = signed_in(analyst)
    overview = board.get(f"/prevention/?as_of={AS_OF}")
    assert overview.context["figures"]["at_risk_total"] == 2
    assert sorted(r["total"] for r in overview.context["rows"]) == [1, 1]
    assert "Jānis" not in overview.content.decode()
    rows = board.get(f"/prevention/risk/?institution={world['school'].pk}&as_of={AS_OF}")
    assert len(rows.context["rows"]) == 1 and "Jānis" not in rows.content.decode()
    case = f"/prevention/learners/{world['mine'].pk}/"
    asked = board.get(case)
    assert asked.status_code == 200 and "Jānis" not in asked.content.decode()
    assert board.post(case, {"reason": "x"}).status_code == 200  # too short: still closed
    opened = board.post(case, {"reason": "Vecāku sūdzība, 2025-02-12"})
    assert opened.status_code == 302
    assert "Jānis" in board.get(case).content.decode()
    entry = LogEntry.objects.get(actor=analyst, additional_data__prevention_case=True)
    assert entry.object_id == world["mine"].pk and "sūdzība" in entry.additional_data["reason"]


def test_the_board_sets_a_threshold_and_a_head_cannot(world: dict, signed_in: Callable[[User], Client]) -> None:
    rule = RiskRule.objects.get(code="unexcused_absences")
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[world["school"]]))
    assert (
        head.post("/prevention/rules/", {"code": rule.code, "threshold": 5, "version": rule.version}).status_code == 403
    )
    admin = signed_in(UserFactory(role=Role.BOARD_ADMIN))
    admin.post("/prevention/rules/", {"code": rule.code, "threshold": "21", "active": "on", "version": rule.version})
    assert RiskRule.objects.get(code=rule.code).threshold == 21
    figures = admin.get(f"/prevention/?as_of={AS_OF}").context["figures"]
    assert figures["at_risk_by_rule"]["unexcused_absences"] == 0  # 20 lessons, one below the new threshold
    admin.post("/prevention/rules/", {"code": rule.code, "threshold": "0", "active": "on", "version": rule.version + 1})
    assert RiskRule.objects.get(code=rule.code).threshold == 21  # refused: a threshold of 1 or more

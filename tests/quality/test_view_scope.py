"""The quality pages take their scope from the base helpers: another institution's head is answered 404 on an
observation, a self-assessment and one of its criteria, exactly as for a missing row; the support list (learners
under a threshold, by name) writes one audit entry per request with the number of learners it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.models import (
    ExamSitting,
    LearnerResult,
    Observation,
    SelfAssessment,
    SelfAssessmentEntry,
    Subject,
)
from eduboard.registry.models import Institution
from tests.factories import UserFactory
from tests.quality.conftest import World
from tests.support.pages import RefusesChanges

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass
class Assessed:
    """The quality world with an observation and a self-assessment of its school."""

    world: World
    observation: Observation
    assessment: SelfAssessment
    entry: SelfAssessmentEntry


class TestQualityPages(RefusesChanges):
    """Another institution's head: an observation, a self-assessment and one of its criteria; a criterion saved
    through its page."""

    @pytest.fixture
    def scoped_world(self, world: World, observe: Callable[..., Observation]) -> Assessed:
        assessment = services.self_assessment_start(
            institution=world.school,
            school_year=school_year_get_or_create(code="2024/2025"),
            framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
            viewer=WHOLE_CITY,
        )
        entry = assessment.entries.order_by("pk").first()
        assert entry is not None
        return Assessed(world, observe(), assessment, entry)

    def institutions(self, world: Assessed) -> tuple[Institution, Institution]:
        return world.world.school, world.world.other_school

    def pages(self, world: Assessed) -> list[str]:
        return [
            f"/quality/observations/{world.observation.pk}/",
            f"/quality/self-assessments/{world.assessment.pk}/",
            f"/quality/self-assessments/criteria/{world.entry.pk}/",
        ]

    def posts(self, world: Assessed) -> list[tuple[str, dict[str, object]]]:
        data = {"save_entry": "1", "level": "good", "version": world.entry.version}
        return [(f"/quality/self-assessments/criteria/{world.entry.pk}/", data)]

    def state(self, world: Assessed) -> object:
        entries = SelfAssessmentEntry.objects.filter(self_assessment=world.assessment)
        return list(entries.values_list("pk", "level", "version"))


def test_the_support_list_writes_one_audit_entry_with_the_learners_it_shows(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    sitting = ExamSitting.objects.create(
        year=2024, exam="monitoring", subject=Subject.objects.create(name="Latviešu valoda"), grade=7
    )
    for code, school, percent in [
        ("010110-10006", world.school, "12.5"),
        ("020210-10009", world.school, "20.0"),  # not below 20
        ("030310-10001", world.other_school, "19.99"),
    ]:
        LearnerResult.objects.create(sitting=sitting, personal_code=code, institution=school, percent=Decimal(percent))
    board_user = UserFactory(role=Role.BOARD_ADMIN)
    board = signed_in(board_user)
    query = {"year": "2024", "exam": "monitoring", "below": "20"}
    page = board.get("/quality/exams/support/", query)
    assert page.status_code == 200
    assert sum(len(group["learners"]) for group in page.context["groups"]) == 2
    content_type = ContentType.objects.get_for_model(LearnerResult)
    [entry] = LogEntry.objects.filter(content_type=content_type, action=LogEntry.Action.ACCESS)
    assert entry.actor == board_user
    assert (entry.additional_data["read"], entry.additional_data["rows"]) == ("bulk", 2)
    # One entry per request: the head's own list is a second read, of the one learner of their school.
    assert signed_in(world.head).get("/quality/exams/support/", query).status_code == 200
    rows = LogEntry.objects.filter(content_type=content_type, action=LogEntry.Action.ACCESS).order_by("pk")
    assert [entry.additional_data["rows"] for entry in rows] == [2, 1]


def test_the_support_list_api_writes_one_audit_entry_with_the_learners_it_answers(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    sitting = ExamSitting.objects.create(
        year=2024, exam="monitoring", subject=Subject.objects.create(name="Latviešu valoda"), grade=7
    )
    for code, percent in [("010110-10006", "12.5"), ("020210-10009", "15.0"), ("040410-10004", "50")]:
        LearnerResult.objects.create(sitting=sitting, personal_code=code, institution=world.school, percent=percent)
    answer = signed_in(world.head).get(
        "/api/quality/stats/support-list/", {"year": "2024", "exam": "monitoring", "below": "20"}
    )
    assert answer.status_code == 200, answer.content
    shown = sum(len(school["learners"]) for school in answer.json()["schools"])
    content_type = ContentType.objects.get_for_model(LearnerResult)
    [entry] = LogEntry.objects.filter(content_type=content_type, action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.additional_data["rows"], shown) == (world.head, 2, 2)

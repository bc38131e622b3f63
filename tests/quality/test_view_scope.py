"""The quality pages take their scope from the base helpers: another institution's head is answered 404 on an
observation, a self-assessment and one of its criteria, exactly as for a missing row; the support list (learners
under a threshold, by name) writes one audit entry per request with the number of learners it shows."""

from __future__ import annotations

from collections.abc import Callable
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
from eduboard.quality.models import ExamSitting, LearnerResult, Observation, Subject
from tests.factories import UserFactory
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_another_institutions_head_gets_404_on_an_observation_and_a_self_assessment(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observation = observe()
    assessment = services.self_assessment_start(
        institution=world.school,
        school_year=school_year_get_or_create(code="2024/2025"),
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )
    entry = assessment.entries.order_by("pk").first()
    assert entry is not None
    pages = [
        f"/quality/observations/{observation.pk}/",
        f"/quality/self-assessments/{assessment.pk}/",
        f"/quality/self-assessments/criteria/{entry.pk}/",
    ]
    own = signed_in(world.head)
    assert [own.get(page).status_code for page in pages] == [200, 200, 200]
    stranger = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[world.other_school]))
    assert [stranger.get(page).status_code for page in pages] == [404, 404, 404]
    # A change through the page is refused the same way, and nothing changes.
    posted = stranger.post(pages[2], {"save_entry": "1", "level": "good", "version": entry.version})
    assert posted.status_code == 404
    entry.refresh_from_db()
    assert entry.level == ""


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

"""The self-assessment pages: a head edits only their institution's draft (never a published one, never on a stale
copy), the board comments and agrees, the report's file is built for whoever may read it, and a page's queries do
not grow with its criteria."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.models import Evidence, SelfAssessment
from eduboard.reports.models import FileJob
from tests.factories import UserFactory
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def assessment(world: World) -> SelfAssessment:
    return services.self_assessment_start(
        institution=world.school,
        school_year=school_year_get_or_create(code="2024/2025"),
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )


@pytest.fixture
def board(world: World) -> User:
    return UserFactory(username="valde", role=Role.BOARD_ADMIN)


def entry_url(assessment: SelfAssessment, code: str) -> tuple[str, int]:
    entry = assessment.entries.get(criterion__code=code)
    return f"/quality/self-assessments/criteria/{entry.pk}/", entry.version


def test_a_head_saves_a_criterion_of_their_draft_and_a_stale_copy_is_refused_keeping_the_text(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    url, version = entry_url(assessment, "2.1")
    saved = head.post(url, {"save_entry": "1", "level": "good", "description": "Skaidri mērķi.", "version": version})
    assert saved.status_code == 302
    entry = assessment.entries.get(criterion__code="2.1")
    assert (entry.level, entry.description, entry.version) == ("good", "Skaidri mērķi.", version + 1)
    stale = head.post(url, {"save_entry": "1", "level": "excellent", "description": "Vecā kopija", "version": version})
    assert stale.status_code == 200  # the form again, with the error and what was typed
    assert "Vecā kopija" in stale.content.decode()
    entry.refresh_from_db()
    assert entry.level == "good" and entry.description == "Skaidri mērķi."


def test_a_published_self_assessment_and_another_schools_are_not_the_heads_to_edit(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    url, version = entry_url(assessment, "2.1")
    SelfAssessment.objects.filter(pk=assessment.pk).update(status="published")
    head.post(url, {"save_entry": "1", "level": "good", "description": "Vēlāk", "version": version})
    assert assessment.entries.get(criterion__code="2.1").description == ""  # frozen
    page = head.get(url).content.decode()
    assert "save_entry" not in page  # no form to edit it
    other = services.self_assessment_start(
        institution=world.other_school,
        school_year=school_year_get_or_create(code="2024/2025"),
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )
    other_url, other_version = entry_url(other, "2.1")
    assert head.get(f"/quality/self-assessments/{other.pk}/").status_code == 404
    assert head.get(other_url).status_code == 404
    refused = head.post(other_url, {"save_entry": "1", "level": "good", "version": other_version})
    assert refused.status_code == 404 and other.entries.get(criterion__code="2.1").level == ""


def test_the_head_submits_the_board_comments_and_agrees_and_a_teacher_takes_no_step(
    world: World, assessment: SelfAssessment, board: User, signed_in: Callable[[User], Client]
) -> None:
    head, valde, anna = signed_in(world.head), signed_in(board), signed_in(world.anna_user)
    url, version = entry_url(assessment, "2.1")
    head.post(url, {"save_entry": "1", "level": "good", "version": version})
    assessment.refresh_from_db()
    detail = f"/quality/self-assessments/{assessment.pk}/"
    anna.post(f"{detail}submit/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "draft"  # a teacher reads it, takes no step
    head.post(f"{detail}submit/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.submitted_by == world.head
    entry = assessment.entries.get(criterion__code="2.1")
    valde.post(url, {"save_comment": "1", "comment": "Pievienojiet vērojumu datus.", "version": entry.version})
    assert assessment.entries.get(criterion__code="2.1").board_comment == "Pievienojiet vērojumu datus."
    head.post(f"{detail}agree/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "submitted"  # only the board agrees
    valde.post(f"{detail}agree/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "agreed" and assessment.agreed_by == board
    assert "Pievienojiet vērojumu datus." in head.get(detail).content.decode()


def test_the_report_file_is_built_for_the_head_and_fetched_by_them_only(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    started = head.post(f"/reports/self-assessments/{assessment.pk}/file/html/", {"lang": "lv"})
    assert started.status_code == 302
    job = FileJob.objects.get()
    assert job.self_assessment_id == assessment.pk and job.status == FileJob.Status.DONE, job.error
    document = b"".join(head.get(f"/reports/jobs/{job.pk}/file/").streaming_content).decode()
    assert "Zinātņu vidusskola" in document and "Pašvērtējums jomā" in document
    assert signed_in(world.anna_user).get(f"/reports/jobs/{job.pk}/file/").status_code == 404
    other_head = UserFactory(username="cits", role=Role.INSTITUTION_HEAD, institutions=[world.other_school])
    refused = signed_in(other_head).post(f"/reports/self-assessments/{assessment.pk}/file/html/")
    assert refused.status_code == 404 and FileJob.objects.count() == 1


def test_the_self_assessment_page_reads_in_a_bounded_number_of_queries(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    detail = f"/quality/self-assessments/{assessment.pk}/"
    head.get(detail)  # warm the session and caches
    with CaptureQueriesContext(connection) as bare:
        assert head.get(detail).status_code == 200
    for entry in assessment.entries.all():
        entry.level, entry.description, entry.board_comment = "good", "Teksts", "Komentārs"
        entry.save()
        Evidence.objects.create(entry=entry, kind="document", title="Plāns", url="https://example.lv/plans")
    with CaptureQueriesContext(connection) as full:
        assert head.get(detail).status_code == 200
    assert len(full) == len(bare)  # 20 criteria rated, commented and with evidence: no query more

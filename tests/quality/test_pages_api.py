"""Quality pages and API: who may open what, exports, the stats endpoints, recording through the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.defaults import criterion_codes
from eduboard.quality.models import ExamResult, ExamSitting, Observation, Subject
from tests.factories import UserFactory
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PAGES = [
    "/quality/",
    "/quality/observations/",
    "/quality/observations/new/",
    "/quality/forms/",
    "/quality/exams/",
    "/quality/exams/results/",
    "/quality/exams/support/",
]


@pytest.mark.parametrize("url", PAGES)
def test_board_observer_opens_every_quality_page(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client], url: str
) -> None:
    observe()
    assert signed_in(world.observer).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_innovation_centre_staff_may_not_open_quality_pages(
    world: World, signed_in: Callable[[User], Client], url: str
) -> None:
    centre = UserFactory(role=Role.CENTRE_STAFF)
    assert signed_in(centre).get(url).status_code == 403


def test_recording_on_the_page_counts_the_lesson(world: World, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(world.head)
    data = {
        "date": "2024-03-12",
        "institution": world.school.pk,
        "kind": "internal",
        "teacher": world.anna.pk,
        "subject": "Fizika",
        "grade": "9.a",
        **{f"c_{code}": "yes" for code in criterion_codes()},
        "c_three_parts": "no",
    }
    response = client.post("/quality/observations/new/", data)
    assert response.status_code == 302
    stats = client.get("/api/quality/stats/observations/?from=2024-03-01&to=2024-03-31").json()
    assert stats["lessons"] == 1
    assert stats["criteria"]["three_parts"]["percent"] == 0.0
    assert stats["criteria"]["results_defined"]["percent"] == 100.0
    # a head may not record an external observation: the choice is not offered
    data["kind"] = "external"
    assert client.post("/quality/observations/new/", data).status_code == 200
    assert Observation.objects.count() == 1


def test_observation_list_exports_csv_and_xlsx(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observe()
    client = signed_in(world.observer)
    csv_text = client.get("/quality/observations/?export=csv").content.decode("utf-8-sig")
    assert "Ozola" in csv_text and "2024-03-12" in csv_text
    xlsx = client.get("/quality/observations/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_opening_an_observation_is_audited_and_the_teachers_code_is_masked(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observation = observe()
    page = signed_in(world.anna_user).get(f"/quality/observations/{observation.pk}/").content.decode()
    assert world.anna.personal_code not in page
    assert world.anna.personal_code[:6] + "-*****" in page
    assert LogEntry.objects.filter(object_pk=str(observation.pk), actor=world.anna_user).exists()


def test_api_records_an_observation_and_refuses_a_missing_answer(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(world.observer)
    body = {
        "date": "2024-02-01",
        "institution": "9000000011",
        "kind": "external",
        "teacher": world.boris.personal_code,
        "subject": "Ķīmija",
        "grade": "10.b",
        "answers": dict.fromkeys(criterion_codes(), "partly"),
    }
    created = client.post("/api/quality/observations/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["answers"]["three_parts"] == "partly"
    del body["answers"]["in_latvian"]  # type: ignore[attr-defined]
    refused = client.post("/api/quality/observations/", body, content_type="application/json")
    assert refused.status_code == 400
    assert "in_latvian" in refused.json()
    assert Observation.objects.count() == 1


def test_exam_stats_api_is_scoped_to_the_caller(world: World, signed_in: Callable[[User], Client]) -> None:
    sitting = ExamSitting.objects.create(
        year=2024,
        exam="ce_basic",
        subject=Subject.objects.create(name="Angļu valoda"),
        national_mean_percent=Decimal("63.9"),
    )
    ExamResult.objects.create(sitting=sitting, institution=world.school, candidates=10, mean_percent=Decimal("40"))
    ExamResult.objects.create(
        sitting=sitting, institution=world.other_school, candidates=30, mean_percent=Decimal("60")
    )
    board = signed_in(world.analyst).get("/api/quality/stats/exams/?year=2024&exam=ce_basic").json()
    head = signed_in(world.head).get("/api/quality/stats/exams/?year=2024&exam=ce_basic").json()
    assert board["results"][0]["mean_percent"] == 55.0
    assert head["results"][0]["mean_percent"] == 40.0
    assert signed_in(world.head).get("/api/quality/exam-results/").json()["count"] == 1
    page = signed_in(world.analyst).get("/quality/exams/?year=2024&exam=ce_basic").content.decode()
    assert "55,00" in page and "63,90" in page and 'data-chart="chart-exams"' in page


@pytest.mark.usefixtures("english")
def test_preschool_graduates_monitoring_reads_as_such_with_no_mean_on_the_pages(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    """Seed 002's 846 preschool graduates: a monitoring sitting of grade 0, assessed by criteria without a mean."""
    latvian = Subject.objects.create(name="Latviešu valoda")
    graduates = ExamSitting.objects.create(year=2024, exam="monitoring", subject=latvian, grade=0)
    first_grade = ExamSitting.objects.create(year=2024, exam="monitoring", subject=latvian, grade=1)
    ExamResult.objects.create(sitting=graduates, institution=world.school, candidates=46, mean_percent=None)
    ExamResult.objects.create(sitting=first_grade, institution=world.school, candidates=52, mean_percent=Decimal("71"))
    client = signed_in(world.analyst)
    results = client.get("/quality/exams/results/", {"year": 2024}).content.decode()
    assert "preschool graduates" in results and "by criteria" in results
    assert "None" not in results
    comparison = client.get("/quality/exams/", {"year": 2024, "exam": "monitoring"}).content.decode()
    labels = re.findall(r"<tr><td>(Latviešu valoda[^<]*)</td>", comparison)
    assert labels == ["Latviešu valoda, preschool graduates", "Latviešu valoda, 1."]


def test_stats_page_shows_the_chart_and_its_table(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observe(on=date(2024, 3, 12))
    page = signed_in(world.observer).get("/quality/?date_from=2023-09-01&date_to=2024-06-30").content.decode()
    assert 'data-chart="chart-criteria"' in page
    assert 'id="criterion-results_defined"' in page
    assert "chart-4.4.7.umd.min.js" in page


def test_form_versions_in_the_api_cost_the_same_queries_however_many_and_keep_criterion_order(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(world.observer)
    client.get("/api/quality/forms/")  # the process's first request warms what every later one reuses
    with CaptureQueriesContext(connection) as one_version:
        first = client.get("/api/quality/forms/").json()
    form = selectors.form_in_use()
    services.observation_form_revise(
        viewer=WHOLE_CITY, form=form, criteria=selectors.form_specs(form), note="the same criteria again"
    )
    services.observation_form_revise(
        viewer=WHOLE_CITY, form=selectors.form_in_use(), criteria=selectors.form_specs(form), note="again"
    )
    with CaptureQueriesContext(connection) as three_versions:
        listed = client.get("/api/quality/forms/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == len(first["results"] if isinstance(first, dict) else first) + 2
    assert len(three_versions) == len(one_version)
    for row in rows:
        assert [c["code"] for c in row["criteria"]] == criterion_codes()
        assert all(c["scale"] for c in row["criteria"])

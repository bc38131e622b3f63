"""Self-assessments, accreditations and heads' evaluations through the API and the figures command: the workflow
and who may take each step, the review rule, scoping, stale versions, and the figures' JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7, FRAMEWORK_HEADS, FRAMEWORK_MK325
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import Framework, HeadEvaluation, SelfAssessment, UnifiedSchoolStatus
from tests.factories import UserFactory
from tests.quality.conftest import World, teacher

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

JSON = "application/json"


@pytest.fixture
def year(db: None) -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        code="2024/2025", defaults={"start_date": date(2024, 9, 1), "end_date": date(2025, 8, 31)}
    )[0]


@pytest.fixture
def admin(world: World) -> User:
    return UserFactory(username="valde", role=Role.BOARD_ADMIN)


def start(world: World, year: SchoolYear, code: str = FRAMEWORK_MK325, institution: Any = None) -> SelfAssessment:
    return services.self_assessment_start(
        institution=institution or world.school,
        school_year=year,
        framework=selectors.framework_in_use(code=code),
        viewer=WHOLE_CITY,
    )


def rate(assessment: SelfAssessment, code: str, level: str, **texts: str) -> None:
    entry = assessment.entries.get(criterion__code=code)
    entry.level = level
    for name, value in texts.items():
        setattr(entry, name, value)
    services.self_assessment_entry_save(entry=entry, viewer=WHOLE_CITY, expected_version=entry.version)


def test_shipped_frameworks_have_the_issues_areas_codes_and_levels(db: None) -> None:
    ensure_frameworks()  # what migration 0007 writes (again, if a transactional test emptied the tables)
    mk325 = Framework.objects.get(code=FRAMEWORK_MK325)
    assert list(mk325.areas.values_list("name", flat=True)) == [
        "Atbilstība mērķiem",
        "Kvalitatīvas mācības",
        "Iekļaujoša vide",
        "Laba pārvaldība",
    ]
    areas7 = Framework.objects.get(code=FRAMEWORK_AREAS7)
    codes = list(areas7.criteria.values_list("code", flat=True))
    assert codes[0] == "1"  # area 1 is rated as a whole
    assert codes[1:4] == ["2.1", "2.2", "2.3"]
    assert [code for code in codes if code.startswith("4.")] == [f"4.{n}" for n in range(1, 8)]
    assert codes[-1] == "7.3" and len(codes) == 1 + 3 + 2 + 7 + 2 + 2 + 3
    assert mk325.levels == ["excellent", "very_good", "good", "needs_improvement", "insufficient"]
    heads = Framework.objects.get(code=FRAMEWORK_HEADS)
    assert list(heads.criteria.values_list("name", flat=True)) == [
        "Administratīvā efektivitāte",
        "Vadības profesionālā darbība",
        "Atbalsts un sadarbība",
    ]


def test_head_starts_fills_and_submits_and_only_the_board_agrees_and_publishes(
    world: World, year: SchoolYear, admin: User, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    created = head.post(
        "/api/quality/self-assessments/",
        {"institution": world.school.registration_number, "school_year": "2024/2025", "framework": FRAMEWORK_MK325},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and len(body["entries"]) == 12
    entry = next(e for e in body["entries"] if e["criterion"] == "2.1")
    # Submitting before 2.1 has a level is refused: it is reviewed every year.
    refused = head.post(
        f"/api/quality/self-assessments/{body['id']}/submit/", {"version": body["version"]}, content_type=JSON
    )
    assert refused.status_code == 400 and "2.1" in json.dumps(refused.json())
    patched = head.patch(
        f"/api/quality/self-assessment-entries/{entry['id']}/",
        {"level": "good", "description": "Stundas ir strukturētas.", "version": entry["version"]},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.json()
    stale = head.patch(
        f"/api/quality/self-assessment-entries/{entry['id']}/",
        {"strengths": "Vecā kopija", "version": entry["version"]},
        content_type=JSON,
    )
    assert stale.status_code == 409
    submitted = head.post(
        f"/api/quality/self-assessments/{body['id']}/submit/", {"version": body["version"]}, content_type=JSON
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by"] == world.head.username
    version = submitted.json()["version"]
    # The head may not agree their own; the board does, then publishes.
    assert (
        head.post(f"/api/quality/self-assessments/{body['id']}/agree/", {"version": version}, content_type=JSON)
    ).status_code == 403  # a board-only step
    board = signed_in(admin)
    agreed = board.post(f"/api/quality/self-assessments/{body['id']}/agree/", {"version": version}, content_type=JSON)
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
    published = board.post(
        f"/api/quality/self-assessments/{body['id']}/publish/",
        {"version": agreed.json()["version"]},
        content_type=JSON,
    )
    assert published.json()["status"] == "published" and published.json()["published_by"] == admin.username
    # Frozen: neither the head nor the board changes a published one.
    entry_now = board.get(f"/api/quality/self-assessment-entries/{entry['id']}/").json()
    for client in (head, board):
        frozen = client.patch(
            f"/api/quality/self-assessment-entries/{entry['id']}/",
            {"level": "excellent", "version": entry_now["version"]},
            content_type=JSON,
        )
        assert frozen.status_code == 400
    assert SelfAssessment.objects.get().entries.get(criterion__code="2.1").level == "good"


def test_head_never_sees_or_starts_another_schools_self_assessment(
    world: World, year: SchoolYear, signed_in: Callable[[User], Client]
) -> None:
    foreign = start(world, year, institution=world.other_school)
    head = signed_in(world.head)
    assert head.get(f"/api/quality/self-assessments/{foreign.pk}/").status_code == 404
    entry = foreign.entries.first()
    assert entry is not None
    assert head.get(f"/api/quality/self-assessment-entries/{entry.pk}/").status_code == 404
    assert (
        head.patch(
            f"/api/quality/self-assessment-entries/{entry.pk}/", {"level": "good", "version": 1}, content_type=JSON
        ).status_code
        == 404
    )
    refused = head.post(
        "/api/quality/self-assessments/",
        {"institution": world.other_school.registration_number, "school_year": "2024/2025", "framework": "areas7"},
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert head.get("/api/quality/self-assessments/").json()["count"] == 0
    with pytest.raises(ValidationError):
        services.self_assessment_entry_save(entry=entry, viewer=world.head)


def test_every_criterion_once_in_four_years_and_2_1_every_year(world: World, year: SchoolYear) -> None:
    years = {
        code: SchoolYear.objects.get_or_create(
            code=code, defaults={"start_date": date(first, 9, 1), "end_date": date(first + 1, 8, 31)}
        )[0]
        for code, first in (("2020/2021", 2020), ("2021/2022", 2021))
    }
    old = start(world, years["2020/2021"], code=FRAMEWORK_AREAS7)
    rate(old, "5.1", "good")  # reviewed 4 years before 2024/2025: too long ago
    later = start(world, years["2021/2022"], code=FRAMEWORK_AREAS7)
    rate(later, "6.2", "good")  # 2021/2022 is within the four years 2021/2022–2024/2025
    now = start(world, year, code=FRAMEWORK_AREAS7)
    rate(now, "7.3", "very_good")
    problems = {problem["criterion"]: problem for problem in selectors.review_rule_problems(assessment=now)}
    assert problems["2.1"]["rule"] == "every_year"
    assert problems["5.1"]["rule"] == "four_years" and problems["5.1"]["last_reviewed"] == "2020/2021"
    assert "6.2" not in problems and "7.3" not in problems
    assert problems["4.4"]["last_reviewed"] is None
    rate(now, "2.1", "good")
    assert "2.1" not in {problem["criterion"] for problem in selectors.review_rule_problems(assessment=now)}


def test_self_assessment_figures_count_levels_by_criterion_and_the_late(
    world: World, year: SchoolYear, admin: User, signed_in: Callable[[User], Client]
) -> None:
    ours = start(world, year)
    rate(ours, "2.1", "good")
    rate(ours, "4.2", "excellent")
    theirs = start(world, year, institution=world.other_school)
    rate(theirs, "2.1", "good")
    services.self_assessment_submit(assessment=ours, viewer=world.head)
    SelfAssessment.objects.filter(pk=ours.pk).update(submitted_at=datetime(2025, 9, 15, 12, tzinfo=UTC))
    figures = selectors.self_assessment_figures(visible_to=WHOLE_CITY, school_year=year, today=date(2025, 9, 30))
    assert figures["by_criterion"]["2.1"]["good"] == 2
    assert figures["by_criterion"]["4.2"] == {
        "excellent": 1,
        "very_good": 0,
        "good": 0,
        "needs_improvement": 0,
        "insufficient": 0,
    }
    assert (figures["submitted"], figures["published"], figures["late"]) == (1, 0, 0)  # not due yet
    # After 1 October 2025: the school that submitted in time is not late; the other (a draft) is.
    after = selectors.self_assessment_figures(visible_to=WHOLE_CITY, school_year=year, today=date(2025, 10, 2))
    assert after["late"] == 1
    late = selectors.self_assessments_late(visible_to=WHOLE_CITY, school_year=year, today=date(2025, 10, 2))
    assert [row["institution"] for row in late] == [world.other_school]
    out = StringIO()
    call_command("quality_stats", "self_assessment", "--year", "2024/2025", "--as-of", "2025-10-02", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(json.dumps(after))
    api = signed_in(admin).get("/api/quality/stats/self-assessment/?year=2024/2025&as_of=2025-10-02").json()
    assert api == json.loads(out.getvalue())
    # A head's figures are their own school's.
    mine = signed_in(world.head).get("/api/quality/stats/self-assessment/?year=2024/2025&as_of=2025-10-02").json()
    assert mine["by_criterion"]["2.1"]["good"] == 1 and mine["late"] == 0


def head_of(world: World, institution: Any, birth: date, user: User | None = None) -> Any:
    person = teacher("Vadītājs", f"Nr{birth.day}", institution, birth, user)
    Employment.objects.filter(staff_member=person).update(position=PositionKind.objects.get(code="head"))
    return person


def test_heads_evaluations_are_the_boards_and_the_heads_own_only(
    world: World, admin: User, signed_in: Callable[[User], Client]
) -> None:
    ours = head_of(world, world.school, date(1970, 1, 5), world.head)
    theirs = head_of(world, world.other_school, date(1971, 2, 6))
    framework = selectors.framework_in_use(code=FRAMEWORK_HEADS)
    for person, institution, overall in ((ours, world.school, "good"), (theirs, world.other_school, "excellent")):
        services.head_evaluation_save(
            evaluation=HeadEvaluation(
                head=person,
                institution=institution,
                framework=framework,
                evaluated_on=date(2024, 5, 31),
                overall_level=overall,
            ),
            levels={"4.1": overall, "4.2": overall, "4.3": "good"},
            viewer=admin,
        )
    with pytest.raises(ValidationError):  # a head never records one
        services.head_evaluation_save(
            evaluation=HeadEvaluation(
                head=ours, institution=world.school, framework=framework, evaluated_on=date(2024, 6, 1)
            ),
            viewer=world.head,
        )
    head = signed_in(world.head)
    listed = head.get("/api/quality/head-evaluations/").json()
    assert [row["overall_level"] for row in listed["results"]] == ["good"]
    assert listed["results"][0]["levels"] == {"4.1": "good", "4.2": "good", "4.3": "good"}
    assert listed["results"][0]["head"].endswith("*****")  # masked
    other = HeadEvaluation.objects.get(head=theirs)
    assert head.get(f"/api/quality/head-evaluations/{other.pk}/").status_code == 404
    for someone in (world.observer, world.anna_user):  # not the board's evaluators, not the head concerned
        assert signed_in(someone).get("/api/quality/head-evaluations/").status_code == 403
    figures = signed_in(admin).get("/api/quality/stats/heads/?as_of=2024-08-20").json()
    assert figures["levels"] == {"excellent": 1, "very_good": 0, "good": 1, "needs_improvement": 0, "insufficient": 0}
    assert signed_in(world.head).get("/api/quality/stats/heads/?as_of=2024-08-20").json()["levels"]["good"] == 1
    assert signed_in(world.head).get("/api/quality/stats/heads/?as_of=2024-05-30").json()["heads"] == 0


def test_heads_figures_take_each_heads_latest_evaluation_and_schools_latest_status(world: World, admin: User) -> None:
    person = head_of(world, world.school, date(1970, 1, 5))
    framework = selectors.framework_in_use(code=FRAMEWORK_HEADS)
    for day, level in ((date(2022, 5, 1), "needs_improvement"), (date(2024, 5, 1), "very_good")):
        services.head_evaluation_save(
            evaluation=HeadEvaluation(
                head=person, institution=world.school, framework=framework, evaluated_on=day, overall_level=level
            ),
            viewer=admin,
        )
    statuses = ((date(2022, 9, 1), "does_not_meet", "not"), (date(2023, 9, 30), "meets", "partly"))
    for day, environment, transition in statuses:
        services.unified_school_status_save(
            status=UnifiedSchoolStatus(
                institution=world.school, assessed_on=day, environment=environment, head_transition=transition
            ),
            viewer=admin,
        )
    figures = selectors.heads_figures(visible_to=WHOLE_CITY, as_of=date(2024, 8, 20))
    assert figures["levels"]["very_good"] == 1 and figures["levels"]["needs_improvement"] == 0
    assert figures["unified_school"] == {
        "schools": 1,
        "environment": {"meets": 1, "partly": 0, "does_not_meet": 0},
        "head": {"ensured": 0, "partly": 1, "not": 0},
    }
    earlier = selectors.heads_figures(visible_to=WHOLE_CITY, as_of=date(2023, 1, 1))
    assert earlier["levels"]["needs_improvement"] == 1
    assert earlier["unified_school"]["environment"]["does_not_meet"] == 1
    out = StringIO()
    call_command("quality_stats", "heads", "--as-of", "2024-08-20", stdout=out)
    assert json.loads(out.getvalue())["unified_school"] == figures["unified_school"]


def test_accreditation_expiry_and_the_list_expiring_within_12_months(
    world: World, admin: User, signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(admin)
    made = board.post(
        "/api/quality/accreditations/",
        {
            "institution": world.school.registration_number,
            "accredited_on": "2021-12-01",
            "term_years": 6,
            "framework": FRAMEWORK_MK325,
            "levels": {"2.1": "very_good"},
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.json()
    assert made.json()["expires_on"] == "2027-11-30" and made.json()["levels"] == {"2.1": "very_good"}
    too_long = board.post(
        "/api/quality/accreditations/",
        {"institution": world.school.registration_number, "accredited_on": "2021-12-01", "term_years": 7},
        content_type=JSON,
    )
    assert too_long.status_code == 400
    expiring = selectors.accreditations_expiring(visible_to=WHOLE_CITY, today=date(2026, 12, 1))
    assert [a.institution for a in expiring] == [world.school]
    assert not selectors.accreditations_expiring(visible_to=WHOLE_CITY, today=date(2025, 11, 29))
    # A head reads their school's accreditations but does not record them.
    head = signed_in(world.head)
    assert head.get("/api/quality/accreditations/").json()["count"] == 1
    refused = head.post(
        "/api/quality/accreditations/",
        {"institution": world.school.registration_number, "accredited_on": "2024-01-01", "term_years": 2},
        content_type=JSON,
    )
    assert refused.status_code in (400, 403)


def test_readiness_report_states_heads_levels_and_unified_school_and_a_head_reads_only_their_own(
    world: World, admin: User
) -> None:
    from eduboard.reports.readiness import build_readiness

    ours = head_of(world, world.school, date(1970, 1, 5), world.head)
    theirs = head_of(world, world.other_school, date(1971, 2, 6))
    framework = selectors.framework_in_use(code=FRAMEWORK_HEADS)
    for person, institution, overall, environment in (
        (ours, world.school, "excellent", "meets"),
        (theirs, world.other_school, "needs_improvement", "partly"),
    ):
        services.head_evaluation_save(
            evaluation=HeadEvaluation(
                head=person, institution=institution, framework=framework, evaluated_on=date(2024, 5, 31),
                overall_level=overall,
            ),
            viewer=admin,
        )  # fmt: skip
        services.unified_school_status_save(
            status=UnifiedSchoolStatus(
                institution=institution, head=person, assessed_on=date(2023, 9, 30), environment=environment,
                head_transition="ensured",
            ),
            viewer=admin,
        )  # fmt: skip

    def heads_part(viewer: Any) -> dict[str, Any]:
        content = build_readiness(as_of=date(2024, 8, 20), visible_to=viewer)
        blocks = [block for section in content["sections"] for block in section["blocks"]]
        found = {item["key"]: item["value"] for b in blocks if b["type"] == "figures" for item in b["items"]}
        table = next((b for b in blocks if b.get("key") == "quality.heads"), None)
        return {"figures": found, "table": table}

    city = heads_part(WHOLE_CITY)
    assert city["figures"]["quality.unified.schools"] == 2
    assert city["figures"]["quality.unified.meets"] == 1 and city["figures"]["quality.unified.partly"] == 1
    assert city["figures"]["quality.unified.head_ensured"] == 2
    assert city["table"]["rows"][0][1] == 1 and city["table"]["rows"][3][1] == 1  # excellent, needs improvement
    assert city["table"]["total"][1] == 2
    mine = heads_part(world.head)
    assert mine["figures"]["quality.unified.schools"] == 1 and mine["table"]["total"][1] == 1
    assert "quality.unified.schools" not in heads_part(world.observer)["figures"]  # not the observers'

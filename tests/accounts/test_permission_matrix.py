"""The permission matrix: every URL and API route that names a row × every role × the own (A) and the foreign (B) row.

Generated from the URL resolver and the API router. A page or route that names a row is mapped here to the kind of
row it takes (OBJECT_PAGES, QUERY_PAGES, the router's basenames in API_KINDS); every other URL is listed in
tests/accounts/test_list_matrix.py's tables (lists, exports, documents, pickers, search, public pages, pages with no
row). A URL that is in none of them fails `test_every_url_is_in_the_matrix` there, so a new view is covered the day
it is added. Expected: a role gets 200 (or the page's own success answer) exactly when it sees the row and
holds the view's permission; otherwise 403 or 404, never the row, and a refused write changes nothing.

Below the matrix, one regression test per probe of issue 13.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from eduboard.accounts.roles import Role, role_allows
from eduboard.api import router
from eduboard.core.imports import ImportFailed
from eduboard.core.models import ImportJob
from eduboard.people.models import Employment, Qualification, TrainingRecord
from eduboard.people.selectors import people_stats
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.models import Observation, ObservationForm
from eduboard.registry.importers import LearnerImporter
from eduboard.registry.models import Enrolment, Learner, QueueEntry
from eduboard.registry.selectors import registry_stats
from tests.accounts.matrix_world import (
    AS_OF,
    BOARD_ROLES,
    CODES,
    ROLES,
    YEAR_CODE,
    World,
    build_world,
    change_log_file,
    fingerprint,
    sign_in,
    table_counts,
)
from tests.imports_helpers import write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

ANONYMOUS = "anonymous"
CALLERS: tuple[str, ...] = (*ROLES, ANONYMOUS)
LOCAL = (Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.CENTRE_STAFF)  # hold institution A only
HEAD = Role.INSTITUTION_HEAD
REFUSED = frozenset({403, 404})
REFUSED_WRITE = frozenset({403, 404, 405})
ANONYMOUS_REFUSED = frozenset({302, 401, 403, 404})
# Heads' evaluations and unified-school statuses: the board's administrators and analysts (not its observers) and
# the head concerned only (issue 18).
HEADS_JUDGEMENTS = frozenset({"headevaluation", "unifiedschoolstatus"})
HEADS_EVALUATORS = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST})

# City-wide reference data: one row, read by every signed-in role (a role may still lack the view's permission).
REFERENCE = frozenset(
    {
        "programme", "positionkind", "trainingrequirement", "fundingsource", "institutionset", "costrate",
        "mealrule", "dayoff", "settlementline", "observationform", "municipality", "assetkind", "projectprogramme",
        "framework", "cateringcontract", "retentionrule",
    }
)  # fmt: skip


def has_perm(role: str, perm: str) -> bool:
    """What accounts.backends.RoleBackend answers for a user of `role` (none of the world's users is a superuser)."""
    app_label, _dot, codename = perm.partition(".")
    action, _underscore, model = codename.partition("_")
    return role_allows(role, app_label, action, model)


def sees(kind: str, side: str, role: str) -> bool:
    """Whether `role` may read the `side` ("own": A's, "foreign": B's) row of `kind`: the matrix's expectation,
    written from the roles' description (accounts.roles), not from the code under test."""
    if kind == "public-vacancy":  # published (own) for everyone, unpublished (foreign) for no one
        return side == "own"
    if role == ANONYMOUS:
        return False
    if kind == "apitoken":  # a token is its owner's (the head's own; B's head's is foreign to everyone else)
        return side == "own" and role == HEAD
    if kind == "importjob":  # the head's own import, B's head's import; read by those who may read all imports
        return (side == "own" and role == HEAD) or has_perm(role, "core.view_importjob")
    if kind == "edition":  # published (own) for everyone signed in, a draft (foreign) for the board
        return side == "own" or role in BOARD_ROLES
    if kind in REFERENCE:
        return True
    if kind == "material":  # the centre's teaching materials are read by everyone signed in (teachers-only too)
        return True
    if kind in HEADS_JUDGEMENTS:  # the board's evaluators, and A's head (evaluated, and head of A) their own
        return role in HEADS_EVALUATORS or (side == "own" and role == HEAD)
    return side == "own" or role in BOARD_ROLES  # rows of institutions: A's for A's roles, all for the board


# Kinds every signed-in user reads, though only their institutions' roles change them: the shared calendar's events
# (the API reads them as the month view does; the edit page asks `sees`, the organiser's scope).
READ_BY_ALL_SIGNED_IN = frozenset({"event"})


def reads(kind: str, side: str, role: str) -> bool:
    """`sees`, for reading a row (the API's list and detail routes)."""
    return role != ANONYMOUS if kind in READ_BY_ALL_SIGNED_IN else sees(kind, side, role)


@dataclass(frozen=True)
class Page:
    """A page (or non-router API view) that names one row in its URL."""

    kind: str
    perm: str | None  # the permission the view asks for (None: signed in is enough)
    method: str = "GET"
    extra: dict[str, str] = field(default_factory=dict)  # other URL arguments
    only: frozenset[str] | None = None  # roles the view admits at all, whatever the permission says
    ok: frozenset[int] = frozenset({200})
    pk: str = "pk"


BOARD_ONLY = frozenset(BOARD_ROLES)
REDIRECT = frozenset({302})
OBJECT_PAGES: dict[str, Page] = {
    "reports:edition_detail": Page("edition", "reports.view_reportedition"),
    # a published edition answers with a redirect to itself (it is frozen), a draft with the form
    "reports:edition_edit": Page("edition", "reports.change_reportedition", only=BOARD_ONLY, ok=frozenset({200, 302})),
    "reports:edition_action": Page(
        "edition", "reports.change_reportedition", "POST", {"action": "publish"}, only=BOARD_ONLY, ok=REDIRECT
    ),
    "reports:edition_download": Page(
        "edition", "reports.view_reportedition", "POST", extra={"fmt": "html"}, ok=REDIRECT
    ),
    "api-reports-edition": Page("edition", "reports.view_reportedition"),
    "accounts:api_token_revoke": Page("apitoken", None, "POST", ok=REDIRECT),
    "registry:institution_detail": Page("institution", "registry.view_institution"),
    "registry:group_detail": Page("group", "registry.view_group"),
    "registry:learner_detail": Page("learner", "registry.view_learner"),
    "registry:enrolment_leave": Page("enrolment", "registry.change_enrolment"),
    "registry:learner_correct": Page("learner", "registry.change_learner"),
    "privacy:request_detail": Page("accessrequest", "privacy.view_accessrequest"),
    # a prepared answer is given only once signed off: a reader of the request is sent back to it
    "privacy:request_answer": Page("accessrequest", "privacy.view_accessrequest", extra={"fmt": "json"}, ok=REDIRECT),
    # only the board's administrators sign an answer off (privacy.rules.SIGNING_ROLES); others are refused (403)
    "privacy:request_sign_off": Page(
        "accessrequest", "privacy.view_accessrequest", "POST", only=frozenset({Role.BOARD_ADMIN}), ok=REDIRECT
    ),
    "privacy:rule_edit": Page("retentionrule", "privacy.change_retentionrule"),
    "registry:queue_offer": Page("queueentry", "registry.change_queueentry"),
    "registry:queue_decide": Page(
        "queueentry", "registry.change_queueentry", "POST", {"decision": "withdraw"}, ok=REDIRECT
    ),
    "people:staff_detail": Page("staffmember", "people.view_staffmember"),
    "people:employment_add": Page("staffmember", "people.add_employment", "POST", ok=REDIRECT),
    "people:training_add": Page("staffmember", "people.add_trainingrecord", "POST", ok=REDIRECT),
    "people:vacancy_edit": Page("vacancy", "people.change_vacancy"),
    "people:vacancy_step": Page("vacancy", "people.change_vacancy", "POST", {"step": "publish"}, ok=REDIRECT),
    "finance:allocation_detail": Page("allocation", "finance.view_allocation"),
    "finance:allocation_edit": Page("allocation", "finance.add_allocation"),
    "finance:allocation_delete": Page("allocation", "finance.delete_allocation", "POST", ok=REDIRECT),
    "finance:expenditure_edit": Page("expenditure", "finance.change_expenditure"),
    "finance:meal_rule_edit": Page("mealrule", "finance.add_mealrule"),
    "finance:catering_edit": Page("cateringcontract", "finance.change_cateringcontract"),
    "finance:source_edit": Page("fundingsource", "finance.add_fundingsource"),
    "finance:cost_edit": Page("costrate", "finance.add_costrate"),
    "finance:settlement_statement": Page("municipality", "finance.view_settlementline", pk="municipality_id"),
    "quality:observation_detail": Page("observation", "quality.view_observation"),
    "quality:self_assessment_detail": Page("selfassessment", "quality.view_selfassessment"),
    "quality:self_assessment_entry": Page("selfassessmententry", "quality.view_selfassessment"),
    # an empty form is refused with a message: the institution's editors are sent back to the page
    "quality:self_assessment_priorities": Page("selfassessment", "quality.change_selfassessment", "POST", ok=REDIRECT),
    # a step the caller may not take is refused by the service with a message on the page it came from
    "quality:self_assessment_step": Page(
        "selfassessment", "quality.view_selfassessment", "POST", {"step": "submit"}, ok=REDIRECT
    ),
    "reports:self_assessment_file": Page(
        "selfassessment", "quality.view_selfassessment", "POST", extra={"fmt": "html"}, ok=REDIRECT
    ),
    # the self-assessment report's tables: read with the self-assessment (a form, read-only without the right to change)
    "quality:qualification_exam_edit": Page("qualificationexamresult", "quality.view_selfassessment"),
    "quality:interest_participation_edit": Page("interestparticipation", "quality.view_selfassessment"),
    "quality:graduate_employment_edit": Page("graduateemployment", "quality.view_selfassessment"),
    "quality:inspection_edit": Page("inspection", "quality.view_selfassessment"),
    "quality:recommendation_edit": Page("recommendation", "quality.view_selfassessment"),
    "quality:form_detail": Page("observationform", "quality.view_observationform"),
    "quality:form_revise": Page("observationform", "quality.add_observationform"),
    "assets:asset_detail": Page("asset", "assets.view_asset"),
    "assets:loan_detail": Page("loan", "assets.view_loan"),
    "assets:loan_return": Page("loan", "assets.change_loan", "POST", ok=REDIRECT),
    "assets:stocktake_detail": Page("stocktake", "assets.view_stocktake"),
    "projects:project_detail": Page("project", "projects.view_project"),
    "projects:project_edit": Page("project", "projects.change_project"),
    "projects:tranche_plan": Page("project", "projects.change_project"),
    "projects:mobility_add": Page("project", "projects.add_mobility"),
    "projects:prefinancing_add": Page("project", "projects.add_prefinancing"),
    "projects:deadline_add": Page("project", "projects.add_deadline"),
    "projects:document_add": Page("project", "projects.change_project"),
    "projects:mobility_edit": Page("mobility", "projects.change_mobility"),
    "projects:prefinancing_edit": Page("prefinancing", "projects.change_prefinancing"),
    "projects:deadline_edit": Page("deadline", "projects.change_deadline"),
    "innovation:booking_detail": Page("booking", "innovation.view_booking"),
    "innovation:activity_edit": Page("activity", "innovation.view_activity"),
    "innovation:company_edit": Page("studentcompany", "innovation.view_studentcompany"),
    "innovation:fair_edit": Page("fair", "innovation.view_fair"),
    "innovation:programme_event_edit": Page("programmeevent", "innovation.view_programmeevent"),
    "innovation:partner_edit": Page("centrepartner", "innovation.view_centrepartner"),
    "innovation:kit_return": Page("kitloan", "innovation.change_kitloan", "POST", ok=REDIRECT),
    # the calendar is read by everyone signed in (month view); an event is edited by its organiser's roles
    "events_edit": Page("event", "events.add_event"),
    "innovation:booking_status": Page("booking", "innovation.change_booking", "POST", ok=REDIRECT),
    "competitions:competition_detail": Page("competition", "competitions.view_competition"),
    "competitions:competition_edit": Page("competition", "competitions.view_competition"),
    "competitions:competition_certificates": Page("competition", "competitions.view_competition"),
    # drawing a bracket of fewer than two checked robots is refused with a message, back on the competition
    "competitions:competition_draw": Page(
        "competition", "competitions.change_competition", "POST", extra={"discipline": "mini_sumo"}, ok=REDIRECT
    ),
    "competitions:competition_matches": Page(
        "competition", "competitions.view_match", extra={"discipline": "mini_sumo"}
    ),
    "competitions:competition_attempts": Page(
        "competition", "competitions.view_attempt", extra={"discipline": "line_follower"}
    ),
    # the referee's page at the ring and its results renewed every few seconds (issue 44)
    "competitions:competition_ring": Page("competition", "competitions.view_match", extra={"discipline": "mini_sumo"}),
    "competitions:competition_ring_rows": Page(
        "competition", "competitions.view_match", extra={"discipline": "mini_sumo"}
    ),
    # an undo without a reason (or by someone not the head referee) is refused with a message, back on the ring
    "competitions:bracket_undo": Page(
        "competition", "competitions.change_match", "POST", extra={"discipline": "mini_sumo"}, ok=REDIRECT
    ),
    "competitions:score_sheet": Page("scoresheet", "competitions.view_match"),
    # issuing a competition's credentials before its results are final is refused with a message, back on its page
    "credentials:competition_issue": Page("competition", "competitions.change_competition", "POST", ok=REDIRECT),
    # a check without measurements is refused with a message, back on the competition
    "competitions:team_check": Page("team", "competitions.change_team", "POST", ok=REDIRECT),
    "interest:club_edit": Page("club", "registry.view_club"),
    "interest:municipal_licence_edit": Page("municipallicence", "registry.change_municipallicence"),
    "interest:festival_edit": Page("festivalparticipation", "interest.view_festivalparticipation"),
    "materials:material_detail": Page("material", "materials.view_material"),
    "materials:material_edit": Page("material", "materials.view_material"),
    "courses:course_detail": Page("course", "courses.view_course"),
    "courses:course_edit": Page("course", "courses.view_course"),
    "courses:course_participants": Page("course", "courses.view_participant"),
    "courses:course_attendance": Page("course", "courses.change_attendance"),
    "courses:course_certify": Page("course", "courses.change_participant", "POST", ok=REDIRECT),
    "courses:course_certificates": Page("course", "courses.view_participant"),
    "courses:course_session_edit": Page("coursesession", "courses.change_course"),
    "courses:course_certificate": Page("participant", "courses.view_participant"),
    # a board-wide role first gets the form asking why it opens the case (200, no name shown)
    "prevention:case": Page("learner", "prevention.view_supportplan"),
    "core:import_job": Page("importjob", None),
    "core:import_changes": Page("importjob", None),
    # only the one who sent the file retries it (a finished job: told so, and sent back to it)
    "core:import_retry": Page("importjob", None, "POST", only=frozenset({HEAD}), ok=REDIRECT),
    # the same for confirming a previewed file (a job not waiting to be confirmed: told so, and sent back to it)
    "core:import_confirm": Page("importjob", None, "POST", only=frozenset({HEAD}), ok=REDIRECT),
}


@dataclass(frozen=True)
class QueryPage:
    """A URL without a row in its path that names one in its query string."""

    kind: str
    perm: str
    query: Callable[[Any], dict[str, Any]]
    refused: frozenset[int] = REFUSED


QUERY_PAGES: dict[str, QueryPage] = {
    "reports:edition_compare": QueryPage(
        "edition", "reports.view_reportedition", lambda edition: {"first": edition.pk, "second": edition.pk}
    ),
    "api-finance-meal-compensation": QueryPage(
        "institution", "finance.view_mealrule", lambda i: {"institution": i.registration_number, "month": "2025-01"}
    ),
    # an institution outside the scope is a 400 ("no institution with this number in your scope")
    "quality-stats-observations": QueryPage(
        "institution",
        "quality.view_observation",
        lambda i: {"institution": i.registration_number, "from": "2024-09-01", "to": "2025-01-31"},
        REFUSED | {400},
    ),
    "assets:rumis": QueryPage("institution", "assets.view_loan", lambda i: {"institution": i.registration_number}),
    "quality-stats-exams": QueryPage(
        "institution",
        "quality.view_examresult",
        lambda i: {"institution": i.registration_number, "year": 2024},
        REFUSED | {400},
    ),
}

# The back office (Django admin) is left out: its own staff permissions, for board administrators only.
SKIPPED_NAMESPACES = frozenset({"admin"})

ROUTER_NAMES = {pattern.name for pattern in router.urls}


def url_patterns() -> Iterator[tuple[str, str | None, set[str]]]:
    """(route, qualified name, URL arguments) of every pattern the project routes, outside the back office."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str | None, set[str]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield prefix + str(pattern.pattern), name, set(pattern.pattern.regex.groupindex)

    return walk(get_resolver().url_patterns, "", "")


# --- the router's routes


def model_of(viewset: type) -> type[models.Model] | None:
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(viewset, "serializer_class", None)
    return getattr(getattr(serializer, "Meta", None), "model", None)


# basename -> the world's kind of row (the same names, except where noted)
API_KINDS: dict[str, str] = {
    basename: basename
    for basename in [
        "institution", "programme", "group", "learner", "enrolment", "queueentry", "positionkind", "staffmember",
        "employment", "qualification", "vacancy", "trainingrequirement", "trainingrecord", "public-vacancy",
        "fundingsource", "institutionset", "allocation", "expenditure", "costrate", "mealrule", "dayoff",
        "settlementline", "observationform", "observation", "examresult", "assetkind", "asset", "loan", "licence",
        "room", "projectprogramme", "project", "partner", "payment", "prefinancing", "mobility", "deadline",
        "framework", "selfassessment", "selfassessmententry", "accreditation", "headevaluation",
        "unifiedschoolstatus", "cateringcontract",
        "activity", "slot", "booking", "visit", "card", "competition", "team", "course", "participant", "material",
        "event",
    ]
}  # fmt: skip
# basenames without detail routes: figures only
API_WITHOUT_ROWS = {"quality-stats": "figures through selectors with visible_to; probed in QUERY_PAGES"}
# a change a refused PATCH would make (an empty PATCH proves the refusal too, but this shows nothing changed)
PATCHES: dict[str, dict[str, Any]] = {
    "institution": {"name": "Pārdēvēta skola", "version": 1},
    "group": {"name": "9.z", "version": 1},
    "learner": {"first_name": "Pārdēvēts", "version": 1},
    "enrolment": {"leaving_note": "pārcelts", "version": 1},
    "queueentry": {"wanted_start_on": "2026-09-01", "version": 1},
    "staffmember": {"first_name": "Pārdēvēts", "version": 1},
    "employment": {"subject": "Vēsture", "version": 1},
    "qualification": {"title": "Cits", "version": 1},
    "vacancy": {"subject": "Vēsture", "version": 1},
    "trainingrecord": {"document": "X-1", "version": 1},
    "allocation": {"note": "mainīts", "version": 1},
    "expenditure": {"description": "mainīts", "version": 1},
    "observation": {"strengths": "mainīts"},
    "programme": {"name": "Mainīta", "version": 1},
    "positionkind": {"name": "Mainīts", "version": 1},
    "trainingrequirement": {"hours": 99, "version": 1},
    "fundingsource": {"name": "Mainīts", "version": 1},
    "institutionset": {"name": "mainīts", "version": 1},
    "mealrule": {"name": "Mainīts", "version": 1},
    "cateringcontract": {"note": "mainīts", "version": 1},
    "dayoff": {"name": "Mainīts", "version": 1},
    "settlementline": {"note": "mainīts", "version": 1},
    "assetkind": {"name": "Mainīts", "version": 1},
    "asset": {"model": "Mainīts", "version": 1},
    "loan": {"due_on": "2026-06-01"},  # no PATCH route: a loan is closed by its return action
    "licence": {"seats": 99, "version": 1},
    "room": {"name": "999", "version": 1},
    "projectprogramme": {"name": "Mainīta", "version": 1},
    "project": {"title": "Pārdēvēts", "version": 1},
    "partner": {"organisation": "Cits", "version": 1},
    "payment": {"note": "mainīts"},  # no PATCH route: a payment is never edited
    "prefinancing": {"amount": "1.00", "version": 1},
    "mobility": {"host_city": "Rīga", "version": 1},
    "deadline": {"title": "Cits", "version": 1},
    "selfassessmententry": {"level": "excellent", "version": 1},
    "accreditation": {"decision": "Cits", "version": 1},
    "headevaluation": {"note": "Cits", "version": 1},
    "unifiedschoolstatus": {"environment": "partly", "version": 1},
}
VIEWSETS = {basename: viewset for _prefix, viewset, basename in router.registry}
DETAIL_BASENAMES = [basename for basename in VIEWSETS if f"{basename}-detail" in ROUTER_NAMES]
LIST_BASENAMES = [basename for basename in VIEWSETS if f"{basename}-list" in ROUTER_NAMES]
DETAIL_ACTIONS = [
    (basename, action.url_name)
    for basename, viewset in VIEWSETS.items()
    for action in viewset.get_extra_actions()
    if action.detail
]


def api_view_perm(basename: str) -> str | None:
    viewset = VIEWSETS[basename]
    model = model_of(viewset)
    if model is None or not any("RolePermission" in p.__name__ for p in viewset.permission_classes):
        return None
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


# --- the world, once per module; every test's own writes roll back


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "matrix"}}
    with override_settings(CACHES=cache), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def change_logs_kept(world: World) -> None:
    """The imports' change logs in this test's storage (every test has a MEDIA_ROOT of its own; the world is the
    module's)."""
    pair = world.pairs["importjob"]
    for job in (pair.own, pair.foreign):
        if job is not None:
            change_log_file(cast(ImportJob, job).change_log_path)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str, Client]:
    with django_db_blocker.unblock():
        signed = {role: sign_in(user) for role, user in world.users.items()}
        signed["head_b"] = sign_in(world.head_b)
    return {**signed, ANONYMOUS: Client()}


def row(world: World, kind: str, side: str) -> Any:
    return world.own(kind) if side == "own" else world.foreign(kind)


def sides(kind: str) -> list[str]:
    return ["own"] if kind in REFERENCE else ["own", "foreign"]


def unchanged_by(send: Callable[[], Any], target: models.Model) -> Any:
    """Send a request that must be refused; assert it changed neither the row nor the number of rows anywhere."""
    before = (fingerprint(target), table_counts())
    response = send()
    assert (fingerprint(target), table_counts()) == before, "a refused write changed data"
    return response


def expect(response: Any, allowed: bool, ok: frozenset[int], refused: frozenset[int], role: str) -> None:
    if allowed:
        assert response.status_code in ok, f"{role} should reach it: {response.status_code}"
        return
    expected = ANONYMOUS_REFUSED if role == ANONYMOUS else refused
    assert response.status_code in expected, f"{role} must be refused, got {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


# --- every URL is in the matrix


def test_pages_that_name_a_row_fill_their_url_arguments() -> None:
    """Every URL is in one table of the matrix: tests/accounts/test_list_matrix.py, test_every_url_is_in_the_matrix."""
    mismatched = []
    for _route, name, found in url_patterns():
        arguments = found - {"format"}  # the API's format suffix (.json) names no row
        if name in OBJECT_PAGES:
            page = OBJECT_PAGES[name]
            if arguments != {page.pk, *page.extra}:
                mismatched.append(f"{name}: {sorted(arguments)}")
        elif name in QUERY_PAGES and arguments:
            mismatched.append(f"{name}: {sorted(arguments)}")
    assert mismatched == [], "URL arguments the matrix does not fill"


def test_every_api_route_is_in_the_matrix() -> None:
    assert set(VIEWSETS) == set(API_KINDS) | set(API_WITHOUT_ROWS)
    assert set(DETAIL_BASENAMES) == set(API_KINDS)


# --- pages (and non-router API views) that name a row, GET or POST as every caller, own and foreign

PAGE_CASES = [
    (name, role, side) for name, page in OBJECT_PAGES.items() for side in sides(page.kind) for role in CALLERS
]


@pytest.mark.parametrize(("name", "role", "side"), PAGE_CASES, ids=["-".join(case) for case in PAGE_CASES])
def test_page_answers_by_role_and_scope(
    name: str, role: str, side: str, world: World, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = OBJECT_PAGES[name]
    # the matrix asks who may start a report file, not how it is made: the job is recorded, not run
    monkeypatch.setattr(
        "eduboard.reports.jobs.render_job_task",
        SimpleNamespace(enqueue=lambda **kwargs: None, get_backend=lambda: None),  # as core.enqueue asks a task
    )
    target = row(world, page.kind, side)
    url = reverse(name, kwargs={page.pk: target.pk, **page.extra})
    allowed = (
        sees(page.kind, side, role)
        and (page.perm is None or has_perm(role, page.perm))
        and (page.only is None or role in page.only)
    )
    client = clients[role]
    if page.method == "GET":
        response = client.get(url)
    elif allowed:
        response = client.post(url)
    else:
        response = unchanged_by(lambda: client.post(url), target)
    expect(response, allowed, page.ok, REFUSED, role)


QUERY_CASES = [(name, role, side) for name in QUERY_PAGES for side in ("own", "foreign") for role in CALLERS]


@pytest.mark.parametrize(("name", "role", "side"), QUERY_CASES, ids=["-".join(case) for case in QUERY_CASES])
def test_row_named_in_the_query_answers_by_role_and_scope(
    name: str, role: str, side: str, world: World, clients: dict[str, Client]
) -> None:
    probe = QUERY_PAGES[name]
    response = clients[role].get(reverse(name), probe.query(row(world, probe.kind, side)))
    allowed = sees(probe.kind, side, role) and has_perm(role, probe.perm)
    expect(response, allowed, frozenset({200}), probe.refused, role)


# --- the API: every detail route as every caller, own and foreign; writes to foreign rows; lists

API_CASES = [
    (basename, role, side) for basename in API_KINDS for side in sides(API_KINDS[basename]) for role in CALLERS
]


@pytest.mark.parametrize(("basename", "role", "side"), API_CASES, ids=["-".join(case) for case in API_CASES])
def test_api_detail_answers_by_role_and_scope(
    basename: str, role: str, side: str, world: World, clients: dict[str, Client]
) -> None:
    kind = API_KINDS[basename]
    target = row(world, kind, side)
    response = clients[role].get(reverse(f"{basename}-detail", args=[target.pk]))
    perm = api_view_perm(basename)
    allowed = reads(kind, side, role) and (perm is None or has_perm(role, perm))
    expect(response, allowed, frozenset({200}), REFUSED, role)
    if allowed:
        assert response.json()["id"] == target.pk


def write_target(world: World, basename: str) -> Any:
    """The foreign row; for city-wide reference data (no foreign row) the one row, which only the board changes."""
    kind = API_KINDS[basename]
    return world.own(kind) if kind in REFERENCE else world.foreign(kind)


WRITE_CASES = [(basename, role, method) for basename in API_KINDS for role in LOCAL for method in ("PATCH", "DELETE")]


@pytest.mark.parametrize(("basename", "role", "method"), WRITE_CASES, ids=["-".join(case) for case in WRITE_CASES])
def test_api_refuses_writes_to_foreign_rows(
    basename: str, role: str, method: str, world: World, clients: dict[str, Client]
) -> None:
    target = write_target(world, basename)
    url = reverse(f"{basename}-detail", args=[target.pk])
    client = clients[role]
    if method == "PATCH":
        body = json.dumps(PATCHES.get(basename, {}))
        response = unchanged_by(lambda: client.patch(url, body, content_type="application/json"), target)
    else:
        response = unchanged_by(lambda: client.delete(url), target)
    assert response.status_code in REFUSED_WRITE, f"{method} {url} as {role}: {response.status_code}"


# a valid body, so that the refusal comes from the row's scope and not from the body's validation
ACTION_BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("queueentry", "offer"): lambda world: {"group": world.own("group").pk},
    ("loan", "return-loan"): lambda world: {"returned_on": "2025-01-10", "condition": "ok", "version": 1},
    **{("selfassessment", step): lambda world: {"version": 1} for step in ("submit", "agree", "return", "publish")},
    ("selfassessmententry", "comment"): lambda world: {"comment": "x", "version": 1},
}
ACTION_CASES = [(basename, action, role) for basename, action in DETAIL_ACTIONS for role in LOCAL]


@pytest.mark.parametrize(("basename", "action", "role"), ACTION_CASES, ids=["-".join(case) for case in ACTION_CASES])
def test_api_refuses_actions_on_foreign_rows(
    basename: str, action: str, role: str, world: World, clients: dict[str, Client]
) -> None:
    target = write_target(world, basename)
    url = reverse(f"{basename}-{action}", args=[target.pk])
    client = clients[role]
    body = json.dumps(ACTION_BODIES.get((basename, action), lambda _world: {})(world))
    response = unchanged_by(lambda: client.post(url, body, content_type="application/json"), target)
    assert response.status_code in REFUSED_WRITE, f"POST {url} as {role}: {response.status_code}"


LIST_CASES = [(basename, role) for basename in LIST_BASENAMES if basename in API_KINDS for role in ROLES]


@pytest.mark.parametrize(("basename", "role"), LIST_CASES, ids=["-".join(case) for case in LIST_CASES])
def test_api_lists_show_exactly_the_rows_in_scope(
    basename: str, role: str, world: World, clients: dict[str, Client]
) -> None:
    kind = API_KINDS[basename]
    response = clients[role].get(reverse(f"{basename}-list"))
    perm = api_view_perm(basename)
    if perm is not None and not has_perm(role, perm):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    data = response.json()
    ids = {item["id"] for item in (data["results"] if isinstance(data, dict) else data)}
    for side in sides(kind):
        assert (row(world, kind, side).pk in ids) == reads(kind, side, role), f"{side} row of {basename} as {role}"


# --- regressions: the probes of issue 13, one behaviour each


def api_json(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_head_cannot_enrol_another_schools_learner_through_the_api(world: World, clients: dict[str, Client]) -> None:
    head, foreign = clients[HEAD], world.foreign("learner")
    payload = {"learner": foreign.pk, "group": world.own("group").pk, "enrolled_on": "2025-01-10"}
    response = unchanged_by(lambda: api_json(head, "post", "/api/registry/enrolments/", payload), foreign)
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"learner": ["does_not_exist"]}
    assert not Enrolment.objects.filter(learner=foreign, group=world.own("group")).exists()
    assert head.get(f"/api/registry/learners/{foreign.pk}/").status_code == 404


def test_head_cannot_repoint_own_enrolment_to_another_learner(world: World, clients: dict[str, Client]) -> None:
    head, enrolment = clients[HEAD], world.own("enrolment")
    url = f"/api/registry/enrolments/{enrolment.pk}/"
    own_child = world.own("queueentry").child  # a learner A's head may change: still not this enrolment's
    answers = []
    for learner in (world.foreign("learner"), own_child):
        response = unchanged_by(
            lambda learner=learner: api_json(head, "patch", url, {"learner": learner.pk}), enrolment
        )
        assert response.status_code == 400
        answers.append(response.json())
    # Another school's learner is not there for this head (as an id that does not exist); one's own may not be
    # moved onto an enrolment.
    assert [answer["error_codes"] for answer in answers] == [{"learner": ["does_not_exist"]}, {"learner": ["rule"]}]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/people/qualifications/", {"title": "Skolotājs", "document": "D-9", "issued_on": "2020-06-01"}),
        ("/api/people/training-records/", {"completed_on": "2025-01-10", "hours": 8}),
    ],
    ids=["qualification", "training-record"],
)
def test_head_cannot_add_qualifications_or_training_for_another_schools_staff(
    url: str, payload: dict[str, Any], world: World, clients: dict[str, Client]
) -> None:
    head, foreign = clients[HEAD], world.foreign("staffmember")
    body = {**payload, "staff_member": foreign.pk}
    if "training-records" in url:
        body["requirement"] = world.own("trainingrequirement").pk
    response = unchanged_by(lambda: api_json(head, "post", url, body), foreign)
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"staff_member": ["does_not_exist"]}
    assert not Qualification.objects.filter(staff_member=foreign, document="D-9").exists()
    assert TrainingRecord.objects.filter(staff_member=foreign).count() == 1
    assert head.get(f"/api/people/staff/{foreign.pk}/").status_code == 404


def test_head_cannot_add_employment_for_another_schools_staff(world: World, clients: dict[str, Client]) -> None:
    foreign = world.foreign("staffmember")
    payload = {
        "staff_member": foreign.pk,
        "institution": world.a.registration_number,
        "position": "subject_teacher",
        "fte": "0.5",
        "start_date": "2025-01-01",
    }
    response = unchanged_by(lambda: api_json(clients[HEAD], "post", "/api/people/employments/", payload), foreign)
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"staff_member": ["does_not_exist"]}
    assert not Employment.objects.filter(staff_member=foreign, institution=world.a).exists()
    assert clients[HEAD].get(f"/api/people/staff/{foreign.pk}/").status_code == 404


def test_second_choice_head_cannot_change_or_withdraw_a_queue_entry(world: World, clients: dict[str, Client]) -> None:
    head, entry = clients[HEAD], world.cross_entry
    assert entry is not None
    listed = head.get("/api/registry/queue/").json()["results"]
    assert entry.pk in {item["id"] for item in listed}  # A is its second choice: A's head reads it
    assert head.get(f"/api/registry/queue/{entry.pk}/").status_code == 200
    api, page = f"/api/registry/queue/{entry.pk}/", f"/registry/queue/{entry.pk}/"
    refused = [
        lambda: api_json(head, "patch", api, {"registered_on": "2024-09-01"}),
        lambda: api_json(head, "put", api, {"child": entry.child_id, "registered_on": "2024-09-01"}),
        lambda: api_json(head, "post", f"{api}withdraw/", {}),
        lambda: api_json(head, "post", f"{api}accept/", {}),
        lambda: head.post(f"{page}withdraw/"),
        lambda: head.post(f"{page}accept/"),
    ]
    for send in refused:
        assert unchanged_by(send, entry).status_code == 404
    assert unchanged_by(lambda: head.delete(api), entry).status_code in REFUSED  # heads delete no entry at all
    # A is a choice of the child: A's head may offer a place, in A's own preschool groups only
    assert head.get(f"{page}offer/").status_code == 200
    foreign_group = {"group": world.foreign("group").pk}
    assert unchanged_by(lambda: api_json(head, "post", f"{api}offer/", foreign_group), entry).status_code == 400


def test_queue_registration_date_is_read_only(world: World, clients: dict[str, Client]) -> None:
    first_choice_head, entry = clients["head_b"], world.cross_entry
    assert entry is not None
    response = unchanged_by(
        lambda: api_json(
            first_choice_head, "patch", f"/api/registry/queue/{entry.pk}/", {"registered_on": "2024-09-01"}
        ),
        entry,
    )
    assert response.status_code == 400
    assert set(response.json()["error_codes"]) == {"registered_on"}


def test_unknown_queue_action_is_404(world: World, clients: dict[str, Client]) -> None:
    head, entry = clients[HEAD], world.own("queueentry")
    for url in (f"/registry/queue/{entry.pk}/acept/", f"/api/registry/queue/{entry.pk}/acept/"):
        assert unchanged_by(lambda url=url: head.post(url), entry).status_code == 404


def test_learners_csv_import_by_head_cannot_rename_another_schools_learner(world: World, tmp_path: Path) -> None:
    foreign = world.foreign("learner")
    header = [
        "personal_code", "first_name", "last_name", "birth_date", "declared_municipality", "institution",
        "school_year", "group", "enrolled_on", "left_on",
    ]  # fmt: skip
    line = [
        foreign.personal_code, "Pārdēvēts", foreign.last_name, foreign.birth_date.isoformat(), "Daugavpils",
        world.a.registration_number, YEAR_CODE, world.own("group").name, "2025-01-10", "",
    ]  # fmt: skip
    path = write_csv(tmp_path / "learners.csv", header, [line])
    before = (fingerprint(foreign), table_counts())
    with pytest.raises(ImportFailed) as refused:
        LearnerImporter(viewer=world.users[HEAD]).run(path)
    assert [error.column for error in refused.value.errors] == ["personal_code"]
    assert foreign.first_name not in str(refused.value)  # nothing of the stored learner is told
    assert (fingerprint(foreign), table_counts()) == before


def test_observation_teacher_must_work_at_the_observed_institution(
    world: World, clients: dict[str, Client], english: None
) -> None:
    teacher = world.foreign("staffmember")
    form = quality_selectors.form_in_use()
    payload = {
        "date": "2025-01-14",
        "institution": world.a.registration_number,
        "kind": "external",
        "teacher": teacher.personal_code,
        "subject": "Matemātika",
        "grade": "7.b",
        "answers": {criterion.code: "yes" for criterion in quality_selectors.form_criteria(form)},
    }
    before = Observation.objects.count()
    response = api_json(clients[Role.OBSERVER], "post", "/api/quality/observations/", payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert "teacher" in response.json()
    assert teacher.first_name not in body and teacher.last_name not in body
    assert Observation.objects.count() == before


@pytest.mark.parametrize("role", [Role.INSTITUTION_STAFF, Role.CENTRE_STAFF, Role.OBSERVER, Role.BOARD_ANALYST])
def test_only_the_board_administrator_revises_the_city_observation_form(
    role: str, world: World, clients: dict[str, Client]
) -> None:
    form = world.own("observationform")
    url = reverse("quality:form_revise", args=[form.pk])
    assert clients[role].get(url).status_code == 403
    response = unchanged_by(lambda: clients[role].post(url, {"criteria": "x", "note": "y"}), form)
    assert response.status_code == 403
    assert ObservationForm.objects.filter(code=form.code).count() == 1


def test_head_cannot_revise_the_city_observation_form(world: World, clients: dict[str, Client]) -> None:
    form = world.own("observationform")
    url = reverse("quality:form_revise", args=[form.pk])
    assert clients[HEAD].get(url).status_code == 403
    assert unchanged_by(lambda: clients[HEAD].post(url, {"note": "mainīts"}), form).status_code == 403
    assert clients[Role.BOARD_ADMIN].get(url).status_code == 200


def test_selector_without_viewer_is_refused(world: World) -> None:
    with pytest.raises(TypeError):
        registry_stats(as_of=AS_OF)  # type: ignore[call-arg]
    for selector in (registry_stats, people_stats):
        with pytest.raises(TypeError):
            selector(as_of=AS_OF, visible_to=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Learner.objects.visible_to(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        LearnerImporter(viewer=None)  # type: ignore[arg-type]


def test_the_matrix_covers_every_role_and_both_sides() -> None:
    assert {role for _n, role, _s in PAGE_CASES} == set(CALLERS)
    assert len(PAGE_CASES) + len(QUERY_CASES) + len(API_CASES) + len(WRITE_CASES) + len(LIST_CASES) > 500


def test_head_reads_but_cannot_change_a_learner_who_moved_to_another_school(
    world: World, clients: dict[str, Client]
) -> None:
    """A learner who left A for B stays in A's history (visible_to) but is B's to change (editable_by)."""
    head, moved = clients[HEAD], world.foreign("learner")
    Enrolment.objects.create(
        learner=moved, group=world.own("group"), enrolled_on=date(2023, 9, 1), left_on=date(2024, 8, 31)
    )
    url = f"/api/registry/learners/{moved.pk}/"
    assert head.get(url).status_code == 200
    assert unchanged_by(lambda: api_json(head, "patch", url, {"first_name": "Pārdēvēts"}), moved).status_code == 404
    assert unchanged_by(lambda: head.delete(url), moved).status_code in REFUSED
    payload = {"learner": moved.pk, "group": world.own("group").pk, "enrolled_on": "2025-01-10"}
    assert unchanged_by(lambda: api_json(head, "post", "/api/registry/enrolments/", payload), moved).status_code == 400


def test_transfer_answers_alike_for_a_learner_enrolled_elsewhere_and_an_unknown_code(
    world: World, clients: dict[str, Client], english: None
) -> None:
    """services.learner_transfer: "a code that matches nobody is answered like one enrolled elsewhere would be",
    so a head cannot use the transfer to learn whether a personal code belongs to another school's learner."""
    head, foreign = clients[HEAD], world.foreign("learner")
    unknown = CODES.for_birth_date(foreign.birth_date)
    answers = []
    for code in (foreign.personal_code, unknown):
        payload = {"personal_code": code, "group": world.own("group").pk, "enrolled_on": "2025-01-10"}
        response = unchanged_by(
            lambda p=payload: api_json(head, "post", "/api/registry/learners/transfer/", p), foreign
        )
        assert foreign.first_name not in response.content.decode()
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]


def test_learner_page_shows_only_the_queue_entries_the_viewer_may_read(
    world: World, clients: dict[str, Client]
) -> None:
    """An own learner's earlier application to B alone is B's row: the API answers 404 for it, the page must not
    show it either (QueueEntry.objects.visible_to)."""
    head, own = clients[HEAD], world.own("learner")
    elsewhere = QueueEntry.objects.create(
        child=own, registered_on=date(2021, 2, 3), wanted_start_on=date(2021, 9, 1), first_choice=world.b,
        status="withdrawn",
    )  # fmt: skip
    assert head.get(f"/api/registry/queue/{elsewhere.pk}/").status_code == 404
    page = head.get(f"/registry/learners/{own.pk}/")
    assert page.status_code == 200
    assert "2021-02-03" not in page.content.decode(), "the learner page lists another institution's queue entry"

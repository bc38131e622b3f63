"""The API keeps the contract its OpenAPI schema states (issue 37): every advertised sort works, every state change
needs the version read, a body is required exactly when the schema says so, and a step only the board may take
answers an institution's head 403 with a JSON reason, as documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.people.models import Vacancy
from eduboard.quality.models import Accreditation, HeadEvaluation, SelfAssessment
from tests.accounts.matrix_world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

BOARD, HEAD = Role.BOARD_ADMIN, Role.INSTITUTION_HEAD
JSON = "application/json"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "contract"}}
    with override_settings(CACHES=cache), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def spec(world: World, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        schema: dict[str, Any] = Client().get("/api/schema/", {"format": "json"}).json()
    return schema


@pytest.fixture
def api(world: World, settings: Any) -> dict[str, Client]:
    """A client with an API token for the board administrator and for A's head (no throttling)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    clients = {}
    for role in (BOARD, HEAD):
        secret = api_token_create(account=world.users[role], name="contract")[1]
        clients[role] = Client(HTTP_AUTHORIZATION=f"Token {secret}", raise_request_exception=False)
    return clients


def advertised_terms(parameter: dict[str, Any]) -> list[str]:
    """The sort terms the `ordering` parameter's pattern lists (core.filters.LatvianOrderingFilter writes them as
    one alternation: `-?(?:name|code|…)`)."""
    schema = parameter.get("schema", {})
    patterns = [choice.get("pattern", "") for choice in schema.get("anyOf", [schema])]  # or sent empty
    found = re.search(r"-\?\(\?:([^)]*)\)", " ".join(patterns))
    return [re.sub(r"\\(.)", r"\1", term) for term in found.group(1).split("|")] if found else []


def ordering_parameters(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, parameter)
        for path, item in sorted(spec["paths"].items())
        if "get" in item
        for parameter in item["get"].get("parameters", [])
        if parameter["name"] == "ordering" and parameter["in"] == "query"
    ]


def test_every_list_states_the_terms_it_sorts_by(spec: dict[str, Any]) -> None:
    lists = ordering_parameters(spec)
    assert len(lists) > 40, len(lists)
    unstated = [path for path, parameter in lists if not advertised_terms(parameter)]
    assert not unstated, unstated


@pytest.mark.parametrize("role", [BOARD, HEAD])
def test_every_advertised_sort_answers_a_sorted_list(
    role: str, spec: dict[str, Any], api: dict[str, Client], world: World
) -> None:
    """Each term the schema advertises, ascending and descending, answers 200 with the rows (never a 500 nor a
    refusal) on every list the role may read: the schema's `ordering` list is what the API sorts by."""
    wrong = []
    requests = 0
    for path, parameter in ordering_parameters(spec):
        if "{" in path:
            continue
        required = [p for p in spec["paths"][path]["get"].get("parameters", []) if p.get("required")]
        if required or api[role].get(path, HTTP_ACCEPT=JSON).status_code == 403:
            continue  # a list this role may not read (a head and the city's settlements) is refused whatever its sort
        for term in advertised_terms(parameter):
            for sort in (term, f"-{term}"):
                requests += 1
                response = api[role].get(path, {"ordering": sort}, HTTP_ACCEPT=JSON)
                if response.status_code != 200:
                    wrong.append(f"GET {path}?ordering={sort} → {response.status_code} {response.content[:200]!r}")
    assert requests > (300 if role == BOARD else 150), requests
    assert not wrong, "\n".join(wrong)


def test_a_field_the_database_cannot_sort_by_is_neither_advertised_nor_accepted(
    spec: dict[str, Any], api: dict[str, Client]
) -> None:
    parameter = dict(ordering_parameters(spec))["/api/quality/head-evaluations/"]
    terms = advertised_terms(parameter)
    assert "evaluated_on" in terms and not [term for term in terms if "__str__" in term]
    refused = api[BOARD].get("/api/quality/head-evaluations/", {"ordering": "head____str__"})
    assert refused.status_code == 400
    assert "ordering" in refused.json()


def test_head_evaluations_sort_by_date_both_ways(api: dict[str, Client], world: World) -> None:
    first = HeadEvaluation.objects.order_by("pk").first()
    assert first is not None
    HeadEvaluation.objects.filter(pk=first.pk).update(evaluated_on="2022-05-31")
    url = "/api/quality/head-evaluations/"
    dates = {
        sort: [row["evaluated_on"] for row in api[BOARD].get(url, {"ordering": sort}).json()["results"]]
        for sort in ("evaluated_on", "-evaluated_on")
    }
    assert dates["evaluated_on"] == sorted(dates["evaluated_on"]) and len(set(dates["evaluated_on"])) == 2
    assert dates["-evaluated_on"] == dates["evaluated_on"][::-1]


# --- vacancy steps need the version read


@pytest.mark.parametrize("step", ["publish", "fill", "withdraw"])
def test_a_vacancy_step_without_the_version_read_is_refused_and_changes_nothing(
    step: str, api: dict[str, Client], world: World
) -> None:
    vacancy = world.own("vacancy")
    before = Vacancy.objects.values().get(pk=vacancy.pk)
    response = api[HEAD].post(f"/api/people/vacancies/{vacancy.pk}/{step}/", {}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["error_codes"]["version"] == ["required"]
    assert Vacancy.objects.values().get(pk=vacancy.pk) == before


def test_a_vacancy_step_on_a_stale_version_is_a_conflict_and_on_the_current_one_is_taken(
    api: dict[str, Client], world: World
) -> None:
    vacancy = Vacancy.objects.create(
        institution=world.a, position=world.own("vacancy").position, subject="Fizika", fte=1, declared_on="2024-08-01"
    )
    url = f"/api/people/vacancies/{vacancy.pk}/"
    published = api[HEAD].post(url + "publish/", {"on": "2024-08-05", "version": vacancy.version}, content_type=JSON)
    assert published.status_code == 200, published.content
    assert published.json()["version"] == vacancy.version + 1
    stale = api[HEAD].post(url + "withdraw/", {"version": vacancy.version}, content_type=JSON)
    assert stale.status_code == 409 and "version" in stale.json()
    stored = Vacancy.objects.get(pk=vacancy.pk)
    assert (stored.withdrawn_on, stored.version) == (None, vacancy.version + 1)


def test_the_schema_says_a_vacancy_step_needs_the_version(spec: dict[str, Any]) -> None:
    for step in ("publish", "fill", "withdraw"):
        operation = spec["paths"][f"/api/people/vacancies/{{id}}/{step}/"]["post"]
        assert operation["requestBody"]["required"] is True
        name = operation["requestBody"]["content"][JSON]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert spec["components"]["schemas"][name]["required"] == ["version"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])


# --- PATCH: the schema says what must be sent, and a partial body is enough


def body_schema(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = operation["requestBody"]["content"][JSON]["schema"]
    return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema


def test_a_request_body_is_required_exactly_when_its_schema_requires_a_field(spec: dict[str, Any]) -> None:
    wrong = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "requestBody" in operation
        if bool(operation["requestBody"].get("required")) != bool(body_schema(spec, operation).get("required"))
    ]
    assert not wrong, wrong


def test_every_patch_of_a_versioned_row_states_that_the_version_is_required(spec: dict[str, Any]) -> None:
    patches = [(path, item["patch"]) for path, item in spec["paths"].items() if "patch" in item]
    assert len(patches) > 30
    for path, operation in patches:
        schema = body_schema(spec, operation)
        if "version" in schema.get("properties", {}):
            assert schema.get("required") == ["version"], (path, schema.get("required"))
            assert operation["requestBody"]["required"] is True, path


def test_a_patch_with_only_the_version_is_taken_and_one_without_it_is_refused_as_the_schema_says(
    api: dict[str, Client], world: World
) -> None:
    vacancy = world.own("vacancy")
    url = f"/api/people/vacancies/{vacancy.pk}/"
    version = api[HEAD].get(url).json()["version"]
    empty = api[HEAD].patch(url, {}, content_type=JSON)
    assert empty.status_code == 400 and empty.json()["error_codes"]["version"] == ["required"]
    only_version = api[HEAD].patch(url, {"version": version}, content_type=JSON)
    assert only_version.status_code == 200, only_version.content
    partial = api[HEAD].patch(url, {"version": version, "subject": "Astronomija"}, content_type=JSON)
    assert partial.status_code == 200, partial.content
    assert Vacancy.objects.get(pk=vacancy.pk).subject == "Astronomija"


# --- steps only the board may take: 403 with a reason for a head, as documented


def board_only_requests(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    """Requests a head may send well-formed about their own institution's rows, that only the board may grant."""
    assessment = world.own("selfassessment")
    entry = world.own("selfassessmententry")
    accreditation = world.own("accreditation")
    evaluation = world.own("headevaluation")
    status = world.own("unifiedschoolstatus")
    steps = [
        ("post", f"/api/quality/self-assessments/{assessment.pk}/{step}/", {"version": assessment.version})
        for step in ("agree", "return", "publish")
    ]
    new_accreditation = {"institution": world.a.registration_number, "accredited_on": "2024-06-01", "term_years": 6}
    return [
        *steps,
        ("post", f"/api/quality/self-assessment-entries/{entry.pk}/comment/", {"comment": "Labi", "version": 1}),
        ("post", "/api/quality/accreditations/", new_accreditation),
        ("patch", f"/api/quality/accreditations/{accreditation.pk}/", {"term_years": 2, "version": 1}),
        ("patch", f"/api/quality/head-evaluations/{evaluation.pk}/", {"overall_level": "excellent", "version": 1}),
        ("patch", f"/api/quality/unified-school/{status.pk}/", {"environment": "meets", "version": 1}),
    ]


def test_a_step_only_the_board_takes_answers_a_head_403_with_a_reason_and_changes_nothing(
    api: dict[str, Client], world: World, spec: dict[str, Any]
) -> None:
    counts = [model.objects.count() for model in (Accreditation, HeadEvaluation, SelfAssessment)]
    wrong = []
    for method, url, body in board_only_requests(world):
        response = getattr(api[HEAD], method)(url, body, content_type=JSON)
        if response.status_code != 403 or not response.json().get("detail"):
            wrong.append(f"{method.upper()} {url} → {response.status_code} {response.content[:300]!r}")
        template = re.sub(r"/\d+/", "/{id}/", url)
        assert "403" in spec["paths"][template][method]["responses"], template
    assert not wrong, "\n".join(wrong)
    assert [model.objects.count() for model in (Accreditation, HeadEvaluation, SelfAssessment)] == counts
    accreditation = world.own("accreditation")
    assert Accreditation.objects.get(pk=accreditation.pk).term_years == accreditation.term_years


def test_the_board_takes_the_same_steps(api: dict[str, Client], world: World) -> None:
    """The 403 is for the role: the board administrator's identical requests are not refused for it."""
    for method, url, body in board_only_requests(world)[3:]:  # the workflow steps depend on the status
        response = getattr(api[BOARD], method)(url, body, content_type=JSON)
        answer = f"{method.upper()} {url} → {response.status_code} {response.content[:300]!r}"
        assert response.status_code in (200, 201), answer


# --- single-line text: the schema refuses what the API refuses


def test_the_schema_refuses_invisible_characters_in_a_name_as_the_api_does(
    spec: dict[str, Any], api: dict[str, Client]
) -> None:
    pattern = spec["components"]["schemas"]["PositionKindRequest"]["properties"]["name"]["pattern"]
    assert re.search(pattern, "Skolotājs palīgs")
    assert not re.search(pattern, "Skolotājs\u202epalīgs")  # a right-to-left override
    answer = api[BOARD].post(
        "/api/people/positions/", {"code": "rtl", "name": "Skolotājs\u202epalīgs"}, content_type=JSON
    )
    assert answer.status_code == 400
    assert answer.json()["error_codes"]["name"] == ["invisible_character"]


# --- found by the long Schemathesis run


def test_an_empty_text_is_not_an_amount_nor_null(api: dict[str, Client]) -> None:
    body = {"serves": "preschools", "status": "planned", "decided_on": "2024-01-03", "years": 1, "total_amount": ""}
    answer = api[BOARD].post("/api/finance/catering-contracts/", body, content_type=JSON)
    assert answer.status_code == 400
    assert answer.json()["error_codes"]["total_amount"] == ["invalid"]
    taken = api[BOARD].post("/api/finance/catering-contracts/", {**body, "total_amount": None}, content_type=JSON)
    assert taken.status_code == 201, taken.content


def test_a_comment_on_an_entry_named_by_a_text_that_is_no_id_is_not_found(api: dict[str, Client]) -> None:
    answer = api[BOARD].post(
        "/api/quality/self-assessment-entries/l$l/comment/", {"comment": "", "version": 1}, content_type=JSON
    )
    assert answer.status_code == 404
    assert answer.json()["detail"]

"""Every API answer matches the OpenAPI schema the API publishes (issue 15): openapi-core validates the status,
the content type and the body of every GET of the schema, as every role and as the public, on the permission
matrix's world (a row of every kind in an own and a foreign institution): the lists, a row of each list, a row
that does not exist (404), the figures with their parameters, and a bad parameter (400). Errors included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from tests.accounts.matrix_world import ROLES, World, build_world, sign_in

pytestmark = pytest.mark.django_db

# Values for the query parameters an operation requires (the matrix world's data: institution A, 2024/2025).
QUERY_VALUES = {
    "as_of": "2025-01-15",
    "from": "2024-09-01",
    "to": "2025-01-31",
    "institution": "9000000011",
    "month": "2025-01",
    "year": "2024",
    "exam": "monitoring",
    "below": "50",
}
MISSING_ID = 987654


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "openapi"}}
    with override_settings(CACHES=cache), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def spec(world: World, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        schema: dict[str, Any] = Client().get("/api/schema/", {"format": "json"}).json()
    return schema


@pytest.fixture(scope="module")
def openapi(spec: dict[str, Any]) -> OpenAPI:
    return OpenAPI.from_dict(spec)


def get_operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return sorted((path, item["get"]) for path, item in spec["paths"].items() if "get" in item)


def query_for(operation: dict[str, Any]) -> dict[str, str]:
    return {
        parameter["name"]: QUERY_VALUES[parameter["name"]]
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query" and parameter.get("required") and parameter["name"] in QUERY_VALUES
    }


def problems_of(openapi: OpenAPI, response: Any, who: str) -> list[str]:
    request = DjangoOpenAPIRequest(response.wsgi_request)
    where = f"{who} GET {response.wsgi_request.get_full_path()} → {response.status_code}"
    if not response.get("Content-Type", "").startswith("application/json"):
        return [f"{where}: not JSON ({response.get('Content-Type')})"]
    try:
        openapi.validate_response(request, DjangoOpenAPIResponse(response))
    except Exception as error:  # every kind of mismatch is listed, not only the first
        causes = getattr(error, "schema_errors", None) or getattr(error.__cause__, "schema_errors", None) or [error]
        detail = "; ".join(
            f"{'/'.join(map(str, getattr(cause, 'path', [])))}: {getattr(cause, 'message', cause)}" for cause in causes
        )
        return [f"{where}: {type(error).__name__}: {detail[:400]}"]
    return []


def rows_of(response: Any) -> list[Any]:
    """The rows of a list answer (paginated or not); none for anything else."""
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return []
    body = response.json()
    rows = body.get("results") if isinstance(body, dict) else body
    return rows if isinstance(rows, list) else []


def takes_a_date(operation: dict[str, Any]) -> bool:
    return any(
        parameter.get("in") == "query" and parameter.get("schema", {}).get("format") == "date"
        for parameter in operation.get("parameters", [])
    )


@pytest.mark.parametrize("role", [*ROLES, "public"])
def test_every_get_answers_as_the_schema_says(role: str, world: World, spec: dict[str, Any], openapi: OpenAPI) -> None:
    client = Client() if role == "public" else sign_in(world.users[role])
    operations = get_operations(spec)
    paths = {path for path, _operation in operations}
    answers = []
    for path, operation in operations:
        if path == "/api/schema/":
            continue  # the schema itself (YAML or JSON by format)
        parameters = set(re.findall(r"{(\w+)}", path))
        query = query_for(operation)
        if parameters == {"id"}:
            answers.append(client.get(path.replace("{id}", str(MISSING_ID)), query))  # a row that does not exist
            continue
        if parameters:
            continue
        listed = client.get(path, query, HTTP_ACCEPT="application/json")
        answers.append(listed)
        rows = rows_of(listed)
        if rows and isinstance(rows[0], dict) and "id" in rows[0] and f"{path}{{id}}/" in paths:
            answers.append(client.get(f"{path}{rows[0]['id']}/"))  # a row of the list
        if query or takes_a_date(operation):
            bad = client.get(path, dict.fromkeys(query or {"as_of": ""}, "not-a-value"))
            if bad.status_code == 400:
                answers.append(bad)
    problems = [problem for answer in answers for problem in problems_of(openapi, answer, role)]
    assert len(answers) > 60, len(answers)
    assert not problems, "\n".join(problems)


def test_an_unknown_api_address_and_a_wrong_method_answer_json(world: World) -> None:
    client = sign_in(world.users["board_admin"])
    unknown = client.get("/api/no-such-thing/")
    assert unknown.status_code == 404 and unknown["Content-Type"].startswith("application/json")
    assert "detail" in unknown.json()
    wrong = client.delete("/api/me/")
    assert wrong.status_code == 405 and wrong["Content-Type"].startswith("application/json")

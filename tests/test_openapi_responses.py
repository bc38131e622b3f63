"""Every API answer matches the OpenAPI schema the API publishes (issue 15): openapi-core validates the status,
the content type and the body of every GET of the schema, as every role and as the public, on the permission
matrix's world (a row of every kind in an own and a foreign institution): the lists, a row of each list, a row
that does not exist (404), the figures with their parameters, and a bad parameter (400). Errors included.

Schemathesis's own checks (jsonschema with its formats: `time` is RFC 3339 full-time, with an offset) validate the
answers its runs found unlike the schema (issue 60): an employment's writes with their `warning`, the tranche plan
(a list, not a page), the innovation centre's slots and bookings with their times of day."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from tests.accounts.matrix_world import ROLES, World, build_world, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

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


# --- Schemathesis's checks on the answers it found unlike the schema


@pytest.fixture
def wsgi_schema(world: World) -> Iterator[Any]:
    """The schema as Schemathesis reads it, and the site as a WSGI application inside the test's transaction (the
    request signals must not close the test's database connection, as in tests/test_schemathesis.py)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def answered(schema: Any, token: str, path: str, method: str, **case: Any) -> Any:
    """Call one operation of the schema and check the answer as Schemathesis does: status, content type, body."""
    headers = {"Authorization": f"Token {token}"}
    call = schema[path][method].Case(**case)
    response = call.call(headers=headers)
    call.validate_response(
        response, checks=[status_code_conformance, content_type_conformance, response_schema_conformance]
    )
    return response


def test_an_employments_writes_answer_with_the_documented_warning(world: World, wsgi_schema: Any) -> None:
    token = api_token_create(account=world.users[Role.BOARD_ADMIN], name="openapi")[1]
    staff = world.own("staffmember")  # holds 1 FTE at A since 2020
    rate = {"staff_member": staff.pk, "institution": world.a.registration_number, "position": "subject_teacher"}
    path = "/api/people/employments/"
    within = answered(wsgi_schema, token, path, "POST", body={**rate, "fte": "0.25", "start_date": "2024-09-01"})
    assert within.status_code == 201 and within.json()["warning"] is None
    above = answered(wsgi_schema, token, path, "POST", body={**rate, "fte": "0.5", "start_date": "2024-09-02"})
    assert above.status_code == 201 and "1.75" in above.json()["warning"]  # 1 + 0.25 + 0.5, above the limit 1.5
    saved = above.json()
    row = {"id": saved["id"]}
    patched = answered(
        wsgi_schema,
        token,
        f"{path}{{id}}/",
        "PATCH",
        path_parameters=row,
        body={"fte": "0.1", "version": saved["version"]},
    )
    assert patched.status_code == 200 and patched.json()["warning"] is None
    put = {**rate, "fte": "0.75", "start_date": "2024-09-02", "version": patched.json()["version"]}
    replaced = answered(wsgi_schema, token, f"{path}{{id}}/", "PUT", path_parameters=row, body=put)
    assert replaced.status_code == 200 and replaced.json()["warning"]
    read = answered(wsgi_schema, token, f"{path}{{id}}/", "GET", path_parameters=row)
    assert "warning" not in read.json()  # a read names no warning: the schema's Employment has none


def test_the_tranche_plan_answers_the_whole_plan_as_a_list(world: World, wsgi_schema: Any) -> None:
    token = api_token_create(account=world.users[Role.BOARD_ADMIN], name="openapi")[1]
    project = type(world.own("project")).objects.get(pk=world.own("project").pk)  # its version as stored
    plan = {
        "version": project.version,
        "tranches": [{"due_on": "2024-10-01", "share_percent": "40"}, {"due_on": "2025-06-01", "share_percent": "60"}],
    }
    response = answered(
        wsgi_schema,
        token,
        "/api/projects/projects/{id}/tranche-plan/",
        "POST",
        path_parameters={"id": project.pk},
        body=plan,
    )
    assert response.status_code == 200
    assert [(row["due_on"], row["amount"]) for row in response.json()] == [
        ("2024-10-01", "8000.00"),
        ("2025-06-01", "12000.00"),
    ]


def test_slot_and_booking_times_match_the_schemas_time_of_day(
    world: World, wsgi_schema: Any, spec: dict[str, Any], openapi: OpenAPI
) -> None:
    """A slot's start and end and a booking's start are local times `HH:MM:SS`, as the schema says with a pattern:
    both validators agree (Schemathesis's jsonschema, openapi-core). No field claims `format: time`, which OpenAPI
    3.0 does not define and the two read apart (RFC 3339 with an offset, or HH:MM:SS)."""
    token = api_token_create(account=world.users[Role.BOARD_ADMIN], name="openapi")[1]
    slot, booking = world.own("slot"), world.own("booking")
    slots = answered(wsgi_schema, token, "/api/innovation/slots/", "GET").json()["results"]
    one = answered(wsgi_schema, token, "/api/innovation/slots/{id}/", "GET", path_parameters={"id": slot.pk}).json()
    assert (one["start"], one["end"]) == ("12:00:00", "13:00:00") and one in slots
    answered(wsgi_schema, token, "/api/innovation/bookings/", "GET")
    booked = answered(
        wsgi_schema, token, "/api/innovation/bookings/{id}/", "GET", path_parameters={"id": booking.pk}
    ).json()
    assert (booked["date"], booked["start"]) == ("2099-05-04", "10:00:00")
    read = sign_in(world.users[Role.BOARD_ADMIN]).get(f"/api/innovation/slots/{slot.pk}/")
    assert problems_of(openapi, read, "board_admin") == []  # openapi-core reads the same answer alike
    assert '"format": "time"' not in json.dumps(spec)

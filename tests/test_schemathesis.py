"""Schemathesis over the whole OpenAPI schema, as the board administrator and as an institution head: no server
error, answers as documented (status codes, content types, headers, bodies), requests that break the schema
refused, and call sequences (the stateful phase: an object created, then read, changed and deleted through the
links Schemathesis infers) that hold together. A few examples per operation here (the suite must stay fast);
`make schemathesis` runs the long version (docs/operations.md).

Every check of Schemathesis runs except `positive_data_acceptance`, which expects every schema-valid request to
be accepted: a schema cannot say which institution numbers exist or which personal codes carry a valid check
digit, so a well-formed request naming a missing object is refused with 400 naming the field, as it should be.
What a schema can say, it says (core.openapi.constrain_inputs): text without control characters, decimals
with digits, no unknown fields."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from tests.factories import UserFactory
from tests.registry.world import build_world

# Examples per operation and role: 3 in `make test`; `make schemathesis` runs SCHEMATHESIS_EXAMPLES (100).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
# In make test the same cases every run (a failure is reproducible, CI is stable); the long run explores.
DERANDOMIZE = "SCHEMATHESIS_EXAMPLES" not in os.environ


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    """The schema, and the site as a WSGI application inside the test's transaction (as Django's test client
    does: the request signals must not close the test's database connection)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: None, settings: Any) -> Iterator[dict[str, str]]:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    world = build_world(pupils=2)
    board = UserFactory(role=Role.BOARD_ADMIN)
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[world.school])
    yield {
        role: api_token_create(user=user, name="schemathesis")[1] for role, user in (("board", board), ("head", head))
    }


# Every check Schemathesis has but positive_data_acceptance (see above).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    use_after_free,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    unsupported_method,
]


def hypothesis_settings(**more: Any) -> settings:
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=DERANDOMIZE,
        **more,
    )


def failures_of(schema: Any, token: str, mode: GenerationMode) -> list[str]:
    """Every operation of the schema, a few generated cases each; what failed, one line per operation."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings()
        def check(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:  # nothing in this operation can be sent wrong (no parameters, no body)
            continue
        except (Exception, BaseExceptionGroup) as failure:  # collected, reported together below
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure).strip()[:2000]}")
    return failures


@pytest.mark.parametrize("role", ["board", "head"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_documented(
    api_schema: Any, tokens: dict[str, str], role: str, mode: GenerationMode
) -> None:
    """Valid requests answered as documented, and requests that break the schema refused (4xx), never a 500."""
    failures = failures_of(api_schema, tokens[role], mode)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("role", ["board", "head"])
def test_sequences_of_calls_hold_together(api_schema: Any, tokens: dict[str, str], role: str) -> None:
    """The stateful phase: objects created and then used by the operations linked to them (the links are
    inferred from the schema), every answer checked as above."""
    headers = {"Authorization": f"Token {tokens[role]}"}
    machine = api_schema.as_state_machine()

    class Calls(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    Calls.run(settings=hypothesis_settings(stateful_step_count=6))

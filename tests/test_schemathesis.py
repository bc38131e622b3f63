"""Schemathesis over the whole OpenAPI schema, as the board administrator and as an institution head: no server
error, answers as documented (status codes, content types, bodies). A few examples per operation here (the suite
must stay fast); `make schemathesis` runs the long version against a running server (docs/operations.md)."""

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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
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


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def failures_of(schema: Any, token: str) -> list[str]:
    """Every operation of the schema, a few generated cases each; what failed, one line per operation."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=DERANDOMIZE,
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # collected, reported together below
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure).strip()[:2000]}")
    return failures


def test_the_api_answers_the_board_as_documented(api_schema: Any, tokens: dict[str, str]) -> None:
    failures = failures_of(api_schema, tokens["board"])
    assert not failures, "\n\n".join(failures)


def test_the_api_answers_an_institution_head_as_documented(api_schema: Any, tokens: dict[str, str]) -> None:
    failures = failures_of(api_schema, tokens["head"])
    assert not failures, "\n\n".join(failures)

"""Schemathesis over the whole OpenAPI schema, as the board administrator and as an institution head: no server
error, answers as documented (status codes, content types, headers, bodies), requests that break the schema
refused, and call sequences (the stateful phase: an object created, then read, changed and deleted through the
links Schemathesis infers) that hold together. A few examples per operation here (the suite must stay fast);
`make schemathesis` runs the long version (docs/operations.md).

Every check of Schemathesis runs. `positive_data_acceptance` (a schema-valid request is accepted) runs as
`positive_data_accepted`: a schema cannot say which institution numbers exist or which personal codes carry a valid
check digit, so a well-formed request naming a missing object is refused with 400, and passes when the reasons it
gives (`error_codes`) are all of that kind. What a schema can say, it says (core.openapi): text without control
characters, decimals with their digits and limits, dates in queries from 1900 to 2100, no unknown fields."""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from tests.factories import UserFactory
from tests.registry.world import build_world

# The API's contract, answered through the ORM as every test is: its result cannot differ between the databases
# (README, "Tests"); the PostgreSQL pass leaves it to the SQLite pass.
# no_cover: random requests to operations the API tests call; not traced for line coverage (README, "Tests").
pytestmark = [pytest.mark.one_database, pytest.mark.no_cover]

# Examples per operation and role: 3 in `make test`; `make schemathesis` runs SCHEMATHESIS_EXAMPLES (100).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
# In make test the same cases every run (a failure is reproducible, CI is stable); the long run explores.
DERANDOMIZE = "SCHEMATHESIS_EXAMPLES" not in os.environ


SCHEMA_PATH = "/api/schema/?format=json"
_served_schema: dict[str, Any] = {}  # the schema as the site served it, once per test process (it is the same)


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    """The schema, and the site as a WSGI application inside the test's transaction (as Django's test client
    does: the request signals must not close the test's database connection). The site serves the schema to the
    process's first test; the others take a copy of that answer (drawing it takes seconds)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        if not _served_schema:
            loaded = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)
            _served_schema.update(copy.deepcopy(loaded.raw_schema))
        else:
            loaded = schemathesis.openapi.from_dict(copy.deepcopy(_served_schema))
            loaded.app, loaded.location = app, SCHEMA_PATH
        yield loaded
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
        role: api_token_create(account=user, name="schemathesis")[1]
        for role, user in (("board", board), ("head", head))
    }


# Why a schema-valid request may still be refused (400): what a schema cannot know. The API names each refused
# field's reasons in `error_codes` (core.openapi): an object that is not there or not the caller's, a rule of the
# data (an end before its start, a device already lent), a value already taken, a personal code whose check digit
# is wrong. Any other code (`required`, `invalid`, `max_length`, `min_value`, …) is a rule the schema should have
# said, and fails the check.
DATA_CODES = {
    "does_not_exist",
    "rule",
    "unique",
    "unique_together",
    "invalid_personal_code_date",
    "invalid_personal_code_checksum",
    # A key of a map (an observation's answers by criterion code) with a control character: OpenAPI 3.0 has no
    # `propertyNames` to say what keys may hold.
    "control_character_in_key",
    # A programme code's type digits against the education classification and the programme's level and
    # special-needs category.
    "unknown_programme_type",
    "programme_type_level_mismatch",
    "special_code_without_category",
    "special_code_mismatch",
}


def codes_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*map(codes_of, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(codes_of, value)) if value else set()
    return {str(value)}


def positive_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis's positive_data_acceptance (a valid request is accepted: 2xx, or 401/403/404/409), where a 400
    also passes when every reason it gives is one of the data's (DATA_CODES)."""
    if response.status_code == 400:
        try:
            codes = codes_of(response.json().get("error_codes", {}))
        except ValueError:
            codes = set()
        if codes and codes <= DATA_CODES:
            return None
    return positive_data_acceptance(ctx, response, case)


# Every check Schemathesis has (its registry, so a check a new release adds runs too), with positive_data_acceptance
# as positive_data_accepted. `object_level_authorization` needs several identities declared in a WFC document and
# does nothing here; the permission matrix (tests/accounts) holds every row of another institution out of reach.
CHECKS = [
    positive_data_accepted if check is positive_data_acceptance else check for check in REGISTERED_CHECKS.get_all()
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


# Requests sent and operations run by each test (printed, for the long run's figures in docs/api.md).
SENT: Counter[str] = Counter()


def report(name: str) -> None:
    print(f"\n[schemathesis] {name}: {SENT['operations']} operations, {SENT['requests']} requests")
    SENT.clear()


def failures_of(schema: Any, token: str, mode: GenerationMode) -> list[str]:
    """Every operation of the schema, a few generated cases each; what failed, one line per operation."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        SENT["operations"] += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings()
        def check(case: Any) -> None:
            SENT["requests"] += 1
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
    report(f"{role} {mode}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("role", ["board", "head"])
def test_sequences_of_calls_hold_together(api_schema: Any, tokens: dict[str, str], role: str) -> None:
    """The stateful phase: objects created and then used by the operations linked to them (the links are
    inferred from the schema), every answer checked as above."""
    headers = {"Authorization": f"Token {tokens[role]}"}
    machine = api_schema.as_state_machine()

    class Calls(machine):  # type: ignore[misc, valid-type]
        """Each scenario runs inside a savepoint rolled back at its end: every scenario starts from the same data,
        so Hypothesis can replay one exactly (without it, what one scenario created was there for the next, and
        a replay drew differently: Hypothesis's FlakyStrategyDefinition)."""

        def setup(self) -> None:
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            SENT["requests"] += 1
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        Calls.run(settings=hypothesis_settings(stateful_step_count=6))
    finally:
        report(f"{role} stateful")

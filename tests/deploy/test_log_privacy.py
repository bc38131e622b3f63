"""Logs carry no children's names or personal codes: failing requests are logged by their URL pattern only."""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from eduboard.core.logging import PersonalDataFilter, redact
from eduboard.registry.models import Learner

pytestmark = pytest.mark.one_database

FIRST_NAME, LAST_NAME = "Elīza", "Kalniņa"
OLD_CODE, NEW_CODE = "120315-21234", "325678-91234"
PERSONAL_DATA = (FIRST_NAME, LAST_NAME, OLD_CODE, NEW_CODE)


class RecordKeeper(logging.Handler):
    """Keeps the records as the handlers after the console one get them."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the site's configured console handler writes (settings.LOGGING, as in production)."""
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    handlers = [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and any(isinstance(f, PersonalDataFilter) for f in handler.filters)
    ]
    assert len(handlers) == 2, "settings.LOGGING puts no PersonalDataFilter on the console or runserver handler"
    output = io.StringIO()
    streams = [handler.stream for handler in handlers]
    for handler in handlers:
        handler.setStream(output)
    try:
        yield output
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


@pytest.fixture
def later_handler() -> Iterator[RecordKeeper]:
    keeper = RecordKeeper()
    logging.getLogger().addHandler(keeper)
    try:
        yield keeper
    finally:
        logging.getLogger().removeHandler(keeper)


@pytest.fixture
def failing_site(settings: Any) -> Client:
    settings.ROOT_URLCONF = "tests.deploy.urls"
    return Client(raise_request_exception=False)


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL_DATA:
        assert value not in text
        assert value.encode("unicode_escape").decode("ascii") not in text


@pytest.mark.django_db
def test_a_failing_write_logs_the_url_pattern_and_error_without_the_childs_name_or_code(
    failing_site: Client, log_output: io.StringIO, later_handler: RecordKeeper
) -> None:
    response = failing_site.post(
        f"/deploy-test/learners/{OLD_CODE}/no-birth-date/?q={LAST_NAME}",
        {"first_name": FIRST_NAME, "last_name": LAST_NAME, "note": f"{FIRST_NAME} {LAST_NAME} {NEW_CODE}"},
    )

    assert response.status_code == 500
    logged = log_output.getvalue()
    assert "Internal Server Error: /deploy-test/learners/<str:code>/no-birth-date/" in logged
    assert "IntegrityError" in logged  # the operator still learns what failed, and where
    assert "failing_learner_write_view" in logged
    assert_no_personal_data(logged)
    # No later handler (an e-mail to ADMINS, a JSON shipper) gets the request and its POST body either.
    record = next(record for record in later_handler.records if record.name == "django.request")
    assert getattr(record, "request", None) is None
    assert record.exc_info is None
    assert_no_personal_data(repr(vars(record)))


@pytest.mark.django_db
def test_a_duplicate_personal_code_is_not_quoted_from_the_database_error(
    failing_site: Client, log_output: io.StringIO
) -> None:
    Learner.objects.create(
        personal_code=NEW_CODE, first_name="Cits", last_name="Bērns", birth_date=datetime.date(2015, 3, 12)
    )
    response = failing_site.post(
        f"/deploy-test/learners/{NEW_CODE}/duplicate/",
        {"first_name": FIRST_NAME, "last_name": LAST_NAME, "birth_date": "2015-03-12"},
    )

    assert response.status_code == 500
    logged = log_output.getvalue()
    assert "Internal Server Error: /deploy-test/learners/<str:code>/duplicate/" in logged
    assert "IntegrityError" in logged
    assert_no_personal_data(logged)


@pytest.mark.django_db
def test_a_page_not_found_logs_only_the_known_part_of_the_path(log_output: io.StringIO) -> None:
    response = Client().get(f"/registry/learners/{FIRST_NAME}-{LAST_NAME}-{OLD_CODE}/?q={NEW_CODE}")

    assert response.status_code == 404
    logged = log_output.getvalue()
    assert "Not Found: /registry/[withheld]" in logged
    assert_no_personal_data(logged)


@pytest.mark.django_db
def test_a_path_outside_the_site_is_withheld_whole(log_output: io.StringIO) -> None:
    Client().get(f"/{LAST_NAME}/{OLD_CODE}/")

    logged = log_output.getvalue()
    assert "Not Found: /[withheld]" in logged
    assert_no_personal_data(logged)


def test_django_sends_no_error_e_mail_carrying_the_request() -> None:
    # Django's default "django" handlers include AdminEmailHandler, whose report lists POST data and local variables.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def test_any_logger_has_personal_codes_and_query_strings_withheld(log_output: io.StringIO) -> None:
    logging.getLogger("eduboard.anything").warning(
        "Import of %s failed for %s (%s) at %s", "learners.xlsx", OLD_CODE, NEW_CODE.replace("-", ""), "/x/?q=abc"
    )

    logged = log_output.getvalue()
    assert "Import of learners.xlsx failed for ******-***** (******-*****) at /x/?[withheld]" in logged


def test_the_development_server_logs_requests_without_their_query(log_output: io.StringIO) -> None:
    logging.getLogger("django.server").info(
        '"%s" %s %s',
        f"GET /registry/learners/?q={LAST_NAME}&code={OLD_CODE} HTTP/1.1",
        "200",
        "5120",
        extra={"status_code": 200, "server_time": "23/Nov/2026 10:00:00"},
    )

    assert '[23/Nov/2026 10:00:00] "GET /registry/learners/?[withheld] HTTP/1.1" 200 5120' in log_output.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code 120315-21234 here", "code ******-***** here"),
        ("code 12031521234", "code ******-*****"),
        ("new 325678-91234 and 32567891234", "new ******-***** and ******-*****"),
        # Institutions' registration numbers, dates, amounts and masked codes stay as they are.
        ("school 90000000011 and 40003000000", "school 90000000011 and 40003000000"),
        ("as of 2025-09-01, 1234.56 EUR, 120315-*****", "as of 2025-09-01, 1234.56 EUR, 120315-*****"),
        (
            "DETAIL:  Key (personal_code)=(120315-21234) already exists.",
            "DETAIL:  Key (personal_code)=([withheld]) already exists.",
        ),
        (
            "DETAIL:  Failing row contains (7, 2025-01-01, Elīza, Kalniņa, null, f).",
            "DETAIL:  Failing row contains ([withheld]).",
        ),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected

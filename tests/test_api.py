"""The API's root, schema, docs, health and token authentication."""

from collections.abc import Callable
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_health_answers_the_database_state() -> None:
    response = Client().get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # details (database, engine) only for board users


def test_health_reports_an_unavailable_database_with_503() -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = Client().get("/api/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_openapi_schema_describes_the_api() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/registry/institutions/" in schema["paths"]
    assert "/api/health/" in schema["paths"]


def test_interactive_docs_page_loads_its_assets_from_this_server() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert "swagger" in response.content.decode().lower()
    assert "cdn" not in response.content.decode().lower()


def test_token_authenticates_the_caller(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST, username="analyst1")
    _token, secret = api_token_create(account=user, name="tests")
    me = Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/me/").json()
    assert me["username"] == "analyst1"
    assert me["role"] == "board_analyst"
    assert Client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/me/").status_code == 401


def test_session_authenticates_the_caller(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> None:
    response = signed_in(make_user(Role.INSTITUTION_HEAD)).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "institution_head"


def test_api_token_page_makes_a_token_that_authenticates(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.BOARD_ANALYST)
    page = signed_in(user).post("/accounts/api-token/", {"name": "script", "lifetime_days": 30})
    secret = page.context["secret"]
    assert Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/me/").json()["username"] == user.username

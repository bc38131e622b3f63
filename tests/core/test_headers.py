"""Response headers: what the browser may use, what caches may keep; the API docs' access and language."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.middleware import PERMISSIONS_POLICY, PrivacyHeadersMiddleware

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _through_middleware(response: HttpResponse, path: str = "/vacancies/", user: object = None) -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()  # type: ignore[assignment]

    def view(_request: HttpRequest) -> HttpResponse:
        return response

    return PrivacyHeadersMiddleware(view)(request)


def test_every_page_limits_the_browser_features_it_may_use() -> None:
    response = Client().get("/vacancies/")
    assert response.status_code == 200
    assert response["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_public_page_for_an_anonymous_visitor_may_be_cached() -> None:
    response = Client().get("/vacancies/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_pages_of_a_signed_in_user_are_kept_out_of_caches(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.BOARD_ANALYST)).get("/people/staff/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_api_answers_are_kept_out_of_caches_even_for_anonymous_callers() -> None:
    response = Client().get("/api/public/vacancies/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_anonymous_health_check_is_not_marked_private() -> None:
    response = Client().get("/api/health/")
    assert "Permissions-Policy" in response
    assert "no-store" not in response.get("Cache-Control", "")


def test_file_download_is_kept_out_of_caches_even_for_anonymous_callers() -> None:
    download = HttpResponse(b"a,b", content_type="text/csv")
    download["Content-Disposition"] = 'attachment; filename="x.csv"'
    assert _through_middleware(download)["Cache-Control"] == "no-store, private"


def test_signed_in_export_download_is_kept_out_of_caches(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.BOARD_ANALYST)).get("/people/staff/", {"export": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"


def test_a_stricter_cache_control_is_kept_and_a_weaker_one_replaced() -> None:
    strict = HttpResponse()
    strict["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert _through_middleware(strict, "/api/x/")["Cache-Control"] == strict["Cache-Control"]
    weak = HttpResponse()
    weak["Cache-Control"] = "public, max-age=600"
    assert _through_middleware(weak, "/api/x/")["Cache-Control"] == "no-store, private"


def test_a_page_that_sets_its_own_permissions_policy_keeps_it() -> None:
    response = HttpResponse()
    response["Permissions-Policy"] = "camera=()"
    assert _through_middleware(response)["Permissions-Policy"] == "camera=()"


def test_static_files_are_served_without_debug_and_without_collectstatic(settings: object) -> None:
    response = Client().get("/static/css/eduboard.css")
    assert response.status_code == 200


def test_api_docs_page_states_its_language() -> None:
    assert '<html lang="lv">' in Client().get("/api/docs/").content.decode()
    client = Client()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/api/docs/").content.decode()


def test_api_schema_and_docs_need_a_sign_in_in_production(tmp_path: Path) -> None:
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "for path in ('/api/schema/', '/api/docs/', '/api/health/'):\n"
        "    print(Client().get(path, secure=True).status_code)\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="eduboard.example.lv",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        DJANGO_SETTINGS_MODULE="eduboard.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    schema, docs, health = (int(status) for status in result.stdout.split())
    assert schema in (401, 403)
    assert docs in (401, 403)
    assert health in (200, 503)  # the health check stays open (the empty database may not answer)

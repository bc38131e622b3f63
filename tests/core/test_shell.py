"""The UI shell: error pages in the same style, security headers, labelled forms."""

from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def test_missing_page_answers_404_in_the_sites_layout() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Lapa nav atrasta" in page  # Latvian: page not found
    assert 'href="/accounts/login/"' in page  # the normal header, not a bare error


def test_forbidden_page_answers_403_in_the_sites_layout(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.BOARD_ANALYST)).get("/accounts/audit/")
    assert response.status_code == 403
    assert "Piekļuve liegta" in response.content.decode()


def test_server_error_page_renders_without_a_request_context() -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "500" in response.content.decode()


def test_pages_send_a_strict_content_security_policy() -> None:
    response = Client().get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_every_form_field_on_the_sign_in_page_has_a_label() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page


def test_pages_scale_on_phones_and_offer_a_skip_link() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'name="viewport"' in page
    assert 'class="skip-link" href="#main"' in page

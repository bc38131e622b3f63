"""Lock-out after repeated failures, password validators, password reset by e-mail."""

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    client = Client()
    for attempt in range(1, 5):
        response = client.post("/accounts/login/", {"username": user.username, "password": f"wrong-{attempt}"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong-5"})
    assert response.status_code == 429
    assert "bloķēts" in response.content.decode()  # Latvian: "locked"
    # Even the right password is refused now, from another client at the same address.
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_failures_on_one_account_do_not_lock_another(make_user: Callable[..., User]) -> None:
    victim, colleague = make_user(Role.BOARD_ANALYST), make_user(Role.BOARD_ANALYST)
    client = Client()
    for attempt in range(5):
        client.post("/accounts/login/", {"username": victim.username, "password": f"wrong-{attempt}"})
    response = client.post("/accounts/login/", {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 302


def test_password_change_applies_djangos_validators(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.BOARD_ANALYST)
    client = signed_in(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_a_link_that_sets_a_new_password(make_user: Callable[..., User]) -> None:
    user = make_user(Role.INSTITUTION_STAFF, email="teacher@example.lv")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "teacher@example.lv"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "Daugava-river-2024-autumn"
    done = client.post(form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_sign_out_ends_the_session(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> None:
    client = signed_in(make_user(Role.BOARD_ANALYST))
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/registry/institutions/").status_code == 302


def reset_requests(address: str, email: str, times: int) -> list[str]:
    """Ask `times` for a reset link for `email` from `address`; where each answer sent the asker."""
    client = Client(REMOTE_ADDR=address)
    return [client.post("/accounts/password/reset/", {"email": email})["Location"] for _ in range(times)]


def test_reset_e_mails_to_one_account_are_limited_per_hour(make_user: Callable[..., User]) -> None:
    make_user(Role.INSTITUTION_STAFF, email="teacher@example.lv")
    answers = [
        *reset_requests("192.0.2.1", "teacher@example.lv", 2),
        *reset_requests("192.0.2.2", "teacher@example.lv", 3),
    ]
    assert len(mail.outbox) == 3  # three an hour per account, whatever the addresses asking
    # The page answers the same way whether it sent, held back, or found no account: it reveals nothing.
    answers += reset_requests("192.0.2.3", "nobody@example.lv", 1)
    assert set(answers) == {"/accounts/password/reset/sent/"}


def test_reset_requests_from_one_address_are_limited_per_hour(make_user: Callable[..., User]) -> None:
    emails = [make_user(Role.INSTITUTION_STAFF, email=f"teacher{n}@example.lv").email for n in range(12)]
    client = Client(REMOTE_ADDR="192.0.2.7")
    for email in emails:
        assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    assert len(mail.outbox) == 10
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails[:10])
    # Another address is not concerned.
    assert Client(REMOTE_ADDR="192.0.2.8").post("/accounts/password/reset/", {"email": emails[11]}).status_code == 302
    assert len(mail.outbox) == 11

"""Sign-in lock-out by username and address together, lifted by a password reset."""

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS_A = "192.0.2.10"
ADDRESS_B = "198.51.100.20"
NEW_PASSWORD = "Daugava-river-2024-autumn"


def sign_in(client: Client, user: User, password: str) -> int:
    return client.post("/accounts/login/", {"username": user.username, "password": password}).status_code


def lock_out(user: User, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    for attempt in range(5):
        sign_in(client, user, f"wrong-{attempt}")
    assert sign_in(client, user, PASSWORD) == 429
    return client


def test_failures_from_one_address_leave_sign_in_from_another_working(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    lock_out(admin, ADDRESS_A)
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_B), admin, PASSWORD) == 302


def test_a_password_reset_lifts_the_lockout(make_user: Callable[..., User]) -> None:
    user = make_user(Role.INSTITUTION_STAFF, email="teacher@example.lv")
    client = lock_out(user, ADDRESS_A)
    client.post("/accounts/password/reset/", {"email": "teacher@example.lv"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    done = client.post(form_page.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A), user, NEW_PASSWORD) == 302

"""Passwords: at least 12 characters, not a common one, not all digits, not like the user's names or address; the
demonstration password passes the same rules."""

from collections.abc import Callable

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from eduboard.accounts import demo
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def change_password(client: Client, new_password: str) -> str:
    """The change-password page's answer: "saved", or the form's errors."""
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    if response.status_code == 302:
        return "saved"
    return " ".join(str(error) for error in response.context["form"].errors.get("new_password2", []))


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("admin12345", "too short"),
        ("Daugava-202", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop12", "too common"),
        ("123456789012", "entirely numeric"),
        ("ilze.berzina.2024", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None, weak: str, reason: str
) -> None:
    user = make_user(Role.BOARD_ANALYST, username="ilze.berzina", first_name="Ilze", last_name="Bērziņa")
    assert reason in change_password(signed_in(user), weak)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_twelve_characters_that_are_not_common_are_enough(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.INSTITUTION_STAFF)
    assert change_password(signed_in(user), "Daugava-2024") == "saved"
    user.refresh_from_db()
    assert user.check_password("Daugava-2024")


@pytest.mark.parametrize(("username", "first_name", "last_name"), [row[:3] for row in demo.USERS])
def test_the_demonstration_password_passes_the_rules(username: str, first_name: str, last_name: str) -> None:
    user = User(username=username, first_name=first_name, last_name=last_name, email=f"{username}@eduboard.invalid")
    validate_password(demo.DEMO_PASSWORD, user)  # raises ValidationError when a rule refuses it

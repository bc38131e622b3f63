"""Sessions end after a time without activity and at an absolute limit, sooner for the board's roles; the user is
sent to sign in with a message; API calls with a token carry no session and are not concerned."""

from collections.abc import Callable
from datetime import timedelta

import pytest
import rest_framework.throttling  # noqa: F401 - imported before any clock is frozen: it keeps `time.time` in a class
from django.conf import settings
from django.test import Client
from freezegun import freeze_time

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from eduboard.registry.models import Institution
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

HOME = "/accounts/api-token/"  # a page for the signed-in only


def signed_in_with_password(user: User) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def test_limits_are_shorter_for_the_board() -> None:
    assert settings.SESSION_IDLE_MINUTES_BOARD < settings.SESSION_IDLE_MINUTES
    assert settings.SESSION_MAX_HOURS_BOARD < settings.SESSION_MAX_HOURS
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_MAX_HOURS * 3600


def test_an_idle_session_ends_and_sends_to_sign_in_with_a_message(
    make_user: Callable[..., User], school_a: Institution, english: None
) -> None:
    with freeze_time("2025-03-03 08:00") as clock:
        staff = signed_in_with_password(make_user(Role.INSTITUTION_STAFF, institutions=[school_a]))
        clock.tick(timedelta(minutes=59))
        assert is_signed_in(staff)  # 59 minutes idle: still signed in, and the clock of idleness starts again
        clock.tick(timedelta(minutes=59))
        assert is_signed_in(staff)
        clock.tick(timedelta(minutes=61))
        page = staff.get(HOME)
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/login/")
        signed_out = staff.get(page["Location"])
        assert "signed out after 60 minutes without activity" in signed_out.content.decode()
        assert not is_signed_in(staff)


def test_a_board_session_ends_after_thirty_idle_minutes(make_user: Callable[..., User]) -> None:
    with freeze_time("2025-03-03 08:00") as clock:
        analyst = signed_in_with_password(make_user(Role.BOARD_ANALYST))
        clock.tick(timedelta(minutes=29))
        assert is_signed_in(analyst)
        clock.tick(timedelta(minutes=31))
        assert not is_signed_in(analyst)


@pytest.mark.parametrize(("role", "hours"), [(Role.INSTITUTION_STAFF, 12), (Role.BOARD_ANALYST, 8)])
def test_a_busy_session_still_ends_at_its_absolute_limit(
    make_user: Callable[..., User], school_a: Institution, role: str, hours: int, english: None
) -> None:
    with freeze_time("2025-03-03 07:00") as clock:
        client = signed_in_with_password(make_user(role, institutions=[school_a]))
        for _ in range(hours * 4 - 1):  # a request every quarter of an hour
            clock.tick(timedelta(minutes=15))
            assert is_signed_in(client)
        clock.tick(timedelta(minutes=16))
        page = client.get(HOME, follow=True)
        assert page.redirect_chain[-1][0].startswith("/accounts/login/")
        assert f"a session lasts at most {hours} hours" in page.content.decode()


def age(client: Client, **minutes: float) -> None:
    """Move the session's sign-in and last use back by `minutes`."""
    session = client.session
    session[SIGNED_IN_AT] -= minutes.get("signed_in", 0) * 60
    session[LAST_SEEN_AT] -= minutes.get("last_seen", 0) * 60
    session.save()


def test_api_calls_with_a_token_are_not_sessions(make_user: Callable[..., User]) -> None:
    _token, secret = api_token_create(account=make_user(Role.BOARD_ANALYST), name="nightly export")
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/me/").status_code == 200
    assert api.get("/api/me/").status_code == 200
    assert "sessionid" not in api.cookies


def test_the_api_with_an_ended_session_is_refused(make_user: Callable[..., User]) -> None:
    client = signed_in_with_password(make_user(Role.BOARD_ANALYST))
    assert client.get("/api/me/").status_code == 200
    age(client, signed_in=31, last_seen=31)
    assert client.get("/api/me/").status_code in {401, 403}

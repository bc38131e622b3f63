"""Sign-in lock-outs: a username at one address, a username from any address (for a short cool-off, lifted by the
owner's sign-in), an address for any username; the owner's own browser kept out only by its own wrong passwords;
the address from X-Forwarded-For only when a trusted proxy sent it; a password reset lifts an account's lock."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from freezegun import freeze_time

from eduboard.accounts.lockout import DEVICE_COOKIE
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ADDRESS_A = "192.0.2.10"
ADDRESS_B = "198.51.100.20"
PROXY = "10.0.0.5"
NEW_PASSWORD = "Daugava-river-2024-autumn"


def sign_in(client: Client, user: User | str, password: str, **headers: str) -> int:
    username = user if isinstance(user, str) else user.username
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers).status_code


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


def test_wrong_passwords_spread_over_thirty_addresses_lock_the_account(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    answers = [
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{host}"), user, f"guess-{host}-{attempt}")
        for host in range(1, 31)
        for attempt in range(4)
    ]
    assert answers[:9] == [200] * 9  # no address reaches its own limit, but the account reaches its limit of 10
    assert set(answers[10:]) == {429}
    # Locked for its owner too, from an address that never failed; the message names the limits.
    refused = Client(REMOTE_ADDR=ADDRESS_B).post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "10" in refused.content.decode()
    # Tries refused during the lock do not prolong it: the account's lock is a short one (15 minutes after the last
    # wrong password that counted), so strangers cannot keep an owner out for long.
    with freeze_time(timedelta(minutes=14), tick=True):
        assert sign_in(Client(REMOTE_ADDR=ADDRESS_B), user, PASSWORD) == 429
    with freeze_time(timedelta(minutes=15, seconds=30), tick=True):
        assert sign_in(Client(REMOTE_ADDR=ADDRESS_B), user, PASSWORD) == 302


def test_one_address_trying_many_accounts_is_locked_for_every_account(make_user: Callable[..., User]) -> None:
    users = [make_user(Role.INSTITUTION_STAFF) for _ in range(30)]
    sprayer = Client(REMOTE_ADDR=ADDRESS_A)
    answers = [sign_in(sprayer, user, "Summer2024!") for user in users]
    assert answers[:24] == [200] * 24
    assert set(answers[25:]) == {429}
    # The address is locked even with a right password, for an account it never tried; other addresses are not.
    colleague = make_user(Role.INSTITUTION_STAFF)
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A), colleague, PASSWORD) == 429
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_B), users[0], PASSWORD) == 302


def test_one_valid_account_does_not_wipe_out_an_address_s_failures(make_user: Callable[..., User]) -> None:
    own, *victims = [make_user(Role.INSTITUTION_STAFF) for _ in range(26)]
    client = Client(REMOTE_ADDR=ADDRESS_A)
    for victim in victims[:20]:
        sign_in(client, victim, "Summer2024!")
    assert sign_in(client, own, PASSWORD) == 302
    for victim in victims[20:]:
        sign_in(Client(REMOTE_ADDR=ADDRESS_A), victim, "Summer2024!")
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A), own, PASSWORD) == 429


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    # Five wrong passwords, each claiming another address in the header: all count against the peer's address.
    for attempt in range(5):
        client = Client(REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt + 1}")
        sign_in(client, user, f"wrong-{attempt}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS_A}
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR=ADDRESS_B), user, PASSWORD) == 429


@override_settings(TRUSTED_PROXIES=[PROXY, "10.1.0.0/16"])
def test_a_trusted_proxy_s_x_forwarded_for_names_the_client(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    # Behind the proxy every client arrives from its address: one client's failures lock that client only.
    behind_proxy = {"REMOTE_ADDR": PROXY}
    for attempt in range(5):
        Client(**behind_proxy, HTTP_X_FORWARDED_FOR=ADDRESS_A).post(
            "/accounts/login/", {"username": user.username, "password": f"wrong-{attempt}"}
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS_A}
    assert sign_in(Client(**behind_proxy, HTTP_X_FORWARDED_FOR=ADDRESS_A), user, PASSWORD) == 429
    assert sign_in(Client(**behind_proxy, HTTP_X_FORWARDED_FOR=ADDRESS_B), user, PASSWORD) == 302
    # A sign-in from B forgets B's failures only: A stays locked. A client's own header is kept to the left of what
    # the proxies add, and is not believed.
    spoofed = f"{ADDRESS_B}, {ADDRESS_A}, 10.1.2.3"
    assert sign_in(Client(**behind_proxy, HTTP_X_FORWARDED_FOR=spoofed), user, PASSWORD) == 429


# --- what a stranger cannot do to an account's owner


def owners_browser(user: User, address: str = ADDRESS_B) -> Client:
    """The owner's browser: it signed in once (and out), so it carries the account's device cookie."""
    browser = Client(REMOTE_ADDR=address)
    assert sign_in(browser, user, PASSWORD) == 302
    assert DEVICE_COOKIE in browser.cookies and browser.cookies[DEVICE_COOKIE]["httponly"]
    browser.post("/accounts/logout/")
    return browser


def strangers_from_thirty_addresses(user: User) -> list[int]:
    return [
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{host}"), user, f"guess-{host}-{attempt}")
        for host in range(1, 31)
        for attempt in range(4)
    ]


def test_strangers_wrong_passwords_never_keep_the_owners_own_browser_out(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    browser = owners_browser(user)
    assert set(strangers_from_thirty_addresses(user)[10:]) == {429}
    assert sign_in(Client(REMOTE_ADDR="192.0.2.99"), user, PASSWORD) == 429  # the account is locked for others
    assert sign_in(browser, user, PASSWORD) == 302  # but not for its owner's browser
    # The owner's sign-in lifts the account's lock: a new browser of the owner signs in at once.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.99"), user, PASSWORD) == 302


def test_a_stranger_at_the_owners_address_does_not_lock_the_owners_browser(make_user: Callable[..., User]) -> None:
    user = make_user(Role.INSTITUTION_STAFF)
    browser = owners_browser(user, ADDRESS_A)
    lock_out(user, ADDRESS_A)  # five wrong passwords from a pupil at the school's one address
    assert sign_in(browser, user, PASSWORD) == 302
    # One address trying 25 accounts is locked for every account, but not for an owner's browser.
    for victim in [make_user(Role.INSTITUTION_STAFF) for _ in range(25)]:
        sign_in(Client(REMOTE_ADDR=ADDRESS_A), victim, "Summer2024!")
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A), user, PASSWORD) == 429
    assert sign_in(browser, user, PASSWORD) == 302


def test_the_owners_browser_is_locked_by_its_own_wrong_passwords(make_user: Callable[..., User]) -> None:
    user = make_user(Role.INSTITUTION_STAFF)
    browser = owners_browser(user)
    assert [sign_in(browser, user, f"typo-{n}") for n in range(5)] == [200] * 4 + [429]
    assert sign_in(browser, user, PASSWORD) == 429
    assert sign_in(Client(REMOTE_ADDR=ADDRESS_A), user, PASSWORD) == 302  # five of the account's ten: not locked


def test_a_device_cookie_counts_only_for_its_own_account_and_password(make_user: Callable[..., User]) -> None:
    user, other = make_user(Role.BOARD_ANALYST), make_user(Role.BOARD_ANALYST)
    browser, others_browser = owners_browser(user, "192.0.2.50"), owners_browser(other)
    strangers_from_thirty_addresses(user)
    assert sign_in(others_browser, user, PASSWORD) == 429  # another account's browser is a stranger to this one
    forged = Client(REMOTE_ADDR=ADDRESS_B)
    forged.cookies[DEVICE_COOKIE] = browser.cookies[DEVICE_COOKIE].value.replace(":", ";", 1)
    assert sign_in(forged, user, PASSWORD) == 429
    assert sign_in(browser, user, PASSWORD) == 302
    # A new password makes the browsers that knew the old one strangers again.
    user.set_password(NEW_PASSWORD)
    user.save()
    strangers_from_thirty_addresses(user)
    assert sign_in(browser, user, NEW_PASSWORD) == 429

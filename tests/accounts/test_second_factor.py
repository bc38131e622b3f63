"""Board administrators must pass a TOTP second factor; other roles need not."""

from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def sign_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step should pass"
    return client


def test_board_administrator_without_a_device_must_set_one_up(make_user: Callable[..., User]) -> None:
    client = sign_in_with_password(make_user(Role.BOARD_ADMIN))
    response = client.get("/registry/institutions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/setup/")


def test_setting_up_the_authenticator_confirms_with_a_real_code(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    client = sign_in_with_password(admin)
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.post("/accounts/second-factor/setup/", {"token": "000000"}).status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/accounts/second-factor/setup/", {"token": code, "next": "/registry/institutions/"})
    assert response.status_code == 302
    assert response["Location"] == "/registry/institutions/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/registry/institutions/").status_code == 200


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # no waiting between a wrong and a right code in this test
def test_board_administrator_with_a_device_enters_its_code(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    device = totp_device_for(admin)
    client = sign_in_with_password(admin)
    response = client.get("/")
    assert response["Location"].startswith("/accounts/second-factor/verify/")
    wrong = client.post("/accounts/second-factor/verify/", {"token": "123456", "next": "/"})
    assert wrong.status_code == 200
    assert client.get("/registry/institutions/").status_code == 302
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post("/accounts/second-factor/verify/", {"token": code, "next": "/"}).status_code == 302
    assert client.get("/registry/institutions/").status_code == 200


def test_unverified_administrator_session_cannot_use_the_api(make_user: Callable[..., User]) -> None:
    client = sign_in_with_password(make_user(Role.BOARD_ADMIN))
    assert client.get("/api/registry/institutions/").status_code == 403


def test_other_roles_sign_in_with_a_password_alone(make_user: Callable[..., User]) -> None:
    client = sign_in_with_password(make_user(Role.BOARD_ANALYST))
    assert client.get("/registry/institutions/").status_code == 200


def test_passing_the_second_factor_gives_the_session_a_new_id(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    device = totp_device_for(admin)
    client = sign_in_with_password(admin)
    seen_before = client.cookies["sessionid"].value
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post("/accounts/second-factor/verify/", {"token": code, "next": "/"}).status_code == 302
    assert client.cookies["sessionid"].value != seen_before
    assert client.get("/registry/institutions/").status_code == 200
    stolen = Client()
    stolen.cookies["sessionid"] = seen_before
    assert stolen.get("/registry/institutions/").status_code == 302


def test_setting_up_the_second_factor_gives_the_session_a_new_id(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    client = sign_in_with_password(admin)
    client.get("/accounts/second-factor/setup/")
    seen_before = client.cookies["sessionid"].value
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post("/accounts/second-factor/setup/", {"token": code, "next": "/"}).status_code == 302
    assert client.cookies["sessionid"].value != seen_before


def throttled_page(admin: User) -> str:
    """The page after one wrong code and then a right one while the device is throttled (60 s)."""
    totp_device_for(admin)
    client = sign_in_with_password(admin)
    wrong = client.post("/accounts/second-factor/verify/", {"token": "123456", "next": "/"})
    assert "not valid" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    assert device.throttling_failure_timestamp is not None
    code = f"{TOTP(device.bin_key).token():06d}"
    throttled = client.post("/accounts/second-factor/verify/", {"token": code, "next": "/"})
    assert throttled.status_code == 200
    assert client.get("/registry/institutions/").status_code == 302
    page = throttled.content.decode()
    assert "not valid" not in page
    return page


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_throttled_code_page_says_to_wait_and_until_when(make_user: Callable[..., User], english: None) -> None:
    with freeze_time("2026-11-25 12:00:00"):  # 14:00:00 in Riga
        page = throttled_page(make_user(Role.BOARD_ADMIN))
    assert "Wait until 14:01:00" in page


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_throttle_that_ends_after_midnight_names_the_day(make_user: Callable[..., User], english: None) -> None:
    with freeze_time("2026-11-25 21:59:30"):  # 23:59:30 in Riga: the wait ends tomorrow
        page = throttled_page(make_user(Role.BOARD_ADMIN))
    assert "Wait until 26.11.2026 00:00" in page

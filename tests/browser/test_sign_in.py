"""In a real browser: signing in with the second factor, switching language, being locked out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def test_board_administrator_signs_in_switches_to_english_and_sees_the_dashboard(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.BOARD_ADMIN, username="anna", first_name="Anna", last_name="Administratore")
    device = totp_device_for(admin)
    base = str(live_server)

    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    page.get_by_label("Lietotājvārds").fill("anna")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()

    # The second factor: a code from the authenticator app.
    expect(page).to_have_url(f"{base}/accounts/second-factor/verify/?next=%2F")
    page.get_by_label("Kods no autentifikatora lietotnes").fill(f"{TOTP(device.bin_key).token():06d}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")

    page.get_by_role("button", name="EN English", exact=True).click()  # one click: the header's language buttons
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as Anna Administratore, Board administrator.")).to_be_visible()
    page.locator("summary", has_text="Reports").click()  # the area's dropdown
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()
    page.screenshot(path="var/screenshots/dashboard-en.png", full_page=True)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    make_user(Role.BOARD_ANALYST, username="andris")
    page.goto(f"{live_server}/accounts/login/")
    for attempt in range(1, 6):
        page.get_by_label("Lietotājvārds").fill("andris")
        page.get_by_label("Parole").fill(f"wrong-password-{attempt}")
        page.get_by_role("button", name="Pieteikties").click()
        if attempt < 5:
            expect(page.get_by_role("alert")).to_contain_text("Lūgums ievadīt pareizu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konts bloķēts")
    expect(page.locator("#lockout-message")).to_contain_text("5")
    page.screenshot(path="var/screenshots/locked-out.png", full_page=True)


def test_keyboard_reaches_the_main_content_through_the_skip_link(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/")  # the start page (the sign-in page puts the focus in its first field)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Pāriet uz saturu"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/#main")


def test_the_page_fits_a_phone_screen(page: Page, live_server: object) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server}/accounts/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

"""In a real browser: the board starts a report edition, writes its text, publishes it and downloads the PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.reports.models import ReportEdition
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def test_board_writes_publishes_and_downloads_a_report_edition(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    SchoolYear.objects.create(code="2024/2025", start_date=date(2024, 9, 1), end_date=date(2025, 8, 31))
    device = totp_device_for(make_user(Role.BOARD_ADMIN, username="anna"))

    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("anna")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    page.get_by_label("Kods no autentifikatora lietotnes").fill(f"{TOTP(device.bin_key).token():06d}")
    page.keyboard.press("Enter")
    # The dashboard's own heading, not the menu's link: the menu shows on the second-factor page too, and going on
    # from there races the code's POST (a lost race sent the next page to the sign-in page).
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")

    page.goto(f"{live_server}/reports/")
    page.locator("select[name=school_year]").select_option(label="2024/2025")
    page.locator("input[name=as_of]").fill("2024-10-01")
    page.locator("form[method=post]:has(input[name=as_of]) button[type=submit]").click()
    edition = ReportEdition.objects.get()
    expect(page).to_have_url(f"{live_server}/reports/{edition.pk}/")

    page.locator(f"a[href='/reports/{edition.pk}/edit/']").click()
    page.locator("textarea[name='slot:challenges.text']").fill("Vienotās skolas modelis un PMP prevencija.")
    page.locator("form[method=post]:has(textarea) button[type=submit]").click()
    expect(page.locator("[data-slot='challenges.text']")).to_contain_text("Vienotās skolas modelis")

    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator("#edition-status")).to_have_class(re.compile("edition-status-published"))
    assert ReportEdition.objects.get().is_published

    page.locator(f"form[action^='/reports/{edition.pk}/file/pdf/'] button").click()
    with page.expect_download() as download:
        page.locator("#job-file").click()
    assert download.value.suggested_filename == "readiness-2024-2025-1-lv.pdf"

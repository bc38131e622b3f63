"""In a real browser (issue 39, point 3): the board starts an edition on the school year the form opens on, makes its
PDF, leaves the job page by its link back to the edition, finds the file listed there with its date and maker, and
downloads it from there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.reports.models import FileJob, ReportEdition
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def test_the_board_finds_the_pdf_it_made_listed_on_the_edition_and_downloads_it_from_there(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1  # a school year runs 1 September to 31 August
    for first in (start - 1, start, start + 1):
        SchoolYear.objects.create(
            code=f"{first}/{first + 1}", start_date=date(first, 9, 1), end_date=date(first + 1, 8, 31)
        )
    user = make_user(Role.BOARD_ADMIN, username="anna", first_name="Anna", last_name="Bērziņa")
    device = totp_device_for(user)

    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("anna")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    page.get_by_label("Kods no autentifikatora lietotnes").fill(f"{TOTP(device.bin_key).token():06d}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")

    # The form opens on this school year and today's date: the board only starts the draft.
    page.goto(f"{live_server}/reports/")
    current = f"{start}/{start + 1}"
    expect(page.locator("select[name=school_year] option:checked")).to_have_text(current)
    expect(page.locator("input[name=as_of]")).to_have_value(today.isoformat())
    page.locator("form[method=post]:has(input[name=as_of]) button[type=submit]").click()
    edition = ReportEdition.objects.get()
    assert edition.school_year.code == current
    expect(page).to_have_url(f"{live_server}/reports/{edition.pk}/")
    expect(page.locator("#edition-files tr[data-file]")).to_have_count(0)

    page.locator(f"form[action^='/reports/{edition.pk}/file/pdf/'] button").click()
    expect(page.locator("#job-file")).to_be_visible()
    page.locator("#job-back").click()  # leave the job page without downloading
    expect(page).to_have_url(f"{live_server}/reports/{edition.pk}/")

    job = FileJob.objects.get()
    row = page.locator(f"#edition-files tr[data-file='{job.pk}']")
    expect(row).to_contain_text("Anna Bērziņa")
    expect(row).to_contain_text(today.strftime("%d.%m.%Y."))
    expect(row).to_contain_text("PDF")
    with page.expect_download() as download:
        row.get_by_role("link", name=job.filename).click()
    filename = f"readiness-{current.replace('/', '-')}-1-lv.pdf"
    assert download.value.suggested_filename == filename
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

"""In a real browser: a board administrator records a payment received on a project's page, and the page's totals
received and still due move by the amount.

The setup is that of tests/browser (Playwright drives Debian's Chromium, never a downloaded browser); its conftest
does not reach this folder, so the few fixtures it sets are set here too."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.projects import services
from eduboard.projects.choices import ensure_standard_programmes
from eduboard.projects.models import Payment, Project, ProjectProgramme
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.one_database]

CHROMIUM = Path(os.environ.get("EDUBOARD_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one unless told it is
# safe. The live server runs in its own thread, so the test's own ORM use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup` (it installs Debian's chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


def total(page: Page, element_id: str) -> Decimal:
    """The amount in `#element_id` ("2810.00 EUR"; a comma as the decimal separator in Latvian)."""
    text = page.locator(f"#{element_id}").inner_text()
    return Decimal(re.sub(r"[^0-9,.\-]", "", text).replace(",", "."))


def test_board_admin_records_a_payment_and_the_totals_move(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_standard_programmes()
    project = services.project_save(
        project=Project(
            reference="2019-1-TR01-KA201-076605",
            title="Inovācijas un transformācijas izglītībā",
            programme=ProjectProgramme.objects.get(code="erasmus_ka2"),
            role="partner",
            start_date=date(2019, 10, 1),
            end_date=date(2021, 9, 30),
            status="closed",
            grant=Decimal("14050.00"),
            city_share=Decimal("14050.00"),
        ),
        viewer=WHOLE_CITY,
        institutions=[],
    )
    services.payment_record(
        project=project, received_on=date(2019, 11, 15), amount=Decimal("2810.00"), viewer=WHOLE_CITY
    )
    admin = make_user(Role.BOARD_ADMIN, username="anna")
    device = totp_device_for(admin)
    base = str(live_server)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("anna")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    page.get_by_label("Kods no autentifikatora lietotnes").fill(f"{TOTP(device.bin_key).token():06d}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")
    page.get_by_role("button", name="EN English", exact=True).click()  # one click: the header's language buttons
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(f"{base}/projects/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inovācijas un transformācijas izglītībā")
    assert (total(page, "received-total"), total(page, "due-total")) == (Decimal("2810.00"), Decimal("11240.00"))

    expect(page.get_by_role("heading", name="Record a payment received")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Record the payment"))
    form.get_by_label("Received on").fill("2020-06-30")
    form.get_by_label("Amount (EUR)").fill("2810.00")
    form.get_by_role("button", name="Record the payment").click()

    expect(page.get_by_text("The payment was recorded.")).to_be_visible()
    expect(page.locator("#received-total")).to_contain_text("5620.00")
    assert (total(page, "received-total"), total(page, "due-total")) == (Decimal("5620.00"), Decimal("8430.00"))
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("2810.00")] * 2

    # more than is still due: refused on the form, the totals stay
    form = page.locator("form", has=page.get_by_role("button", name="Record the payment"))
    form.get_by_label("Received on").fill("2021-01-29")
    form.get_by_label("Amount (EUR)").fill("8430.01")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("alert").filter(has_text="8430.00")).to_be_visible()
    assert (total(page, "received-total"), total(page, "due-total")) == (Decimal("5620.00"), Decimal("8430.00"))
    assert Payment.objects.count() == 2

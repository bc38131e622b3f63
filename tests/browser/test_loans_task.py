"""In a real browser, the task of issue 39 ("Lending a device") as a head does it: signs in with a password and a
TOTP code, lends a Chromebook to a pupil, opens its agreement (PDF) from the device's page, is warned when lending
the same pupil a second Chromebook and lends it after confirming, opens that loan's agreement from the loan's page,
follows the links loans list → device → learner, and lends to the class, skipping the pupil who has two.

The page is in English (the msgids): the new wording is translated by the lead afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from io import BytesIO

import pytest
from django_otp.oath import TOTP
from pdfminer.high_level import extract_text
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.registry.models import Learner
from tests.factories import PASSWORD, totp_device_for
from tests.registry.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def sign_in_with_a_code(page: Page, live_server: object, username: str, code: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": str(live_server)}])
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("authenticator app")).fill(code)
    page.keyboard.press("Enter")
    # The dashboard's own heading: going on from the second-factor page would race the code's POST.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Dashboard|Overview"))


def choose(page: Page, label: str, text: str) -> None:
    """Choose the option that says `text` in the list `label` (a learner's option says their class too)."""
    field = page.get_by_label(label)
    field.select_option(label=field.locator("option", has_text=text).inner_text().strip())


def pdf_text(page: Page, link: object) -> str:
    """Click `link` (a Playwright locator) and read the PDF it downloads."""
    with page.expect_download() as download:
        link.click()  # type: ignore[attr-defined]
    path = download.value.path()
    return " ".join(extract_text(BytesIO(path.read_bytes())).split())


def test_head_lends_is_warned_of_a_second_chromebook_and_finds_each_agreement(
    page: Page, live_server: object, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The board asks heads for a second factor as well as its administrators.
    monkeypatch.setattr(
        "eduboard.accounts.models.SECOND_FACTOR_ROLES", frozenset({Role.BOARD_ADMIN, Role.INSTITUTION_HEAD})
    )
    ensure_standard_kinds()  # transactional tests empty the tables the migration filled
    world = build_world(pupils=3)
    chromebook = AssetKind.objects.get(code="chromebook")
    for number in range(1, 5):
        Asset.objects.create(
            inventory_number=f"CB-{number}", kind=chromebook, institution=world.school, acquired_on=date(2024, 1, 1)
        )
    anna = Learner.objects.get(last_name="Zinātne0")
    device = totp_device_for(make_user(Role.INSTITUTION_HEAD, [world.school], username="inese"))
    sign_in_with_a_code(page, live_server, "inese", f"{TOTP(device.bin_key).token():06d}")

    # The first Chromebook: lent without a question; its agreement from the device's page.
    page.goto(f"{live_server}/assets/devices/")
    page.get_by_role("link", name="CB-1", exact=True).click()
    choose(page, "Learner", "Anna Zinātne0")
    page.get_by_label("Lent on").fill("2024-09-02")
    page.get_by_role("button", name="Lend", exact=True).click()
    expect(page.get_by_text("The device was lent.")).to_be_visible()
    loans = page.locator("table").filter(has_text="Borrower")
    agreement = pdf_text(
        page, loans.locator("tr", has_text="Zinātne0").get_by_role("link", name=re.compile("Agreement"))
    )
    assert "Līgums par ierīces nodošanu lietošanā" in agreement
    assert "Anna Zinātne0" in agreement and "CB-1" in agreement

    # A second Chromebook for Anna: a warning naming the first, nothing lent until confirmed.
    page.goto(f"{live_server}/assets/devices/")
    page.get_by_role("link", name="CB-2", exact=True).click()
    choose(page, "Learner", "Anna Zinātne0")
    page.get_by_label("Lent on").fill("2024-09-03")
    page.get_by_role("button", name="Lend", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="already holds")
    expect(warning).to_contain_text("CB-1")
    assert Loan.objects.filter(learner=anna).count() == 1
    page.get_by_label(re.compile("a second device of this kind")).check()
    page.get_by_role("button", name="Lend", exact=True).click()
    expect(page.get_by_text("The device was lent.")).to_be_visible()
    assert sorted(Loan.objects.filter(learner=anna).values_list("asset__inventory_number", flat=True)) == [
        "CB-1",
        "CB-2",
    ]

    # The second loan's agreement from the loan's own page, reached from the loans list.
    page.goto(f"{live_server}/assets/loans/")
    page.locator("tr", has_text="CB-2").get_by_role("link", name=re.compile("^Details")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CB-2")
    agreement = pdf_text(page, page.get_by_role("button", name="Loan agreement (PDF)"))
    assert "CB-2" in agreement and "CB-1" not in agreement and "Anna Zinātne0" in agreement

    # Links: the loans list → the device → the learner.
    page.goto(f"{live_server}/assets/loans/")
    page.locator("tr", has_text="CB-1").get_by_role("link", name="CB-1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CB-1")
    page.locator("table").filter(has_text="Borrower").get_by_role("link", name=re.compile("Zinātne0")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Zinātne0")

    # The whole class: Anna holds two already; the page lists her first and lends to the others only.
    page.goto(f"{live_server}/assets/loans/class/")
    page.get_by_label("Group (class)").select_option(label="1.a · Zinātņu vidusskola, 2024/2025")
    choose(page, "Kind", "Chromebook")
    page.get_by_label("Lent on").fill("2024-09-04")
    page.get_by_role("button", name="Lend", exact=True).click()
    expect(
        page.get_by_role("heading", name="1 learner of the class already holds a device of this kind")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Zinātne0")
    assert Loan.objects.count() == 2
    page.get_by_role("button", name="Lend to the others only").click()
    expect(page.get_by_role("heading", name="2 devices lent")).to_be_visible()
    assert Loan.objects.filter(learner=anna).count() == 2 and Loan.objects.count() == 4

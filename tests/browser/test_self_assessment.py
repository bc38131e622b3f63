"""In a real browser: a head starts their school's self-assessment, fills two criteria, submits it (confirming on
the page that lists the 10 not filled), and the board agrees it the same way; the head then finds it frozen for
them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import Framework, SelfAssessment
from eduboard.registry.models import Institution
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def sign_in(page: Page, live_server: object, username: str, code: str | None = None) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill(username)
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    if code is not None:
        page.get_by_label("Kods no autentifikatora lietotnes").fill(code)
        page.keyboard.press("Enter")
    # The dashboard's own heading, not the menu's link: the menu shows on the second-factor page too, and going on
    # from there races the code's POST (a lost race sent the next page to the sign-in page).
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")


def fill_criterion(page: Page, code: str, level: str, description: str, strengths: str) -> None:
    escaped = code.replace(".", "\\.")
    page.locator(f"#criterion-{escaped} a").click()
    page.get_by_label("Līmenis").select_option(label=level)
    page.get_by_label("Apraksts").fill(description)
    page.get_by_label("Sasniegumi, ar kuriem lepojamies").fill(strengths)
    page.get_by_role("button", name="Saglabāt kritēriju", exact=True).click()
    expect(page.get_by_text(f"Kritērijs {code} saglabāts.")).to_be_visible()


def test_head_fills_two_criteria_and_submits_and_the_board_agrees(
    page: Page, browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_frameworks()  # transactional tests empty the tables the migration filled
    school_year_get_or_create(code="2024/2025")
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    make_user(Role.INSTITUTION_HEAD, [school], username="inese")
    device = totp_device_for(make_user(Role.BOARD_ADMIN, username="anna"))

    sign_in(page, live_server, "inese")
    page.goto(f"{live_server}/quality/self-assessments/")
    page.get_by_text("Uzsākt pašnovērtējumu").click()
    start = page.locator("form[action$='/self-assessments/start/']")
    expect(start.get_by_label("Iestāde")).to_have_count(0)  # a head of one school is not asked which (core.forms)
    start.get_by_label("Mācību gads").fill("2024/2025")
    start.get_by_label("Ietvars").select_option(label=str(Framework.objects.get(code="mk325_2024")))
    page.get_by_role("button", name="Sākt").click()
    expect(page.get_by_text("Pašnovērtējums uzsākts kā melnraksts.")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Melnraksts")

    fill_criterion(page, "2.1", "labi", "Stundās ir skaidri mērķi.", "Pedagogu pieredzes apmaiņa.")
    fill_criterion(page, "3.3", "ļoti labi", "Drošs un atbalstošs vide.", "Atbalsta komanda.")
    expect(page.locator("#criterion-2\\.1")).to_contain_text("labi")
    expect(page.locator("#criterion-3\\.3")).to_contain_text("ļoti labi")

    page.get_by_role("button", name="Iesniegt pārvaldei").click()
    # The page asks first (tests/browser/test_self_assessment_task.py reads what it lists); the same button confirms.
    expect(page.locator("#unfilled li")).to_have_count(10)
    page.get_by_role("button", name="Iesniegt pārvaldei").click()
    expect(page.get_by_text("Pašnovērtējums iesniegts pārvaldei.")).to_be_visible()
    assessment = SelfAssessment.objects.get()
    assert assessment.status == "submitted" and assessment.submitted_by.username == "inese"
    # Submitted: the head no longer edits it, and has no button to agree.
    expect(page.get_by_role("button", name="Saskaņot")).to_have_count(0)

    board = browser.new_page()
    sign_in(board, live_server, "anna", f"{TOTP(device.bin_key).token():06d}")
    board.goto(f"{live_server}{assessment.get_absolute_url()}")
    expect(board.locator("#criterion-2\\.1")).to_contain_text("Stundās ir skaidri mērķi.")
    board.get_by_role("button", name="Saskaņot").click()
    expect(board.locator("#unfilled li")).to_have_count(10)
    board.get_by_role("button", name="Saskaņot").click()
    expect(board.get_by_text("Pašnovērtējums saskaņots.")).to_be_visible()
    expect(board.locator("#status")).to_contain_text("Pārvalde saskaņojusi")
    assessment.refresh_from_db()
    assert assessment.status == "agreed" and assessment.agreed_by.username == "anna"
    entries = dict(assessment.entries.exclude(level="").values_list("criterion__code", "level"))
    assert entries == {"2.1": "good", "3.3": "very_good"}

"""In a real browser, issue 39 as its users go through it: a head starts their school's self-assessment from the
start page, fills criteria going from one to the next (and back), tries to submit, is shown which criteria are not
filled, follows one of the links to fill it, and confirms; the board is shown what is still unfilled and agrees.

Both read the pages in English (the language cookie the switcher sets): the task's new wording is translated into
Latvian by the lead afterwards, and the test must not depend on when."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import Framework, SelfAssessment
from eduboard.registry.models import Institution
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def sign_in_in_english(page: Page, live_server: object, username: str, code: str | None = None) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": str(live_server)}])
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code is not None:
        page.get_by_label(re.compile("authenticator app")).fill(code)
        page.keyboard.press("Enter")
    # The dashboard's own heading: going on from the second-factor page would race the code's POST.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Dashboard|Overview"))


def fill_here(page: Page, level: str, description: str = "") -> None:
    page.get_by_label("Level").select_option(label=level)
    if description:
        page.get_by_label("Description").fill(description)


def test_head_fills_criteria_one_after_another_sees_what_is_unfilled_and_confirms_and_the_board_agrees(
    page: Page, browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_frameworks()  # transactional tests empty the tables the migration filled
    school_year_get_or_create(code="2024/2025")
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    make_user(Role.INSTITUTION_HEAD, [school], username="inese")
    device = totp_device_for(make_user(Role.BOARD_ADMIN, username="anna"))

    # The start page is a form of its own (it answered 405 before).
    sign_in_in_english(page, live_server, "inese")
    page.goto(f"{live_server}/quality/self-assessments/start/")
    start = page.locator("main form[action$='/self-assessments/start/']")
    expect(start.get_by_label("Institution")).to_have_count(0)  # a head of one school is not asked which
    start.get_by_label("School year").fill("2024/2025")
    start.get_by_label("Framework").select_option(label=str(Framework.objects.get(code=FRAMEWORK_AREAS7)))
    start.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_text("The self-assessment was started as a draft.")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("0 of 20")
    # The criteria come first; the review rule's long list is folded below them.
    expect(page.locator("#criterion-1")).to_be_visible()
    expect(page.locator("#review-rule li").first).to_be_hidden()

    # Criterion 1, then on to the next with one button.
    page.locator("#criterion-1 a").click()
    expect(page.locator("#criterion-steps-top")).to_contain_text("Criterion 1 of 20")
    expect(page.locator("#criterion-steps-top")).to_contain_text("0 of 20 filled")
    fill_here(page, "very good", "Programmas ir licencētas un aktuālas.")
    page.get_by_role("button", name="Save and go to the next criterion").click()
    expect(page.get_by_text("Criterion 1 was saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.1")
    expect(page.locator("#criterion-steps-top")).to_contain_text("Criterion 2 of 20")
    expect(page.locator("#criterion-steps-top")).to_contain_text("1 of 20 filled")
    fill_here(page, "good", "Stundās ir skaidri mērķi.")
    page.get_by_role("button", name="Save and go to the next criterion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.2")

    # Back one, to see what was saved, and forward again by the links.
    page.locator("#criterion-steps-top").get_by_role("link", name=re.compile("Previous criterion")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.1")
    expect(page.get_by_label("Description")).to_have_value("Stundās ir skaidri mērķi.")
    page.locator("#criterion-steps-top").get_by_role("link", name=re.compile("Next criterion")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.2")
    fill_here(page, "good")  # a level, no description yet
    page.get_by_role("button", name="Save the criterion", exact=True).click()
    expect(page.locator("#progress")).to_contain_text("2 of 20")

    # Submitting asks first and lists what is not filled, each with a link.
    page.get_by_role("button", name="Submit to the board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the self-assessment to the board?")
    unfilled = page.locator("#unfilled")
    expect(unfilled.get_by_role("heading")).to_have_text("18 criteria of 20 are not filled")
    expect(unfilled.locator("li")).to_have_count(18)
    expect(unfilled.locator("li").first).to_contain_text("2.2")
    expect(unfilled.locator("li").first).to_contain_text("no description")
    assert SelfAssessment.objects.get().status == "draft"  # asking changed nothing

    unfilled.get_by_role("link", name=re.compile(r"^2\.2 ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.2")
    page.get_by_label("Description").fill("Programmu īstenošanu plāno metodiskās komisijas.")
    page.get_by_role("button", name="Save the criterion", exact=True).click()
    expect(page.locator("#progress")).to_contain_text("3 of 20")
    page.get_by_role("button", name="Submit to the board").click()
    expect(page.locator("#unfilled li")).to_have_count(17)
    page.get_by_role("button", name="Submit to the board").click()
    expect(page.get_by_text("The self-assessment was submitted to the board.")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Submitted to the board")

    # The board is shown the same before agreeing.
    assessment = SelfAssessment.objects.get()
    board = browser.new_page()
    sign_in_in_english(board, live_server, "anna", f"{TOTP(device.bin_key).token():06d}")
    board.goto(f"{live_server}{assessment.get_absolute_url()}")
    board.get_by_role("button", name="Agree", exact=True).click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Agree the self-assessment?")
    expect(board.locator("#unfilled li")).to_have_count(17)
    board.get_by_role("button", name="Agree", exact=True).click()
    expect(board.get_by_text("The self-assessment was agreed.")).to_be_visible()
    expect(board.locator("#status")).to_contain_text("Agreed by the board")

    assessment.refresh_from_db()
    assert assessment.status == "agreed" and assessment.agreed_by.username == "anna"
    assert assessment.submitted_by.username == "inese"
    filled = dict(assessment.entries.exclude(description="").values_list("criterion__code", "level"))
    assert filled == {"1": "very_good", "2.1": "good", "2.2": "good"}

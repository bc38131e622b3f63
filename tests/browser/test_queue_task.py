"""In a real browser, issue 39's preschool queue as its users go through it: the board finds the offer list empty and
is told which child holds it back and why (she wants a later school year, and stands first in both lines she chose);
the preschool's head withdraws that child, asked first; then the head of a school with preschool groups, the next
child's second choice, offers him a place in the school's own group.

The pages are read in English (the language cookie the switcher sets): the new wording is translated into Latvian
by the lead afterwards, and the test must not depend on when."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_code_for, school_year_get_or_create
from eduboard.registry.models import Group, Programme, QueueEntry
from tests.factories import PASSWORD, totp_device_for
from tests.registry.world import build_world, learner

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


def test_the_board_is_told_why_nobody_can_be_offered_a_place_withdrawing_asks_first_and_a_school_offers_its_own(
    browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    world = build_world(pupils=0)
    today = timezone.localdate()
    year_code = school_year_code_for(today)
    year = school_year_get_or_create(code=year_code)
    programme = Programme.objects.get(level="preschool")
    Group.objects.create(institution=world.preschool, school_year=year, programme=programme, name="Rūķīši", capacity=2)
    saulites = Group.objects.create(
        institution=world.school, school_year=year, programme=programme, name="Saulītes", capacity=1
    )
    later = date(today.year + 1, 9, 1)
    later_code = f"{later.year}/{later.year + 1}"
    agate = QueueEntry.objects.create(
        child=learner("Agate", "Bērziņa", date(2021, 4, 4), world.home),
        registered_on=date(2023, 1, 10),
        wanted_start_on=later,
        first_choice=world.preschool,
        second_choice=world.school,
    )
    boriss = QueueEntry.objects.create(
        child=learner("Boriss", "Ozols", date(2021, 6, 6), world.home),
        registered_on=date(2023, 3, 10),
        wanted_start_on=today,
        first_choice=world.preschool,
        second_choice=world.school,
    )
    device = totp_device_for(make_user(Role.BOARD_ADMIN, username="anna"))
    make_user(Role.INSTITUTION_HEAD, [world.preschool], username="inese")
    make_user(Role.INSTITUTION_HEAD, [world.school], username="janis")

    # The board: nobody can be offered a place, and the page says who holds the list back and why.
    board = browser.new_context().new_page()
    sign_in_in_english(board, live_server, "anna", f"{TOTP(device.bin_key).token():06d}")
    board.goto(f"{live_server}/registry/queue/")
    expect(board.locator("#queue-offer-list")).to_have_text("No child can be offered a place now.")
    for institution in ("Ruģeļu PII", "Zinātņu vidusskola"):
        expect(board.locator("#queue-waits")).to_contain_text(
            f"Agate Bērziņa (queue number 1) wants a place from {later_code}, and {institution} has no preschool "
            "group of that year yet, so the child born in 2021 behind them waits."
        )
    board.screenshot(path="var/screenshots/queue-explained.png", full_page=True)

    # The preschool's head withdraws Agate: the list asks first, and nothing happens until they confirm.
    head = browser.new_context().new_page()
    sign_in_in_english(head, live_server, "inese")
    head.goto(f"{live_server}/registry/queue/")
    head.get_by_role("row", name=re.compile("Agate Bērziņa")).get_by_role("button", name="Withdraw…").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Withdraw Agate Bērziņa from the queue?")
    assert QueueEntry.objects.get(pk=agate.pk).status == "waiting"
    head.get_by_role("button", name="Withdraw from the queue").click()
    expect(head.get_by_text("Agate Bērziņa was withdrawn from the queue")).to_be_visible()
    assert QueueEntry.objects.get(pk=agate.pk).status == "withdrawn"

    # The board's list now offers Boriss the places of both institutions he chose.
    board.reload()
    expect(board.locator("#queue-offer-list")).to_contain_text("Boriss Ozols (queue number 2), born in 2021")
    expect(board.locator("#queue-offer-list")).to_contain_text("Saulītes (1 free)")

    # The school's head offers Boriss a place in the school's own preschool group.
    school = browser.new_context().new_page()
    sign_in_in_english(school, live_server, "janis")
    school.goto(f"{live_server}/registry/queue/")
    offers = school.locator("#queue-offer-list")
    expect(offers).to_contain_text(
        f"Boriss Ozols (queue number 2), born in 2021, is first in line for Zinātņu vidusskola: a place of "
        f"{year_code} can be offered in Saulītes (1 free)."
    )
    offers.get_by_role("link", name="Offer a place").click()
    expect(school.locator("#offer-reasons")).to_contain_text("Saulītes (1 free)")
    school.get_by_label("Group").select_option(label=f"Saulītes · Zinātņu vidusskola, {year_code}")
    school.get_by_role("button", name="Offer", exact=True).click()
    expect(school.get_by_text("A place was offered to Boriss Ozols")).to_be_visible()
    offered = QueueEntry.objects.get(pk=boriss.pk)
    assert (offered.status, offered.offered_group_id) == ("offered", saulites.pk)

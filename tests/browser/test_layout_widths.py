"""In a real browser, on the demonstration data: on a phone the menu is behind a button, and each role's menu holds
only what that role can open. The pages of the README (PAGES) and the roles (ROLES) are the browser crawls' own:
that every page fits the window for every role, at 390 (a phone), 1366 (a laptop), 1920 px (a desktop) and more, is
measured in the same crawl as the tables' words (tests/browser/test_table_words.py), each page opened once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from tests.demo_data import load_demo
from tests.factories import totp_device_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

# The pages the README names (a page a role may not open answers 403 and is skipped for that role).
PAGES = [
    "/",
    "/registry/institutions/",
    "/registry/learners/",
    "/registry/queue/",
    "/registry/statistics/",
    "/people/staff/",
    "/people/vacancies/",
    "/people/training/",
    "/finance/",
    "/finance/allocations/",
    "/finance/expenditures/",
    "/finance/meals/",
    "/finance/settlements/",
    "/quality/",
    "/quality/observations/",
    "/quality/observations/new/",
    "/quality/forms/",
    "/quality/exams/",
    "/quality/exams/results/",
    "/quality/exams/support/",
    "/assets/",
    "/assets/devices/",
    "/assets/loans/",
    "/assets/loans/class/",
    "/assets/loans/returns/",
    "/assets/licences/",
    "/assets/rooms/",
    "/assets/stock-takes/",
    "/reports/",
    "/imports/",
    "/accounts/audit/",
    "/accounts/api-token/",
]
ROLES = ["admin", "analyst", "head", "staff", "centre", "observer"]


@pytest.fixture
def demo_users(live_server: Any) -> Iterator[dict[str, User]]:
    load_demo()  # once per process, then the rows it wrote put back (tests/demo_data.py)
    yield {user.username: user for user in User.objects.filter(username__in=ROLES)}


def signed_in_page(browser: Browser, base: str, user: User, width: int) -> Page:
    """A page of a new browser context signed in as `user` (past the second factor) at `width` px."""
    client = Client()
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()


def test_a_phone_gets_the_menu_behind_a_button_and_a_role_sees_only_its_areas(
    browser: Browser, live_server: Any, demo_users: dict[str, User]
) -> None:
    base = str(live_server)
    page = signed_in_page(browser, base, demo_users["staff"], 390)
    page.goto(f"{base}/")
    menu = page.get_by_role("button", name="Izvēlne")
    expect(menu).to_be_visible()
    expect(page.locator("#main-menu")).to_be_hidden()
    menu.click()
    expect(page.locator("#main-menu")).to_be_visible()
    # A preschool's staff member: no finance settlements, no audit trail, no API documentation, no back office.
    expect(page.locator("#main-menu")).not_to_contain_text("Norēķini")
    expect(page.locator("#main-menu")).not_to_contain_text("Audita")
    page.locator("#main-menu details.dropdown").last.locator("summary").click()
    expect(page.get_by_role("link", name="API dokumentācija")).to_have_count(0)
    expect(page.get_by_role("link", name="Administrēšana")).to_have_count(0)
    page.context.close()

    page = signed_in_page(browser, base, demo_users["admin"], 1366)
    page.goto(f"{base}/registry/learners/")
    expect(page.get_by_role("button", name="Izvēlne")).to_be_hidden()
    breadcrumbs = page.get_by_role("navigation", name="Jūs atrodaties šeit")
    expect(breadcrumbs).to_contain_text("Reģistrs")
    page.get_by_text("Reģistrs", exact=True).first.click()
    expect(page.get_by_role("link", name="Izglītojamie").first).to_be_visible()
    page.context.close()

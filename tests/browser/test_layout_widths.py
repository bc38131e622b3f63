"""In a real browser, on the demonstration data: on a phone the menu is behind a button, and each role's menu holds
only what that role can open. That every README page (tests/browser/crawl.py) fits the window for every role, at
390 (a phone), 1366 (a laptop), 1920 px (a desktop) and more, is measured in the same crawl as the tables' words
(tests/browser/test_table_words.py), each page opened once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from eduboard.accounts.models import User
from tests.browser.crawl import signed_in_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


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

"""Issue 39, in a real browser on the demonstration data: the header is one row at 1366 and 1920 px for every role
(the board's administrator has the most areas) in each language; the language is one click on a button, with or
without JavaScript, and the page stays the same; the site's icon loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from tests.browser.crawl import ROLES, signed_in_page
from tests.browser.test_standards import AXE_JS, VNU_JAR, Checker, Findings, assert_clean, prepare

# no_cover: every role's header in every language, pages the other tests open; not traced (README, "Tests").
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database, pytest.mark.no_cover]

# The rows the header's items take: an item starts a new row when it begins below the bottom of the row before.
HEADER_ROWS = """() => {
  const items = [...document.querySelectorAll('.site-nav > ul > li')].map(e => e.getBoundingClientRect());
  let rows = 0, bottom = -Infinity;
  for (const item of items.sort((a, b) => a.top - b.top)) {
    if (item.top >= bottom - 1) { rows += 1; }
    bottom = Math.max(bottom, item.bottom);
  }
  return [rows, items.length];
}"""
# A page of each kind the header is drawn on: the dashboard, a list whose area is marked current, a form.
PAGES = ["/", "/registry/learners/", "/people/vacancies/new/"]


def header_rows(page: Page) -> int:
    rows, items = page.evaluate(HEADER_ROWS)
    assert items >= 4  # brand, an area, the user, the language
    return int(rows)


def test_the_header_is_one_row_at_1366_and_1920_px_for_every_role_in_every_language(
    browser: Browser, live_server: Any, demo_users: dict[str, User]
) -> None:
    base = str(live_server)
    wrapped, seen = [], 0
    for username in ROLES:
        page = signed_in_page(browser, base, demo_users[username], 1366)
        for language in ("lv", "en", "ru"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for path in PAGES:
                response = page.goto(f"{base}{path}")
                assert response is not None
                if response.status != 200:
                    continue  # a page the role may not open
                for width in (1366, 1920):
                    page.set_viewport_size({"width": width, "height": 900})
                    seen += 1
                    expect(page.locator(".menu-toggle")).to_be_hidden()
                    rows = header_rows(page)
                    if rows != 1:
                        wrapped.append(f"{username} {language} {path} at {width} px: {rows} rows")
                page.set_viewport_size({"width": 1366, "height": 900})
        page.context.close()
    assert seen >= len(ROLES) * 3 * 2 * 2
    assert not wrapped, "\n".join(wrapped)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_click_on_a_language_button_switches_the_language_and_stays_on_the_page(
    javascript: bool, browser: Browser, live_server: Any, demo_users: dict[str, User]
) -> None:
    base = str(live_server)
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/vacancies/?q=skolot")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    languages = page.get_by_role("group", name="Valoda")
    expect(languages.get_by_role("button")).to_have_count(3)
    expect(languages.get_by_role("button", name="LV Latviešu")).to_have_attribute("aria-current", "true")

    languages.get_by_role("button", name="EN English").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/vacancies/?q=skolot"  # the same page, its search kept
    expect(page.locator("html")).to_have_attribute("lang", "en")
    languages = page.get_by_role("group", name="Language")
    expect(languages.get_by_role("button", name="EN English")).to_have_attribute("aria-current", "true")
    expect(languages.get_by_role("button", name="LV Latviešu")).not_to_have_attribute("aria-current", "true")

    languages.get_by_role("button", name="RU Русский").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    context.close()


def test_the_site_icon_loads_on_the_pages_and_at_favicon_ico(
    browser: Browser, live_server: Any, demo_users: dict[str, User]
) -> None:
    base = str(live_server)
    page = signed_in_page(browser, base, demo_users["head"], 1366)
    page.goto(f"{base}/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert href == "/static/favicon.svg"
    icon = page.request.get(f"{base}{href}")
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
    old_browsers = page.request.get(f"{base}/favicon.ico")  # followed to the icon
    assert old_browsers.ok and old_browsers.headers["content-type"].startswith("image/svg+xml")
    brand = page.locator(".site-nav .brand img")
    assert brand.evaluate("image => image.complete && image.naturalWidth > 0")  # drawn, not a broken image
    page.context.close()


def test_the_header_in_each_language_and_the_page_of_an_address_that_takes_a_form_are_valid_and_accessible(
    browser: Browser, live_server: Any, demo_users: dict[str, User], tmp_path: Path
) -> None:
    """The Nu Html Checker and axe-core (tests/browser/test_standards.py) on what this issue drew: the header in
    Russian (its longest words) with the user's menu open, the 405 page, and the public's header."""
    if not (VNU_JAR.exists() and AXE_JS.exists()):
        pytest.skip("node_modules/ has no vnu-jar or axe-core: `make setup` installs them")
    base = str(live_server)
    findings = Findings()
    checker = Checker(tmp_path, base, findings)
    page = signed_in_page(browser, base, demo_users["head"], 1366)
    prepare(page, base)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    assert checker.open(page, "head", "/registry/learners/")
    page.locator(".user-menu summary").click()
    checker.axe(page, "head", "/registry/learners/ (the user's menu open)", ".site-nav")
    page.context.add_cookies([{"name": "django_language", "value": "lv", "url": base}])
    page.set_extra_http_headers({"Referer": f"{base}/people/vacancies/new/"})  # as if it came from the form
    assert checker.open(page, "head", "/accounts/logout/", status=405)
    expect(page.locator('main a[role="button"]')).to_have_attribute("href", f"{base}/people/vacancies/new/")
    page.context.close()
    public = browser.new_context().new_page()
    prepare(public, base)
    assert checker.open(public, "public", "/vacancies/")
    public.context.close()
    assert_clean(tmp_path, findings)

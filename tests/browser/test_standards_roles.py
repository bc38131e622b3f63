"""Every role but the board administrator (tests/browser/test_standards.py checks the public's pages and the
administrator's): each page of the README the role may open, its menus open, and a page it may not open, pass the
Nu Html Checker and axe-core (WCAG 2.1 AA). Menus and content differ by role, so each role is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser

from eduboard.accounts.models import User
from tests.browser.crawl import PAGES, ROLES, signed_in_page
from tests.browser.test_standards import Checker, Findings, assert_clean, prepare, pytestmark

__all__ = ["pytestmark"]  # the marks (transaction, skip without the checkers)


def test_every_page_each_role_opens_is_valid_html_and_has_no_wcag_21_aa_violation(
    browser: Browser, live_server: Any, demo_users: dict[str, User], tmp_path: Path
) -> None:
    base = str(live_server)
    findings = Findings()
    checker = Checker(tmp_path, base, findings)
    for username in ROLES:
        if username == "admin":
            continue
        page = signed_in_page(browser, base, demo_users[username], 1280)
        prepare(page, base)
        for path in PAGES:
            checker.open(page, username, path)
        checker.open_menus(page, username)
        if username == "centre":
            assert checker.open(page, username, "/accounts/audit/", status=403)
        page.context.close()

    assert {who for who, _path in findings.checked} == set(ROLES) - {"admin"}  # every role's pages were opened
    assert_clean(tmp_path, findings)

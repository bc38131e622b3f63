"""Tables that read and pages that fit, in a real browser on the demonstration data: on every list page of every
role and every page of the README, at 320, 375, 390 (a phone), 768, 1366 (a laptop) and 1920 px (a desktop), no word
inside a table cell is broken across lines, the document is never wider than the window (a wide table scrolls in its
own frame, its first column held), numbers stand right-aligned and dates sit on one line.

The pages are not a hand list: each role's menu (accounts.context_processors.navigation), every list page of the URL
conf (a core.views.FilteredListView) and the README's pages (tests/browser/crawl.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Browser

from eduboard.accounts.context_processors import navigation
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.views import FilteredListView
from tests.browser.crawl import PAGES, ROLES, signed_in_page

# no_cover: a crawl of pages the other tests open, not traced for line coverage (README, "Tests").
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database, pytest.mark.no_cover]

WIDTHS = (320, 375, 390, 768, 1366, 1920)

# Measures the page as drawn: what is wider than the window, which words of table cells are drawn on more than one
# line (a Range over a word broken inside has a client rect on each line), which numbers are not right-aligned and
# which dates do not sit on one line. Closed <details> in the page are opened first, so their tables are drawn too.
MEASURE = r"""() => {
  const NUMBER = /^[+\-−]?\d{1,3}(?:[\s\u00a0\u202f]?\d{3})*(?:[.,]\d+)?(?:[\s\u00a0]?%)?$/;
  const DATE = /\d{2}\.\d{2}\.\d{4}\.?(?:[\s\u00a0]\d{1,2}:\d{2})?/g;
  const DATES_ONLY = /^(?:\d{2}\.\d{2}\.\d{4}\.?(?:[\s\u00a0]\d{1,2}:\d{2})?[\s\u00a0–\-]*)+$/;
  const problems = [];
  const tables = [...document.querySelectorAll('main table')];
  const where = (cell) => `table ${tables.indexOf(cell.closest('table')) + 1}, `
    + `row ${cell.parentElement.rowIndex + 1}, cell ${cell.cellIndex + 1}`;
  const range = (node, start, end) => {
    const r = document.createRange();
    r.setStart(node, start);
    r.setEnd(node, end);
    return r;
  };
  // How many lines a range is drawn on: 0 (not drawn), 1, or 2 (more than one).
  const lines = (r) => {
    const rects = [...r.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0);
    if (!rects.length) return 0;
    const height = Math.min(...rects.map((rect) => rect.height));
    const tops = rects.map((rect) => rect.top);
    return Math.max(...tops) - Math.min(...tops) < height / 2 ? 1 : 2;
  };
  // Right-aligned: by the cell's style, or drawn against the right edge of its content box (a block inside it).
  const rightAligned = (cell) => {
    if (['right', 'end'].includes(getComputedStyle(cell).textAlign)) return true;
    const r = document.createRange();
    r.selectNodeContents(cell);
    const style = getComputedStyle(cell);
    const edge = cell.getBoundingClientRect().right - parseFloat(style.paddingRight)
      - parseFloat(style.borderRightWidth);
    return Math.abs(r.getBoundingClientRect().right - edge) < 1.5;
  };
  document.querySelectorAll('main details:not([open])').forEach((details) => { details.open = true; });
  let words = 0;
  for (const cell of document.querySelectorAll('main table :is(td, th)')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const found = [...node.data.matchAll(/\S+/g)];
      const drawn = lines(range(node, 0, node.data.length));
      if (drawn === 0) continue;  // not drawn (a hidden part of the cell)
      words += found.length;
      if (drawn === 1) continue;  // a text on one line breaks no word and wraps no date
      for (const word of found) {
        const rects = range(node, word.index, word.index + word[0].length).getClientRects().length;
        if (rects > 1) problems.push(`word ${JSON.stringify(word[0])} broken over ${rects} lines (${where(cell)})`);
      }
      for (const date of node.data.matchAll(DATE)) {
        if (lines(range(node, date.index, date.index + date[0].length)) > 1) {
          problems.push(`date ${JSON.stringify(date[0])} wrapped (${where(cell)})`);
        }
      }
    }
    const text = cell.textContent.trim().replace(/\s+/g, ' ');
    // A number is right-aligned, unless it is a code (a project's number: an identifier, read as a word).
    if (NUMBER.test(text) && !cell.matches('.code, :has(.code)') && !rightAligned(cell)) {
      problems.push(`number ${JSON.stringify(text)} aligned ${getComputedStyle(cell).textAlign} (${where(cell)})`);
    }
    if (DATES_ONLY.test(text)) {
      const whole = document.createRange();
      whole.selectNodeContents(cell);
      if (lines(whole) > 1) problems.push(`dates ${JSON.stringify(text)} on more than one line (${where(cell)})`);
    }
  }
  const width = [document.documentElement.scrollWidth, window.innerWidth];
  if (width[0] > width[1]) problems.push(`the document is ${width[0]} px wide in a window of ${width[1]} px`);
  return {problems, words, width: width[1]};
}"""


def list_page_urls() -> list[str]:
    """Every list page of the URL conf: the address of each view built on core.views.FilteredListView."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from walk(pattern.url_patterns, namespace)
            else:
                yield prefix, pattern

    urls = []
    for namespace, pattern in walk(get_resolver().url_patterns, ""):
        view = getattr(pattern.callback, "view_class", None)
        if view is not None and issubclass(view, FilteredListView):
            try:
                urls.append(reverse(f"{namespace}{pattern.name}"))
            except NoReverseMatch:  # a list page under an address with arguments: this walk must learn to fill them
                pytest.fail(f"the list page {view.__name__} ({pattern.pattern}) has no address without arguments")
    return urls


def menu_urls(user: User) -> list[str]:
    """The pages of `user`'s menu."""
    request = RequestFactory().get("/")
    request.user = user
    return [item.url for group in navigation(request)["nav_groups"] for item in group.items]


def test_the_list_pages_are_found_in_the_url_conf_and_the_menu(db: None) -> None:
    """The walk below finds the list pages a new view adds, and the menus' pages, without a hand list."""
    lists = list_page_urls()
    assert len(lists) >= 30
    assert {reverse("registry:learner_list"), reverse("assets:loan_list"), reverse("accounts:audit_log")} <= set(lists)
    assert reverse("finance:overview") not in lists  # an overview, not a list: it comes from the menu
    admin = User(username="probe", role=Role.BOARD_ADMIN, is_superuser=True)
    assert reverse("finance:overview") in menu_urls(admin)


def test_a_generic_tables_cell_is_classed_by_its_values_kind() -> None:
    """The tables drawn from an export's columns (the devices, loans, licences, rooms) align numbers right and keep
    dates and joined words whole by the value each cell holds."""
    page = Template(
        "{% load lists %}{% for value in values %}<td{% cell_class value %}>{{ value }}</td>{% endfor %}"
        "<th{% cell_class values 1 %}></th>"
    ).render(Context({"values": ["Anna", Decimal("499.00"), 12, True, date(2026, 11, 26), "DVS-CB-00001", None]}))
    assert page == (
        '<td>Anna</td><td class="num">499,00</td><td class="num">12</td><td>True</td>'
        '<td class="date">26.11.2026.</td><td class="nowrap">DVS-CB-00001</td><td>None</td><th class="num"></th>'
    )


def test_a_joined_word_is_kept_whole_and_the_rest_escaped() -> None:
    """A name wraps between its words, never after the hyphen inside one; the text is still escaped."""
    page = Template("{% load lists %}{{ name|whole_words }}|{{ amount|whole_words }}").render(
        Context({"name": "Daugavpils pamatskola-attīstības centrs <i>&amp; 10.–12./A", "amount": Decimal("1.5")})
    )
    assert page == (
        'Daugavpils <span class="nowrap">pamatskola-attīstības</span> centrs &lt;i&gt;&amp;amp; '
        '<span class="nowrap">10.–12./A</span>|1,5'
    )


def test_no_word_in_a_table_is_broken_at_any_width_for_any_role(
    browser: Browser, live_server: Any, demo_users: dict[str, User]
) -> None:
    """Each page is opened once per role and measured at each width in turn (the window resized)."""
    started = time.monotonic()
    base = str(live_server)
    lists = list_page_urls()
    problems: list[str] = []
    opened: set[str] = set()
    words = 0
    for username in ROLES:
        user = demo_users[username]
        page = signed_in_page(browser, base, user, WIDTHS[0])
        for path in dict.fromkeys([*menu_urls(user), *lists, *PAGES]):
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            response = page.goto(f"{base}{path}")
            assert response is not None
            if response.status == 403:
                continue
            assert response.status == 200, (username, path, response.status)
            opened.add(path)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found = page.evaluate(MEASURE)
                assert found["width"] == width
                words += found["words"]
                problems += [f"{username} {path} at {width} px: {problem}" for problem in found["problems"]]
        page.context.close()
    print(f"{len(opened)} pages, {words} words measured in {time.monotonic() - started:.0f} s")
    assert set(lists) <= opened, f"list pages no role could open: {sorted(set(lists) - opened)}"
    assert set(PAGES) <= opened, f"README pages no role could open: {sorted(set(PAGES) - opened)}"
    assert words > 10_000  # the tables were drawn and measured, not skipped
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:300])

"""Every page is standards-clean HTML and accessible, on the demonstration data: for every role (and for the public)
the HTML the server sends for each page of the README, for one page of every kind those pages link to, and for forms
showing their validation errors passes the Nu Html Checker (vnu-jar) without an error, and axe-core finds no WCAG 2.1
A or AA violation in the page as Chromium draws it (under the site's own Content-Security-Policy).

The checkers are npm packages (package.json pins them; `make setup` installs them into node_modules/); the
checker runs on the machine's Java."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, Response, Route

from eduboard.accounts.models import User
from tests.browser.crawl import PAGES, signed_in_page

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (VNU_JAR.exists() and AXE_JS.exists()),
        reason="node_modules/ has no vnu-jar or axe-core: `make setup` installs them with npm (package-lock.json); "
        "without them the HTML and accessibility checks cannot run",
    ),
    pytest.mark.one_database,
    # A crawl of pages the other tests open and a checker's run: not traced for line coverage (README, "Tests").
    pytest.mark.no_cover,
]

# The pages anyone may open without signing in (the README's pages that answer 200 to the public are added).
PUBLIC_PAGES = ["/accounts/login/", "/accounts/password/reset/", "/vacancies/", "/open-data/"]
# One page of each kind the README's pages link to is opened too (as the board administrator, who may open them
# all): a link's kind is its path with the numbers taken out. Not pages of ours: the back office (Django's admin),
# the API and its documentation (Swagger UI); not pages at all: files and feeds.
NOT_A_PAGE = re.compile(
    r"^/(backoffice|api|static|media|i18n)/|\.(csv|xlsx|pdf|docx|atom|json|jsonld|ics)$|/file/|/download/$|/template\."
)
# Forms whose validation errors are shown: submitted empty (the browser's own checks switched off).
FORMS_WITH_ERRORS = ["/quality/observations/new/", "/registry/queue/new/", "/people/vacancies/new/"]
# The tags of WCAG 2.1 levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_URL_PATH = "/__axe-core.js"
# axe-core on the whole document, or on the part a selector names.
RUN_AXE = """async (context) => {
  const options = {runOnly: {type: 'tag', values: TAGS}, resultTypes: ['violations']};
  const results = await axe.run(context === 'document' ? document : context, options);
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
    detail: [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none].map(c => c.message).join(' '),
  }));
}""".replace("TAGS", json.dumps(WCAG_21_AA))


@dataclass
class Findings:
    """What was checked and what the checkers found."""

    documents: dict[str, tuple[str, str]] = field(default_factory=dict)  # file name -> (who, page)
    violations: list[str] = field(default_factory=list)
    checked: set[tuple[str, str]] = field(default_factory=set)


def prepare(page: Page, base: str) -> None:
    """axe-core from the site's own address, so the page's Content-Security-Policy ('self' only) lets it run; and
    no motion (Pico then draws every transition's end at once), so axe never sees a link half faded in."""

    def fulfil(route: Route) -> None:
        route.fulfill(path=AXE_JS, content_type="text/javascript")

    page.context.route(f"{base}{AXE_URL_PATH}", fulfil)
    page.emulate_media(reduced_motion="reduce")


class Checker:
    """Opens pages in one browser page, keeps the server's HTML for the Nu Html Checker and runs axe-core on each."""

    def __init__(self, directory: Path, base: str, findings: Findings) -> None:
        self.directory, self.base, self.findings = directory, base, findings

    def check(self, page: Page, who: str, path: str, response: Response) -> None:
        name = f"{len(self.findings.documents):03d}-{who}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}.html"
        (self.directory / name).write_text(response.text(), encoding="utf-8")
        self.findings.documents[name] = (who, path)
        self.findings.checked.add((who, path))
        page.add_script_tag(url=f"{self.base}{AXE_URL_PATH}")
        self.axe(page, who, path, "document")

    def axe(self, page: Page, who: str, path: str, context: str) -> None:
        for violation in page.evaluate(RUN_AXE, context):
            targets = violation["targets"]
            self.findings.violations.append(
                f"{who} {path}: {violation['id']} ({violation['impact']}) {violation['help']}: "
                + "; ".join(targets[:5])
                + (f" (+{len(targets) - 5} more)" if len(targets) > 5 else "")
                + f" [{violation['detail']}]"
            )

    def open(self, page: Page, who: str, path: str, status: int = 200) -> bool:
        """Check the page at `path` when it answers `who` with `status`; False when it answers otherwise (403: not
        theirs; a redirection: sign in first, or another page)."""
        response = page.goto(f"{self.base}{path}")
        assert response is not None
        assert response.status < 500, (who, path, response.status)
        if response.status != status or urlsplit(page.url).path != path:
            return False
        assert response.headers["content-type"].startswith("text/html"), (who, path)
        self.check(page, who, path, response)
        return True

    def open_menus(self, page: Page, who: str) -> None:
        """Open each dropdown of the main menu in turn and check it open (closed, its links are not drawn)."""
        page.goto(f"{self.base}/")
        page.add_script_tag(url=f"{self.base}{AXE_URL_PATH}")
        summaries = page.locator(".site-nav details.dropdown > summary")
        for index in range(summaries.count()):
            summaries.nth(index).click()
            self.axe(page, who, f"/ (menu {summaries.nth(index).inner_text()!r} open)", ".site-nav")
            summaries.nth(index).click()

    def open_phone_menu(self, page: Page, who: str) -> None:
        """On a phone's width, open the main menu with its button and check the page."""
        prepare(page, self.base)
        page.goto(f"{self.base}/")
        page.locator(".menu-toggle").click()
        page.add_script_tag(url=f"{self.base}{AXE_URL_PATH}")
        self.axe(page, who, "/ (phone, menu open)", "document")
        page.context.close()

    def open_picker(self, page: Page, who: str, path: str, field: str, text: str) -> None:
        """Type into a picker (the accessible-autocomplete widget, static/js/pickers.js) and check the page with
        its list of matches open, the first one chosen by the arrow keys."""
        page.goto(f"{self.base}{path}")
        page.locator(field).press_sequentially(text)
        page.locator(f"{field}__listbox .autocomplete__option--focused").wait_for()
        page.add_script_tag(url=f"{self.base}{AXE_URL_PATH}")
        self.axe(page, who, f"{path} (picker {field} open)", "document")

    def submit_empty(self, page: Page, who: str, path: str) -> None:
        """Submit the page's form empty, past the browser's own checks, and check the page with the errors."""
        assert self.open(page, who, path), (who, path)
        form = page.locator("main form[method=post]").first
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            form.locator("[type=submit]").last.click()
        response = answer.value
        assert response.status == 200, (who, path, response.status)  # the form again, with its errors
        page.wait_for_load_state()
        self.check(page, who, f"{path} (errors)", response)

    def crawl(self, page: Page, who: str, start: list[str]) -> None:
        """Check one page of each kind reachable by links from `start`: a kind is a path with its numbers
        taken out (one institution's page stands for all)."""
        kinds = {re.sub(r"\d+", "N", path): path for path in start}
        queue = list(kinds.values())
        while queue:
            path = queue.pop(0)
            if not self.open(page, who, path):
                continue
            for href in re.findall(r'href="(/[^"#?]*)', page.content()):
                kind = re.sub(r"\d+", "N", href)
                if kind not in kinds and not NOT_A_PAGE.search(href):
                    kinds[kind] = href
                    queue.append(href)


def run_vnu(directory: Path, findings: Findings) -> list[str]:
    """The Nu Html Checker's errors in the saved pages, one line each: who, page, line and message."""
    java = shutil.which("java")
    assert java, "Java is needed to run the Nu Html Checker (vnu.jar): install a JRE (Debian: default-jre-headless)"
    files = sorted(str(directory / name) for name in findings.documents)
    result = subprocess.run(  # noqa: S603 (our own arguments)
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]  # the checker writes its JSON report to stderr
    except ValueError:
        pytest.fail(f"vnu.jar gave no report (exit status {result.returncode}): {result.stderr[-2000:]}")
    errors = []
    for message in messages:
        who, path = findings.documents.get(Path(urlsplit(message.get("url", "")).path).name, ("?", "?"))
        errors.append(f"{who} {path} line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def assert_clean(directory: Path, findings: Findings) -> None:
    """Neither checker found anything in the pages checked."""
    vnu_errors = run_vnu(directory, findings)
    problems = []
    if vnu_errors:
        problems += [f"The Nu Html Checker: {len(vnu_errors)} errors", *vnu_errors]
    if findings.violations:
        problems += [f"axe-core (WCAG 2.1 AA): {len(findings.violations)} violations", *findings.violations]
    assert not problems, "\n".join(problems)


def test_every_page_is_valid_html_and_has_no_wcag_21_aa_violation(
    browser: Browser, live_server: Any, demo_users: dict[str, User], tmp_path: Path
) -> None:
    """The public's pages and the board administrator's (tests/browser/test_standards_roles.py: the other roles'; two
    tests, so that the two test processes share the minutes they take)."""
    base = str(live_server)
    findings = Findings()
    checker = Checker(tmp_path, base, findings)

    # The public: the README's pages open to everyone, a page that is not there, signing in with a wrong password.
    page = browser.new_context().new_page()
    prepare(page, base)
    for path in dict.fromkeys([*PUBLIC_PAGES, *PAGES]):
        checker.open(page, "public", path)
    assert checker.open(page, "public", "/no-such-page/", status=404)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("nobody")
    page.locator("#id_password").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("main [type=submit]").click()
    page.wait_for_load_state()
    checker.check(page, "public", "/accounts/login/ (errors)", answer.value)
    page.context.close()

    # The board administrator before the second factor.
    client = Client()
    client.force_login(demo_users["admin"])
    page = browser.new_context().new_page()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    prepare(page, base)
    assert checker.open(page, "admin", "/accounts/second-factor/verify/")
    page.context.close()

    # The board administrator, who may open every page, on one page of every kind the README's pages link to, on
    # forms showing their validation errors, with its menus open, and on a phone with the menu open.
    page = signed_in_page(browser, base, demo_users["admin"], 1280)
    prepare(page, base)
    checker.crawl(page, "admin", PAGES)
    for path in FORMS_WITH_ERRORS:
        checker.submit_empty(page, "admin", path)
    checker.open_picker(page, "admin", "/quality/observations/new/", "#id_institution", "Daug")
    checker.open_menus(page, "admin")
    checker.open_phone_menu(signed_in_page(browser, base, demo_users["admin"], 390), "admin")
    page.context.close()

    assert len(findings.checked) > 100  # the pages were opened, not skipped
    assert_clean(tmp_path, findings)

"""In a real browser: a head declares and publishes a vacancy, and the public finds it in Latvian and English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def test_head_publishes_a_vacancy_and_the_public_sees_it_in_latvian_and_english(
    page: Page, browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_standard_positions()  # transactional tests empty the tables the migration filled
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    make_user(Role.INSTITUTION_HEAD, [school], username="inese")

    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("inese")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    expect(page.get_by_role("link", name="Pārskats")).to_be_visible()  # signed in
    page.goto(f"{live_server}/people/vacancies/new/")
    # the head's one school is not asked for: the form gives it (core.forms.ScopedFormMixin)
    page.get_by_label("Amats").select_option(label="Mācību priekšmeta skolotājs")
    page.get_by_label("Mācību priekšmets").fill("ķīmija")
    page.get_by_label("Slodzes likme").fill("0.75")
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Vakance saglabāta.")).to_be_visible()

    # Declared, not yet published: the public does not see it.
    public = browser.new_page()
    public.goto(f"{live_server}/vacancies/")
    expect(public.get_by_role("heading", name="Vakances pilsētas izglītības iestādēs")).to_be_visible()
    expect(public.get_by_text("Pašlaik nav atvērtu vakanču.")).to_be_visible()

    page.get_by_role("button", name="Publicēt").click()
    expect(page.get_by_text("Vakance publicēta.")).to_be_visible()

    public.reload()
    row = public.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Zinātņu vidusskola")
    expect(row).to_contain_text("Mācību priekšmeta skolotājs")
    expect(row).to_contain_text("ķīmija")
    expect(row).to_contain_text("0,75")  # a Latvian decimal comma

    public.get_by_role("button", name="EN English", exact=True).click()  # one click: the header's language buttons
    expect(public.get_by_role("heading", name="Vacancies in the city's education institutions")).to_be_visible()
    expect(public.locator("tbody tr")).to_contain_text("Subject teacher")
    expect(public.locator("tbody tr")).to_contain_text("0.75")
    public.screenshot(path="var/screenshots/public-vacancies-en.png", full_page=True)

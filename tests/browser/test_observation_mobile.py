"""In a real browser on a phone-sized screen: a head records an observed lesson and sees it counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.pickers import SMALL_LIST
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.quality.defaults import criterion_codes, ensure_default_form
from eduboard.registry.models import Institution
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 390, "height": 844}


def test_head_records_an_observation_on_a_phone_and_sees_it_counted(
    browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_standard_positions()  # transactional tests empty the tables the migrations filled
    ensure_default_form()
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    make_user(Role.INSTITUTION_HEAD, [school], username="inese")
    teacher = StaffMember.objects.create(personal_code="150380-11111", first_name="Anna", last_name="Ozola")
    Employment.objects.create(
        staff_member=teacher,
        institution=school,
        position=PositionKind.objects.get(code="subject_teacher"),
        fte=1,
        start_date=date(2020, 9, 1),
    )
    for index in range(SMALL_LIST):  # more teachers than a short list holds: the teacher is searched for
        colleague = StaffMember.objects.create(
            personal_code=f"{index + 1:02d}0480-11111", first_name="Jānis", last_name=f"Kalniņš{index}"
        )
        Employment.objects.create(
            staff_member=colleague,
            institution=school,
            position=PositionKind.objects.get(code="subject_teacher"),
            fte=1,
            start_date=date(2020, 9, 1),
        )

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="lv-LV")
    page = context.new_page()
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("inese")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    # On a phone the menu waits behind its button.
    page.get_by_role("button", name="Izvēlne").click()
    expect(page.get_by_role("link", name="Pārskats")).to_be_visible()

    page.goto(f"{live_server}/quality/observations/new/")
    page.locator("#id_date").fill("2024-03-12")
    # The head's one school is not asked for (the form gives it); the teacher is a search field (core.pickers):
    # type, then choose from what the server finds, narrowed to that school.
    page.locator("#id_kind").select_option("internal")
    page.locator("#id_teacher").fill("ozola")
    teacher = page.get_by_role("option", name="Anna Ozola")
    expect(teacher).to_contain_text("150380-*****")  # the masked code tells namesakes apart
    teacher.click()
    page.locator("#id_subject").fill("Matemātika")
    page.locator("#id_grade").fill("7.b")
    for code in criterion_codes():
        answer = "no" if code == "three_parts" else "yes"
        radio = page.locator(f"input[name='c_{code}'][value='{answer}']")
        radio.scroll_into_view_if_needed()
        radio.check()
    # nothing sticks out sideways on a phone: the form fits the screen's width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#observation-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Matemātika, 7.b")

    page.goto(f"{live_server}/quality/?date_from=2024-03-01&date_to=2024-03-31")
    expect(page.locator("#fig-lessons")).to_have_text("1")
    expect(page.locator("#criterion-results_defined .percent")).to_have_text("100,00")  # Latvian decimal comma
    expect(page.locator("#criterion-three_parts .percent")).to_have_text("0,00")
    page.screenshot(path="var/screenshots/observation-mobile.png", full_page=True)
    context.close()

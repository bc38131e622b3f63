"""In a real browser on a phone-sized screen, in Russian and without signing in: a pupil types a one-time code,
answers half, leaves, comes back on the same phone to find the answers kept, sends them, and cannot change them;
the code does not work a second time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from eduboard.surveys.models import AccessCode, Answer, Question, Response, Survey
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 375, "height": 740}


def test_a_pupil_answers_on_a_phone_in_russian(browser: Browser, live_server: object) -> None:
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    survey = Survey.objects.create(
        code="lb-2026", title_lv="Labbūtības aptauja", title_ru="Опрос о благополучии",
        opens_on=date.today() - timedelta(days=1), closes_on=date.today() + timedelta(days=10),
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="like_school", kind="frequency", position=1,
        text_lv="Es labprāt eju uz skolu.", text_ru="Я охотно хожу в школу.",
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="safe", kind="yes_partly_no", position=2,
        text_lv="Jūtos droši.", text_ru="Я чувствую себя в безопасности.",
    )  # fmt: skip
    AccessCode.objects.create(survey=survey, code="K7MX3PQR2A", institution=school, audience="pupils_5_12",
                              grade_band="7-9", label="7.a")  # fmt: skip

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    page = phone.new_page()
    page.goto(f"{live_server}/answer/ru/")
    expect(page.get_by_role("heading", name="Ответить на опрос")).to_be_visible()
    page.get_by_label("Ваш код").fill("k7mx3pqr2a")
    page.get_by_role("button", name="Начать").click()
    expect(page.get_by_role("heading", name="Опрос о благополучии")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.get_by_role("group", name="1. Я охотно хожу в школу.")
    first.get_by_label("часто").check()
    page.get_by_role("button", name="Сохранить и продолжить позже").click()
    expect(page.get_by_role("status")).to_contain_text("Сохранено")

    # later, on the same phone: the answer is where it was left
    page.goto(f"{live_server}/answer/ru/s/lb-2026/")
    expect(page.get_by_role("group", name="1. Я охотно хожу в школу.").get_by_label("часто")).to_be_checked()
    page.get_by_role("group", name="2. Я чувствую себя в безопасности.").get_by_label("частично").check()
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_role("status")).to_contain_text("Спасибо")
    page.goto(f"{live_server}/answer/ru/s/lb-2026/")
    expect(page.get_by_role("button", name="Отправить ответы")).to_have_count(0)  # nothing to change any more

    response = Response.objects.get()
    assert (response.finished, response.grade_band, response.institution_id) == (True, "7-9", school.pk)
    assert dict(Answer.objects.values_list("question__code", "value")) == {"like_school": "often", "safe": "partly"}

    # the code again, on another phone
    other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU").new_page()
    other.goto(f"{live_server}/answer/ru/")
    other.get_by_label("Ваш код").fill("K7MX3PQR2A")
    other.get_by_role("button", name="Начать").click()
    expect(other.get_by_role("alert")).to_contain_text("уже использован")
    assert Response.objects.count() == 1

"""In a real browser, in Latvian and without signing in: a pupil types a one-time code on a phone, answers one
question, saves to finish later, and goes on from another device (a new browser context: no cookie of the phone)
by typing the same code; the saved answer is there; the pupil sends; the code typed again says it was used."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from eduboard.surveys.models import AccessCode, Answer, Question, Response, Survey
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 375, "height": 740}
CODE = "T4VW8NPX3E"


def type_code(page: Page, live_server: object, code: str) -> None:
    page.goto(f"{live_server}/answer/lv/")
    expect(page.get_by_role("heading", name="Atbildēt uz aptauju")).to_be_visible()
    page.get_by_label("Jūsu kods").fill(code)
    page.get_by_role("button", name="Sākt").click()


def test_a_saved_answer_is_finished_on_another_device_with_the_same_code(browser: Browser, live_server: object) -> None:
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    survey = Survey.objects.create(
        code="lb-2026", title_lv="Labbūtības aptauja",
        opens_on=date.today() - timedelta(days=1), closes_on=date.today() + timedelta(days=10),
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="like_school", kind="frequency", position=1,
        text_lv="Es labprāt eju uz skolu.",
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="safe", kind="yes_partly_no", position=2, text_lv="Jūtos droši."
    )
    AccessCode.objects.create(survey=survey, code=CODE, institution=school, audience="pupils_5_12",
                              grade_band="7-9", label="7.a")  # fmt: skip

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="lv-LV").new_page()
    type_code(phone, live_server, CODE.lower())
    expect(phone.get_by_role("heading", name="Labbūtības aptauja")).to_be_visible()
    phone.get_by_role("group", name="1. Es labprāt eju uz skolu.").get_by_label("bieži").check()
    phone.get_by_role("button", name="Saglabāt un pabeigt vēlāk").click()
    expect(phone.get_by_role("status")).to_contain_text("Saglabāts")
    phone.context.close()  # the phone is put away

    # another device: a browser that has never seen the answer
    laptop = browser.new_context(locale="lv-LV").new_page()
    laptop.goto(f"{live_server}/answer/lv/s/lb-2026/")
    expect(laptop.get_by_role("button", name="Nosūtīt atbildes")).to_have_count(0)  # nothing begun here yet
    type_code(laptop, live_server, CODE)
    first = laptop.get_by_role("group", name="1. Es labprāt eju uz skolu.")
    expect(first.get_by_label("bieži")).to_be_checked()  # the answer saved on the phone
    laptop.get_by_role("group", name="2. Jūtos droši.").get_by_label("daļēji").check()
    laptop.get_by_role("button", name="Nosūtīt atbildes").click()
    expect(laptop.get_by_role("status")).to_contain_text("Paldies")

    response = Response.objects.get()
    assert (response.finished, response.grade_band, response.institution_id) == (True, "7-9", school.pk)
    assert dict(Answer.objects.values_list("question__code", "value")) == {"like_school": "often", "safe": "partly"}
    assert AccessCode.objects.get(code=CODE).draft_id is None  # the sent answer is linked to no code

    # the code once more, on a third device: used
    third = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="lv-LV").new_page()
    type_code(third, live_server, CODE)
    expect(third.get_by_role("alert")).to_contain_text("kods jau ir izmantots")
    assert Response.objects.count() == 1

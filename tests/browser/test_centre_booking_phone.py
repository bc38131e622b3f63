"""In a real browser on a phone-sized screen, without signing in: the catalogue in Latvian, English and Russian
(switched by its links); a teacher of a school outside the city finds a robotics workshop in the Russian
catalogue, books a time for the group, and sees the booking's own page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from eduboard.centre.models import Booking
from tests.centre.test_innovation import make_centre, make_slot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 375, "height": 740}


def test_a_teacher_books_a_visit_on_a_phone_in_russian(browser: Browser, live_server: object) -> None:
    # 30 places, the day's only ones: the public page confirms at once up to half a day's places (day_allowance).
    slot = make_slot(make_centre(), places=30)
    slot.activity.title_ru, slot.activity.title_en = "Робототехника", "Robotics"
    slot.activity.save()
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU").new_page()
    # the catalogue in each language, switched by its links
    page.goto(f"{live_server}/centre/lv/")
    expect(page.get_by_role("heading", name="Aktivitātes")).to_be_visible()
    expect(page.get_by_role("link", name="Robotika", exact=True)).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Activities")).to_be_visible()
    expect(page.get_by_role("link", name="Robotics", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="Русский").click()
    expect(page).to_have_url(f"{live_server}/centre/ru/")
    page.get_by_role("link", name="Робототехника", exact=True).click()
    page.get_by_role("button", name="Забронировать").first.click()
    expect(page.get_by_label("Школа")).to_be_visible()  # the booking form has loaded: measure it, not the navigation
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Школа").fill("Krāslavas Varavīksnes vidusskola")
    page.get_by_label("Самоуправление").fill("Krāslavas novads")
    page.get_by_label("Имя учителя").fill("Анна")
    page.get_by_label("Эл. почта").fill("anna@example.lv")
    page.get_by_label("Телефон").fill("+371 20000000")
    page.get_by_label("Размер группы (ученики и учителя)").fill("14")
    page.get_by_label("Класс или возраст").fill("5")
    page.get_by_role("button", name="Забронировать").click()
    expect(page.get_by_role("heading", name="Ваше бронирование")).to_be_visible()
    # A group of 14, the school's first of the term: confirmed at once (a larger one would wait as "заявлено").
    expect(page.get_by_role("status")).to_contain_text("подтверждено")
    booking = Booking.objects.get()
    assert (booking.group_size, booking.municipality, booking.slot.booked) == (14, "Krāslavas novads", 14)

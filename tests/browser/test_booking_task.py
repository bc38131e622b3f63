"""Issue 39, in a real browser on a phone (375×812), in Russian, without signing in: a teacher sees in the catalogue
which activities have free times, asks for a group of 40 where 28 places are free, is told so, corrects the group to
24 and gets a booking, not the waiting list; where every time is full, the waiting list is what is offered, and it
takes the group."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from eduboard.centre import services
from eduboard.centre.models import Booking, Slot, WaitingListEntry
from tests.centre.test_innovation import make_centre, make_slot, request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 375, "height": 812}


def in_russian(message: str, **values: Any) -> str:
    with translation.override("ru"):
        text = gettext(message)
        return text % values if values else text


def slot_of(centre: object, *, code: str, title_ru: str, places: int, booked: int) -> Slot:
    slot = make_slot(centre, places=places, code=code)
    slot.activity.title_ru = title_ru
    slot.activity.save()
    if booked:
        services.booking_create(slot=slot, request=request(booked, school=f"Cita skola {code}"))
    return Slot.objects.get(pk=slot.pk)


def fill_form(page: Page, group: str) -> None:
    page.get_by_label("Школа").fill("Krāslavas Varavīksnes vidusskola")
    page.get_by_label("Самоуправление").fill("Krāslavas novads")
    page.get_by_label("Имя учителя").fill("Анна")
    page.get_by_label("Эл. почта").fill("anna@example.lv")
    page.get_by_label("Телефон").fill("+371 20000000")
    page.get_by_label("Размер группы (ученики и учителя)").fill(group)
    page.get_by_label("Класс или возраст").fill("5")


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_teacher_corrects_a_too_large_group_and_books_and_a_full_activity_offers_its_waiting_list(
    browser: Browser, live_server: object
) -> None:
    centre = make_centre()
    free = slot_of(centre, code="robo", title_ru="Робототехника", places=40, booked=12)  # 28 places free
    full = slot_of(centre, code="micro", title_ru="Микроскопия", places=20, booked=20)
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU").new_page()

    # The catalogue says which activities have free times, and when the first is.
    page.goto(f"{live_server}/centre/ru/")
    expect(page.get_by_role("heading", name="Активности")).to_be_visible()
    robotics = page.locator("article", has=page.get_by_role("link", name="Робототехника", exact=True))
    microscopy = page.locator("article", has=page.get_by_role("link", name="Микроскопия", exact=True))
    with translation.override("ru"):
        day = date_format(free.date, "SHORT_DATE_FORMAT")
    first_free = in_russian("Free times available: the first on %(day)s at %(start)s", day=day, start="10:00")
    expect(robotics).to_contain_text(first_free)
    expect(microscopy).to_contain_text(in_russian("No free times: join the waiting list"))
    fits_the_phone(page)

    # A group of 40 where 28 places are free: refused, the form is shown again with its booking button.
    robotics.get_by_role("link", name="Робототехника", exact=True).click()
    page.get_by_role("button", name="Забронировать").first.click()
    fill_form(page, "40")
    page.get_by_role("button", name="Забронировать").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Забронировать")).to_be_visible()
    expect(page.get_by_label("Школа")).to_have_value("Krāslavas Varavīksnes vidusskola")  # nothing to type again
    fits_the_phone(page)
    # Corrected to 24: booked at once, not put on the waiting list.
    page.get_by_label("Размер группы (ученики и учителя)").fill("24")
    page.get_by_role("button", name="Забронировать").click()
    expect(page.get_by_role("heading", name="Ваше бронирование")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("подтверждено")
    booking = Booking.objects.get(school_name="Krāslavas Varavīksnes vidusskola")
    assert (booking.status, booking.group_size, Slot.objects.get(pk=free.pk).booked) == ("confirmed", 24, 36)
    assert not WaitingListEntry.objects.exists()

    # Where every time is full, the waiting list is offered, and only it.
    page.goto(f"{live_server}/centre/ru/")
    microscopy.get_by_role("link", name=in_russian("No free times: join the waiting list")).click()
    page.get_by_role("button", name="Мест нет: лист ожидания").click()
    expect(page.get_by_role("button", name="Записаться в лист ожидания")).to_be_visible()
    expect(page.get_by_role("button", name="Забронировать")).to_have_count(0)
    fill_form(page, "10")
    page.get_by_role("button", name="Записаться в лист ожидания").click()
    expect(page.get_by_role("status")).to_contain_text("Вы в листе ожидания")
    fits_the_phone(page)
    entry = WaitingListEntry.objects.get()
    assert (entry.slot_id, entry.group_size) == (full.pk, 10)
    assert Slot.objects.get(pk=full.pk).booked == 20

"""In a real browser on a phone-sized screen: a head lends Chromebooks to a whole class, gets the loan agreements
as a PDF, and counts the school's devices in a stock-take by typing numbers, closing it with a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer
from playwright.sync_api import Browser, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan
from tests.factories import PASSWORD
from tests.registry.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 390, "height": 844}


def test_head_lends_to_a_class_and_counts_the_devices_on_a_phone(
    browser: Browser, live_server: object, make_user: Callable[..., User]
) -> None:
    ensure_standard_kinds()
    world = build_world(pupils=3)
    chromebook = AssetKind.objects.get(code="chromebook")
    for number in range(1, 4):
        Asset.objects.create(
            inventory_number=f"CB-{number}", kind=chromebook, institution=world.school, acquired_on=date(2024, 1, 1)
        )
    make_user(Role.INSTITUTION_HEAD, [world.school], username="inese")

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="lv-LV", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("inese")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    page.get_by_role("button", name="Izvēlne").click()
    expect(page.get_by_role("link", name="Pārskats")).to_be_visible()

    # A whole class: three pupils, three free devices: each pupil gets one.
    page.goto(f"{live_server}/assets/loans/class/")
    page.locator("#id_group").select_option(label="1.a · Zinātņu vidusskola, 2024/2025")
    page.locator("#id_kind").select_option(label="Chromebook dators")
    page.locator("#id_lent_on").fill("2024-09-02")
    page.locator("#id_due_on").fill("2025-06-20")
    page.get_by_role("button", name="Nodot lietošanā").click()
    expect(page.get_by_role("heading", name="nodotas 3 ierīces")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Lietošanas līgumi (PDF)").click()
    pages = list(extract_pages(download.value.path()))
    assert len(pages) == 3  # one agreement a pupil
    first = " ".join("".join(e.get_text() for e in pages[0] if isinstance(e, LTTextContainer)).split())
    assert "Līgums par ierīces nodošanu lietošanā" in first and "Daugavpilī, 02.09.2024." in first
    assert "likumiskais pārstāvis (vārds, uzvārds, paraksts)" in first
    assert Loan.objects.filter(returned_on__isnull=True).count() == 3

    # A stock-take: CB-1 and CB-2 are found, CB-3 is not; closing records CB-3 as lost only when confirmed.
    Loan.objects.all().update(returned_on=date(2024, 9, 30), condition="ok")
    Asset.objects.update(status="in_stock")
    page.goto(f"{live_server}/assets/stock-takes/")
    page.get_by_role("button", name="Sākt inventarizāciju").click()
    for number in ("CB-1", "CB-2"):
        page.get_by_label("Inventāra numurs").fill(number)
        page.get_by_role("button", name="Atrasts").click()
    expect(page.get_by_text("Nav atrastas (1)")).to_be_visible()
    expect(page.get_by_text("Atrasts (2)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Reģistrēt 1 neatrasto ierīci kā nozaudētu").check()
    page.get_by_role("button", name="Noslēgt inventarizāciju").click()
    expect(page.get_by_text("kā nozaudētas reģistrētas 1 ierīces", exact=False)).to_be_visible()
    assert Asset.objects.get(inventory_number="CB-3").status == "lost"
    context.close()

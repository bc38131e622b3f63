"""In a real browser: a head imports learners, reads the errors, fixes the file, and sees the learners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import PASSWORD
from tests.registry.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]
HEADER = (
    "personal_code,first_name,last_name,birth_date,declared_municipality,"
    "institution,school_year,group,enrolled_on,left_on"
)


def test_head_imports_learners_fixes_the_errors_and_sees_them(
    page: Page, live_server: object, make_user: Callable[..., User], tmp_path: Path
) -> None:
    world = build_world(pupils=0)
    make_user(Role.INSTITUTION_HEAD, [world.school], username="inese")
    codes = PersonalCodes()
    anna, ivo, eva = (codes.for_birth_date(date(2017, m, 4)) for m in (5, 6, 7))
    broken_ivo = ivo[:-1] + str((int(ivo[-1]) + 1) % 10)
    bad_file = tmp_path / "learners.csv"
    bad_file.write_text(
        f"{HEADER}\n"
        f"{anna},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
        f"{broken_ivo},Ivo,Egle,2017-06-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
        f"{eva},Eva,Ozola,2017-07-04,Daugavpils,9000000011,2024/2025,1.z,2024-09-01,\n",
        encoding="utf-8",
    )

    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Lietotājvārds").fill("inese")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    page.goto(f"{live_server}/imports/registry/learners/")
    page.get_by_label("Fails (CSV vai XLSX)").set_input_files(str(bad_file))
    page.get_by_role("button", name="Importēt bez priekšskatījuma").click()

    errors = page.locator(".import-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("row 3, column personal_code")
    expect(errors.nth(1)).to_contain_text("row 4, column group")
    page.goto(f"{live_server}/registry/learners/")
    expect(page.get_by_text("Liepa")).to_have_count(0)

    good_file = tmp_path / "learners-fixed.csv"
    good_file.write_text(
        bad_file.read_text(encoding="utf-8").replace(broken_ivo, ivo).replace("1.z", "1.a"), encoding="utf-8"
    )
    page.goto(f"{live_server}/imports/registry/learners/")
    page.get_by_label("Fails (CSV vai XLSX)").set_input_files(str(good_file))
    page.get_by_role("button", name="Priekšskatīt").click()  # tried whole, nothing saved yet
    expect(page.locator("#import-result")).to_contain_text("Nekas vēl nav saglabāts")
    # 3 learners and their 3 enrolments would be created: the first five rows are listed
    expect(page.locator("table.preview-rows tbody tr")).to_have_count(5)
    page.goto(f"{live_server}/registry/learners/")
    expect(page.get_by_text("Liepa")).to_have_count(0)
    page.go_back()
    page.get_by_role("button", name="Apstiprināt un importēt").click()
    expect(page.locator("#import-result")).to_contain_text("izveidotas 3")

    page.goto(f"{live_server}/registry/learners/")
    expect(page.get_by_role("link", name="Liepa, Anna")).to_be_visible()
    expect(page.get_by_role("link", name="Egle, Ivo")).to_be_visible()
    expect(page.get_by_role("link", name="Ozola, Eva")).to_be_visible()
    page.screenshot(path="var/screenshots/learners-imported.png", full_page=True)

"""Finance pages and API: who sees which money, the pages and their downloads, and the API's version checks."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.core.numbers import json_figures
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import Allocation, Expenditure, InstitutionSet, SettlementLine
from eduboard.finance.selectors import settlement_summary
from eduboard.registry.models import Institution
from tests.finance.world import (
    MAY,
    MONEY_AS_OF,
    SCHOOL,
    SETTLEMENT_FROM,
    SETTLEMENT_TO,
    MealWorld,
    MoneyWorld,
    allocation,
    base_world,
    meal_world,
    money_world,
    settlement_world,
    spend,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
PERIOD = {"date_from": "2024-01-01", "date_to": "2024-08-31"}


@dataclass
class World:
    money: MoneyWorld
    only_preschools: Allocation  # to a group that does not hold the school


@pytest.fixture
def world() -> World:
    """Money and settlements (the meals of May are a world of their own, so each figure stays checkable)."""
    money = money_world()
    settlement_world()
    preschools = InstitutionSet.objects.create(name="only preschools")
    preschools.members.set([money.base.preschool])
    only_preschools = allocation(
        money.base, amount="777.00", source="state", purpose="meals", institution_set=preschools
    )
    return World(money, only_preschools)


@pytest.fixture
def meals() -> MealWorld:
    return meal_world()


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [base_world().school])


@pytest.fixture
def board(make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD_ADMIN)


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD_ANALYST)


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=user, name='tests')[1]}")


def detail_links(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/finance/allocations/(\d+)/"', page)}


# --- scope


def test_head_sees_own_institutions_allocations_and_those_of_a_group_holding_it_never_another_schools(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    money = world.money
    page = client.get("/finance/allocations/").content.decode()
    own = {money.to_school.pk, money.to_everyone.pk, money.eu_to_school.pk, money.last_year.pk}
    assert detail_links(page) == own
    for hidden in (money.to_preschool, world.only_preschools):
        assert client.get(f"/finance/allocations/{hidden.pk}/").status_code == 404
    assert client.get(f"/finance/allocations/{money.to_everyone.pk}/").status_code == 200


def test_head_cannot_see_allocations_of_another_school_through_the_api(world: World, head: User) -> None:
    client = api(head)
    listed = client.get("/api/finance/allocations/", {"year": 2024}).json()["results"]
    money = world.money
    assert {row["id"] for row in listed} == {money.to_school.pk, money.to_everyone.pk, money.eu_to_school.pk}
    assert client.get(f"/api/finance/allocations/{money.to_preschool.pk}/").status_code == 404
    spending = client.get("/api/finance/expenditures/").json()["results"]
    assert {row["allocation"] for row in spending} == {
        money.to_school.pk,
        money.to_everyone.pk,
        money.eu_to_school.pk,
        money.last_year.pk,  # the school's own allocation of 2023
    }


def test_head_only_reads_money_and_cannot_record_spending(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    url = f"/finance/allocations/{world.money.to_school.pk}/"
    response = signed_in(head).post(url, {"date": "2024-05-02", "amount": "10.00", "document": "X"})
    assert response.status_code == 403
    assert signed_in(head).get("/finance/allocations/new/").status_code == 403
    created = api(head).post(
        "/api/finance/expenditures/",
        {"allocation": world.money.to_school.pk, "date": "2024-05-02", "amount": "10.00", "document": "X"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert Expenditure.objects.filter(document="X").count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/finance/settlements/",
        "/finance/settlements/lines/",
        "/api/finance/settlement-summary/?from=2024-01-01&to=2024-08-31",
        "/api/finance/settlements/",
    ],
)
def test_head_gets_403_on_settlements(world: World, head: User, signed_in: Callable[[User], Client], path: str) -> None:
    client = signed_in(head) if not path.startswith("/api/") else api(head)
    assert client.get(path).status_code == 403


def test_head_gets_403_on_a_settlement_statement_in_every_format(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    url = f"/finance/settlements/{world.money.base.preili.pk}/"
    for fmt in ("html", "pdf", "xlsx"):
        assert signed_in(head).get(url, {**PERIOD, "format": fmt}).status_code == 403


def test_board_sees_every_allocation(world: World, analyst: User, signed_in: Callable[[User], Client]) -> None:
    page = signed_in(analyst).get("/finance/allocations/", {"year": 2024}).content.decode()
    assert detail_links(page) == set(Allocation.objects.filter(year=2024).values_list("pk", flat=True))
    assert len(detail_links(page)) == 5


def test_staff_without_finance_rights_and_anonymous_visitors_see_no_money(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    staff = make_user(Role.INSTITUTION_STAFF, [world.money.base.school])
    assert signed_in(staff).get("/finance/").status_code == 403
    assert api(staff).get("/api/finance/stats/").status_code == 403
    anonymous = Client().get("/finance/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get("/api/finance/allocations/").status_code in (401, 403)


# --- the overview


def test_overview_shows_utilisation_and_cost_per_learner_as_of_the_date_with_charts(
    world: World, analyst: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(analyst).get("/finance/", {"as_of": "2024-03-15"}).content.decode()
    assert "12,35 %" in page  # the school's state money: 246.90 of 2000.00
    assert "50,00 %" in page  # the group's municipal money
    assert "130,87" in page  # the computed monthly cost of general education
    assert "93,24" in page  # the approved one
    for chart in ("chart-utilisation", "chart-costs"):
        assert f'id="{chart}"' in page


def test_overview_of_a_head_shows_only_own_allocations(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(head).get("/finance/", {"as_of": "2024-03-15"}).content.decode()
    assert detail_links(page) == {world.money.to_school.pk, world.money.to_everyone.pk, world.money.eu_to_school.pk}


def test_overview_sums_a_country_s_allocations_of_one_purpose_and_source_and_links_to_them(
    world: World, analyst: User, signed_in: Callable[[User], Client]
) -> None:
    """More than OVERVIEW_LISTED institutions with allocations of one purpose and source: one row, their sums (as
    plainly added here), linking to those allocations in the list; fewer stay one row each."""
    from eduboard.finance.views import OVERVIEW_LISTED

    base = world.money.base
    many = [
        Institution.objects.create(registration_number=f"97770{number:05d}", name=f"Skola {number}", type="school")
        for number in range(OVERVIEW_LISTED + 1)
    ]
    made = [
        allocation(base, amount=f"{100 + n}.00", source="state", purpose="meals", institution=i)
        for n, i in enumerate(many)
    ]
    for number, made_one in enumerate(made[:5]):
        spend(made_one, date(2024, 2, 1), f"{number + 1}.50", f"M-{number}")
    page = signed_in(analyst).get("/finance/", {"as_of": "2024-03-15"}).content.decode()
    allocated = sum(Decimal(a.amount) for a in made)
    spent = sum(Decimal(f"{number + 1}.50") for number in range(5))
    row = re.search(
        r'<tr>\s*<td><a href="/finance/allocations/\?year=2024&amp;purpose=meals&amp;source=state">'
        r"(\d+) [^<]+</a></td>(.*?)</tr>",
        page,
        re.S,
    )
    assert row is not None
    assert int(row.group(1)) == OVERVIEW_LISTED + 1
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(2))
    assert cells[:2] == [f"{allocated:,.2f}".replace(",", "\xa0").replace(".", ","), f"{spent:.2f}".replace(".", ",")]
    assert "Skola 3" not in page
    listed = signed_in(analyst).get("/finance/allocations/", {"year": 2024, "purpose": "meals", "source": "state"})
    assert all(f"Skola {number}" in listed.content.decode() for number in range(OVERVIEW_LISTED + 1))


# --- allocations and their downloads


def exported_rows(response: Any, fmt: str) -> list[list[Any]]:
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_allocation_list_exports_the_visible_allocations_with_what_is_spent(
    world: World, head: User, signed_in: Callable[[User], Client], fmt: str
) -> None:
    rows = exported_rows(signed_in(head).get("/finance/allocations/", {"export": fmt, "year": 2024}), fmt)
    header, data = rows[0], rows[1:]
    assert len(header) == 7 and len(data) == 3
    by_amount = {Decimal(str(row[4])): row for row in data}
    school = by_amount[Decimal("2000.00")]
    # every expenditure counts in the list (the overview is the one "as of a date")
    assert Decimal(str(school[5])) == Decimal("1246.90")
    assert Decimal(str(school[6])) == Decimal("62.35")
    assert Decimal("1000.00") not in by_amount  # the preschool's own allocation


@pytest.mark.parametrize("fmt", ["page", "csv", "xlsx"])
def test_expenditure_dates_read_in_latvian_on_the_page_iso_in_csv_and_typed_in_xlsx(
    world: World, board: User, signed_in: Callable[[User], Client], fmt: str
) -> None:
    client = signed_in(board)
    if fmt == "page":
        page = client.get("/finance/expenditures/", {"q": "VB-1"}).content.decode()
        assert "05.02.2024." in page and "2024-02-05" not in page
        return
    response = client.get("/finance/expenditures/", {"export": fmt, "sort": "date"})
    if fmt == "csv":
        assert [row[0] for row in exported_rows(response, fmt)][1:3] == ["2023-12-01", "2024-01-20"]
        return
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    first = sheet.cell(row=2, column=1)
    assert first.value.date() == date(2023, 12, 1) and first.is_date  # a date, not the text "2023-12-01"
    assert first.number_format == "DD.MM.YYYY"


def test_allocation_detail_records_an_expenditure_and_shows_the_new_utilisation(
    world: World, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    url = f"/finance/allocations/{world.money.to_preschool.pk}/"
    response = client.post(
        url, {"date": "2024-06-03", "amount": "150.50", "document": "PB-3", "description": "Rotaļas"}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert world.money.to_preschool.expenditures.get(document="PB-3").amount == Decimal("150.50")
    page = client.get(url).content.decode()
    assert "25,05 %" in page  # (100.00 + 150.50) / 1000.00


def test_allocation_detail_refuses_an_expenditure_outside_the_year_and_saves_nothing(
    world: World, board: User, signed_in: Callable[[User], Client]
) -> None:
    url = f"/finance/allocations/{world.money.to_preschool.pk}/"
    response = signed_in(board).post(url, {"date": "2025-01-10", "amount": "10.00", "document": "PB-X"})
    assert response.status_code == 200
    assert "2025-01-10" in response.content.decode()
    assert not Expenditure.objects.filter(document="PB-X").exists()


@pytest.mark.usefixtures("english")
def test_two_people_editing_an_allocation_page_the_second_gets_a_clear_message_and_the_first_change_stays(
    world: World, board: User, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    target = world.money.to_preschool
    url = f"/finance/allocations/{target.pk}/edit/"
    form = {
        "year": "2024",
        "institution": str(world.money.base.preschool.pk),
        "institution_set": "",
        "purpose": "other",
        "source": str(target.source_id),
        "note": "",
        "version": "1",
    }
    alice, bob = signed_in(board), signed_in(make_user(Role.BOARD_ADMIN))
    assert 'name="version" value="1"' in alice.get(url).content.decode()
    assert bob.get(url).status_code == 200
    assert alice.post(url, {**form, "amount": "1100.00"}).status_code == 302
    refused = bob.post(url, {**form, "amount": "900.00"})
    assert refused.status_code == 200
    message = refused.content.decode()
    assert "Someone else changed this record meanwhile" in message
    assert "you edited version 1, it is now at version 2" in message
    stored = Allocation.objects.get(pk=target.pk)
    assert (stored.amount, stored.version) == (Decimal("1100.00"), 2)


@pytest.mark.usefixtures("english")
def test_deleting_an_allocation_with_expenditures_from_its_page_is_refused_and_it_stays(
    world: World, board: User, signed_in: Callable[[User], Client]
) -> None:
    target = world.money.to_school
    response = signed_in(board).post(f"/finance/allocations/{target.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/finance/allocations/{target.pk}/"
    assert "2 expenditure" in response.content.decode()
    assert Allocation.objects.filter(pk=target.pk).exists()


# --- meals


def test_meal_page_shows_a_months_computation_and_downloads_it_as_xlsx_with_its_totals(
    meals: MealWorld, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    query = {"institution": meals.base.school.pk, "month": "2024-05"}
    page = client.get("/finance/meals/", query).content.decode()
    # the rule by its name, never its code
    assert "16" in page and "Otrā Anna" in page and "1.–4. klase: pusdienas" in page and "grades_1_4_lunch" not in page
    assert "89,66" in page  # 49.44 + 15.50 + 24.72
    response = client.get("/finance/meals/", {**query, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="meals-9000000011-2024-05.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    learners = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    total_row = learners[-1]
    assert total_row[4] == 16 + 10 + 8  # days
    assert [Decimal(str(value)) for value in total_row[8:11]] == [
        Decimal("89.66"),
        Decimal("37.08"),
        Decimal("52.58"),
    ]
    lines = {row[0]: row for row in learners[1:-1]}
    assert lines["Otrā Anna"][3].startswith("1.–4. klase: pusdienas") and lines["Otrā Anna"][4] == 16
    assert Decimal(str(lines["Otrā Anna"][9])) == Decimal("24.72")
    assert all(str(row[1]).endswith("-*****") for row in learners[1:-1])  # personal codes masked


def test_a_head_computes_meals_only_for_own_institution(
    meals: MealWorld, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    other = {"institution": meals.base.preschool.pk, "month": "2024-05"}
    page = client.get("/finance/meals/", other).content.decode()
    assert "Sagatavošana Laura" not in page and "Logopēde Mia" not in page
    own_page = client.get("/finance/meals/", {"institution": meals.base.school.pk, "month": "2024-05"})
    assert "Otrā Anna" in own_page.content.decode()
    assert (
        api(head).get("/api/finance/meal-compensation/", {"institution": "9000000001", "month": "2024-05"}).status_code
        == 404
    )
    own = api(head).get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "2024-05"})
    assert own.status_code == 200 and own.json()["totals"]["total"] == 89.66


def test_meal_compensation_api_gives_every_line_with_its_rule_and_the_totals(meals: MealWorld, analyst: User) -> None:
    response = api(analyst).get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "2024-05"})
    body = response.json()
    assert body["institution"] == SCHOOL and body["month"] == "2024-05"
    assert body["school_days"] == {"preschools": 21, "schools": 16}
    assert body["totals"] == {"total": 89.66, "state": 37.08, "municipal": 52.58}
    assert {(line["name"], line["rule"], line["days"]) for line in body["lines"]} == {
        ("Otrā Anna", "grades_1_4_lunch", 16),
        ("Sestais Pēteris", "grades_5_12_cofinancing", 10),
        ("Divskolu Toms", "grades_1_4_lunch", 8),
    }
    xlsx = api(analyst).get(
        "/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "2024-05", "format": "xlsx"}
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = api(analyst).get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "May"})
    assert bad.status_code == 400 and "month" in bad.json()
    bad_xlsx = api(analyst).get(
        "/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "May", "format": "xlsx"}
    )
    assert bad_xlsx.status_code == 400 and bad_xlsx["Content-Type"] == "application/json"
    assert "month" in json.loads(bad_xlsx.content)


def test_meal_compensation_command_prints_the_same_figures(meals: MealWorld, tmp_path: Any) -> None:
    out = StringIO()
    call_command("meal_compensation", "--institution", SCHOOL, "--month", "2024-05", stdout=out)
    assert json.loads(out.getvalue())["totals"] == {"total": 89.66, "state": 37.08, "municipal": 52.58}
    target = tmp_path / "meals.xlsx"
    call_command(
        "meal_compensation", "--institution", SCHOOL, "--month", "2024-05", "--xlsx", str(target), stdout=StringIO()
    )
    assert load_workbook(target).sheetnames[0]


# --- settlements


def test_settlement_page_shows_the_periods_totals_for_the_board(
    world: World, analyst: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(analyst).get("/finance/settlements/", PERIOD).content.decode()
    assert "Preiļu novads" in page and "Augšdaugavas novads" in page
    assert "19\xa0564,80" in page or "19 564,80" in page  # receivable


def test_settlement_statement_is_a_pdf_and_an_xlsx_with_the_municipalitys_figures(
    world: World, analyst: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(analyst)
    url = f"/finance/settlements/{world.money.base.preili.pk}/"
    pdf = client.get(url, {**PERIOD, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(url, {**PERIOD, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    lines = list(workbook["Lines"].iter_rows(values_only=True)) if "Lines" in workbook.sheetnames else None
    sheets = workbook.worksheets
    line_rows = lines if lines is not None else list(sheets[0].iter_rows(values_only=True))
    assert len(line_rows) == 1 + 2  # header, Preiļi in (basic) and out (secondary); the autumn is outside
    totals = {row[0]: row[1] for row in sheets[1].iter_rows(min_row=2, values_only=True)}
    values = list(totals.values())
    assert float(5 * 4 * Decimal("58.02")) in values  # receivable 1160.40
    assert float(3 * 8 * Decimal("69.20")) in values  # due 1660.80
    assert client.get(f"/finance/settlements/{world.money.base.home.pk}/", PERIOD).status_code == 404


def test_settlement_summary_api_gives_the_periods_totals(world: World, analyst: User) -> None:
    response = api(analyst).get("/api/finance/settlement-summary/", {"from": "2024-01-01", "to": "2024-08-31"})
    assert response.status_code == 200
    assert response.json() == json.loads(
        json_figures(settlement_summary(date_from=SETTLEMENT_FROM, date_to=SETTLEMENT_TO, visible_to=WHOLE_CITY))
    )
    assert response.json()["receivable_total"] == 19564.8
    missing = api(analyst).get("/api/finance/settlement-summary/", {"from": "2024-01-01"})
    assert missing.status_code == 400 and "to" in missing.json()
    backwards = api(analyst).get("/api/finance/settlement-summary/", {"from": "2024-08-31", "to": "2024-01-01"})
    assert backwards.status_code == 400


def test_a_settlement_line_with_more_months_than_its_period_is_refused_by_the_api(world: World, board: User) -> None:
    line = {
        "municipality": "Preiļu novads",
        "direction": "incoming",
        "level": "basic",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "learners": 2,
        "months": 4,
        "monthly_cost": "58.02",
    }
    count = SettlementLine.objects.count()
    refused = api(board).post("/api/finance/settlements/", line, content_type="application/json")
    assert refused.status_code == 400 and "months" in refused.json()
    created = api(board).post("/api/finance/settlements/", {**line, "months": 3}, content_type="application/json")
    assert created.status_code == 201 and created.json()["amount"] == "348.12"
    assert SettlementLine.objects.count() == count + 1


# --- the API: figures and version checks


def test_stats_api_for_the_board_equals_the_finance_stats_command(world: World, analyst: User) -> None:
    out = StringIO()
    call_command("finance_stats", "--as-of", "2024-03-15", stdout=out)
    from_command = json.loads(out.getvalue())
    response = api(analyst).get("/api/finance/stats/", {"as_of": "2024-03-15"})
    assert response.status_code == 200
    assert response.json() == from_command
    assert from_command["cost_per_learner"]["general"]["computed"] == 130.87
    assert from_command["settlements"]["receivable_total"] == 19564.8


def test_stats_api_for_a_head_is_scoped_and_leaves_out_settlements(world: World, head: User) -> None:
    body = api(head).get("/api/finance/stats/", {"as_of": MONEY_AS_OF.isoformat()}).json()
    assert {row["id"] for row in body["utilisation_by_allocation"]} == {
        world.money.to_school.pk,
        world.money.to_everyone.pk,
        world.money.eu_to_school.pk,
    }
    assert "settlements" not in body
    assert api(head).get("/api/finance/stats/", {"as_of": "15.03.2024"}).status_code == 400


@pytest.mark.usefixtures("english")
def test_an_allocation_update_without_a_version_gets_400_and_with_a_stale_one_409_and_changes_nothing(
    world: World, board: User
) -> None:
    client = api(board)
    url = f"/api/finance/allocations/{world.money.to_preschool.pk}/"
    without = client.patch(url, {"amount": "1500.00"}, content_type="application/json")
    assert without.status_code == 400 and "version" in without.json()
    current = client.patch(url, {"amount": "1500.00", "version": 1}, content_type="application/json")
    assert current.status_code == 200, current.content
    assert (current.json()["amount"], current.json()["version"]) == ("1500.00", 2)
    stale = client.patch(url, {"amount": "9.00", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert "Someone else changed this record meanwhile" in json.dumps(stale.json(), ensure_ascii=False)
    stored = Allocation.objects.get(pk=world.money.to_preschool.pk)
    assert (stored.amount, stored.version) == (Decimal("1500.00"), 2)


def test_an_api_allocation_to_both_an_institution_and_a_group_is_refused(world: World, board: User) -> None:
    body = {
        "year": 2025,
        "institution": SCHOOL,
        "institution_set": "all institutions",
        "purpose": "meals",
        "source": "state",
        "amount": "10.00",
    }
    refused = api(board).post("/api/finance/allocations/", body, content_type="application/json")
    assert refused.status_code == 400
    assert not Allocation.objects.filter(year=2025).exists()
    created = api(board).post(
        "/api/finance/allocations/", {**body, "institution_set": None}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["version"] == 1


def test_an_api_allocation_to_a_group_of_institutions_sends_no_institution(world: World, board: User) -> None:
    """Found by the long Schemathesis run: the model's unique constraints made `institution` required."""
    body = {"year": 2025, "institution_set": "only preschools", "purpose": "meals", "source": "state", "amount": "5"}
    created = api(board).post("/api/finance/allocations/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = api(board).post("/api/finance/allocations/", body, content_type="application/json")
    assert again.status_code == 400  # the same group, year, purpose and source: one allocation
    assert again.json()["error_codes"] == {"__all__": ["rule"]}
    assert "allocation_unique" not in again.content.decode()  # worded for people, not the constraint's name


def test_deleting_an_allocation_with_expenditures_through_the_api_gets_400_and_the_allocation_stays(
    world: World, board: User
) -> None:
    client = api(board)
    spent = world.money.to_school
    response = client.delete(f"/api/finance/allocations/{spent.pk}/")
    assert response.status_code == 400
    assert Allocation.objects.filter(pk=spent.pk).exists()
    unspent = world.only_preschools
    assert client.delete(f"/api/finance/allocations/{unspent.pk}/").status_code == 204
    assert not Allocation.objects.filter(pk=unspent.pk).exists()


def test_an_api_expenditure_outside_the_allocation_year_gets_400(world: World, board: User) -> None:
    body = {"allocation": world.money.to_school.pk, "date": "2023-12-31", "amount": "1.00", "document": "Q"}
    response = api(board).post("/api/finance/expenditures/", body, content_type="application/json")
    assert response.status_code == 400 and "date" in response.json()
    assert (
        api(board)
        .post("/api/finance/expenditures/", {**body, "date": "2024-12-31"}, content_type="application/json")
        .status_code
        == 201
    )


def test_meal_rule_api_refuses_shares_that_do_not_add_up(world: World, board: User) -> None:
    body = {
        "code": "summer_camp",
        "name": "Vasaras nometne",
        "valid_from": "2024-06-01",
        "price_per_day": "3.000",
        "state_per_day": "1.000",
        "municipal_per_day": "1.000",
    }
    refused = api(board).post("/api/finance/meal-rules/", body, content_type="application/json")
    assert refused.status_code == 400 and "price_per_day" in refused.json()
    accepted = api(board).post(
        "/api/finance/meal-rules/", {**body, "municipal_per_day": "2.000"}, content_type="application/json"
    )
    assert accepted.status_code == 201


def test_months_of_may_meals_do_not_change_when_a_rule_ending_in_june_is_shortened_to_may(
    meals: MealWorld, board: User
) -> None:
    """Changing a rule's period through the API changes only the days inside the change."""
    rule = meals.rules["grades_1_4_lunch"]
    client = api(board)
    before = client.get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "2024-05"}).json()
    changed = client.patch(
        f"/api/finance/meal-rules/{rule.pk}/",
        {"valid_until": "2024-05-31", "version": 1},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    after = client.get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": "2024-05"}).json()
    assert after == before
    shortened = client.patch(
        f"/api/finance/meal-rules/{rule.pk}/",
        {"valid_until": "2024-05-17", "version": 2},
        content_type="application/json",
    )
    assert shortened.status_code == 200
    may = client.get("/api/finance/meal-compensation/", {"institution": SCHOOL, "month": MAY.strftime("%Y-%m")}).json()
    lunch_days = {line["name"]: line["days"] for line in may["lines"] if line["rule"] == "grades_1_4_lunch"}
    assert lunch_days == {"Otrā Anna": 11, "Divskolu Toms": 3}  # school days up to 17 May: 11; from 15 May: 3
    assert date(2024, 5, 17).weekday() == 4


@pytest.mark.parametrize(
    "url",
    [
        "/finance/allocations/",
        "/finance/expenditures/",
        "/finance/settlements/lines/",
        f"/finance/?as_of={MONEY_AS_OF:%Y-%m-%d}",
    ],
)
def test_finance_list_pages_make_the_same_number_of_queries_for_more_rows(
    world: World, analyst: User, signed_in: Callable[[User], Client], url: str
) -> None:
    client = signed_in(analyst)
    client.get(url)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    base = world.money.base
    for purpose in ("teaching_aids", "meals", "salaries", "other"):
        for source in ("state", "municipal", "erasmus"):
            extra = allocation(base, amount="10.00", source=source, purpose=purpose, institution=base.other_school)
            spend(extra, date(2024, 3, 1), "1.00", f"X-{purpose}-{source}")
    SettlementLine.objects.bulk_create(
        [
            SettlementLine(
                board=line.board,
                municipality=line.municipality,
                direction=line.direction,
                level=line.level,
                period_start=line.period_start,
                period_end=line.period_end,
                learners=line.learners + 1,
                months=line.months,
                monthly_cost=line.monthly_cost,
            )
            for line in SettlementLine.objects.all()
        ]
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

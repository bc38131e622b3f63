"""Catering contracts (seed 002's meal procurement): recorded by the board through the API, read by the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.finance.models import CateringContract
from eduboard.finance.selectors import catering_in_force
from eduboard.registry.boards import Board

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
URL = "/api/finance/catering-contracts/"


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=user, name='tests')[1]}")


def test_the_board_records_a_procurement_and_a_head_only_reads_it(make_user: Callable[..., User]) -> None:
    board = api(make_user(Role.BOARD_ADMIN))
    answer = board.post(
        URL,
        {
            "serves": "preschools",
            "status": "planned",
            "decided_on": "2024-07-15",
            "years": 3,
            "total_amount": "14480941.00",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    stored = CateringContract.objects.get()
    assert (stored.years, stored.total_amount, stored.version) == (3, Decimal("14480941.00"), 1)
    head = api(make_user(Role.INSTITUTION_HEAD))
    assert head.get(URL).json()["results"][0]["total_amount"] == "14480941.00"
    refused = head.patch(f"{URL}{stored.pk}/", {"years": 5, "version": 1}, content_type="application/json")
    assert refused.status_code == 403
    assert CateringContract.objects.get().years == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("years", 0), ("years", 11), ("total_amount", "-1.00"), ("total_amount", "1000000000000.00"), ("serves", "x")],
)
def test_a_contract_out_of_bounds_is_refused_with_the_field_named(
    make_user: Callable[..., User], field: str, value: object
) -> None:
    body = {"serves": "general_schools", "status": "concluded", "decided_on": "2023-08-01", "years": 5, field: value}
    answer = api(make_user(Role.BOARD_ADMIN)).post(URL, body, content_type="application/json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not CateringContract.objects.exists()


def test_the_procurement_in_force_is_the_latest_planned_one_or_a_concluded_one_still_running() -> None:
    old = {"serves": "general_schools", "status": "concluded", "years": 5}
    CateringContract.objects.create(decided_on=date(2017, 8, 1), **old)
    CateringContract.objects.create(decided_on=date(2023, 8, 1), procedure="Atklāts konkurss", **old)
    CateringContract.objects.create(serves="preschools", status="planned", decided_on=date(2024, 7, 15), years=3)
    board = Board.objects.get()
    found = catering_in_force(as_of=date(2024, 8, 20), board=board)
    assert found["general_schools"]["decided_on"] == date(2023, 8, 1)
    assert found["general_schools"]["procedure"] == "Atklāts konkurss"
    assert found["preschools"]["status"] == "planned"
    assert catering_in_force(as_of=date(2024, 7, 1), board=board).keys() == {"general_schools"}  # not applied for yet
    assert catering_in_force(as_of=date(2028, 9, 1), board=board).keys() == {"preschools"}  # the 5 years have ended


PAGE = "/finance/catering/"


def test_the_board_records_contracts_on_the_page_and_sees_them_listed_and_exported(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    board = signed_in(make_user(Role.BOARD_ANALYST, is_superuser=True))
    empty = board.get(PAGE).content.decode()
    assert "No catering contracts match these filters." in empty
    answer = board.post(
        f"{PAGE}new/",
        {"serves": "preschools", "status": "planned", "decided_on": "2024-07-15", "years": "3",
         "total_amount": "14480941.00", "procedure": "=HYPERLINK(\"http://x\")"},
    )  # fmt: skip
    assert answer.status_code == 302
    listed = board.get(PAGE, {"status": "planned"}).content.decode()
    assert "14,480,941.00" in listed  # English in this test: grouped, two decimals
    assert "No catering contracts match these filters." in board.get(PAGE, {"status": "concluded"}).content.decode()
    exported = board.get(PAGE, {"export": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported  # a formula in a text is exported as text, not run by a spreadsheet
    assert "14480941" in exported


def test_an_edit_on_a_stale_copy_on_the_page_is_refused_and_the_other_edit_kept(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    contract = CateringContract.objects.create(
        serves="general_schools", status="concluded", decided_on=date(2023, 8, 1), years=5
    )
    board = signed_in(make_user(Role.BOARD_ADMIN))
    form = {"serves": "general_schools", "status": "concluded", "decided_on": "2023-08-01", "version": "1"}
    assert board.post(f"{PAGE}{contract.pk}/", {**form, "years": "4"}).status_code == 302
    stale = board.post(f"{PAGE}{contract.pk}/", {**form, "years": "6"})
    assert stale.status_code == 200
    assert "Someone else changed this record meanwhile" in stale.content.decode()
    assert CateringContract.objects.get().years == 4


def test_a_head_reads_the_contracts_but_cannot_open_the_form(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(Role.INSTITUTION_HEAD))
    assert head.get(PAGE).status_code == 200
    assert head.get(f"{PAGE}new/").status_code == 403
    assert head.post(f"{PAGE}new/", {"serves": "preschools", "status": "planned", "decided_on": "2024-07-15",
                                     "years": "3"}).status_code == 403  # fmt: skip
    assert not CateringContract.objects.exists()


def test_the_api_filters_contracts_as_the_page_does(make_user: Callable[..., User]) -> None:
    common = {"decided_on": date(2024, 7, 15), "years": 3, "total_amount": Decimal("14480941.00")}
    CateringContract.objects.create(serves="preschools", status="planned", **common)
    CateringContract.objects.create(serves="general_schools", status="concluded", **{**common, "years": 5})
    reader = api(make_user(Role.BOARD_ANALYST))
    concluded = reader.get(URL, {"status": "concluded"}).json()["results"]
    assert [(row["serves"], row["years"]) for row in concluded] == [("general_schools", 5)]
    assert reader.get(URL, {"serves": "preschools"}).json()["count"] == 1

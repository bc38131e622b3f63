"""Areas of the readiness report read on dates of their own, as seed 002 does: its preschool children "uz
20.08.2024.", its general schools' pupils and its vacancies "uz 19.08.2024.", its money "uz 14.08.2024."."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Enrolment
from eduboard.reports import services
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import render_report
from eduboard.reports.selectors import flatten_figures

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 8, 20)
SEED_DATES = {"general": date(2024, 8, 19), "staff": date(2024, 8, 19), "money": date(2024, 8, 14)}


def figures(content: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.value for key, entry in flatten_figures(content).items()}


def text_of(content: dict[str, Any], language: str = "lv") -> str:
    return render_report(content, {}, fmt="html", language=language).decode()


def pupil_leaving_on(day: date) -> None:
    """One pupil of a general school leaves on `day`: counted the day before, not on it."""
    enrolment = Enrolment.objects.filter(
        group__school_year__code="2024/2025", group__programme__level="basic", left_on__isnull=True
    ).earliest("pk")
    enrolment.left_on = day
    enrolment.save(update_fields=["left_on"])


def test_the_general_section_counts_its_pupils_on_its_own_date_and_the_preschool_section_on_the_reports(
    demo: None,
) -> None:
    pupil_leaving_on(AS_OF)
    on_report_date = figures(build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY))
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates={"general": date(2024, 8, 19)})
    own = figures(content)
    assert own["general.pupils"] == on_report_date["general.pupils"] + 1
    assert own["preschool.children"] == on_report_date["preschool.children"] == 3770
    assert content["dates"]["general"] == "2024-08-19"
    text = text_of(content)
    assert "Uz 19.08.2024. nākamajā mācību gadā" in text or "uz 19.08.2024." in text.lower()
    assert "20.08.2024." in text


def test_without_dates_of_their_own_the_money_is_dated_by_the_last_spending_and_the_rest_by_the_report(
    demo: None,
) -> None:
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)
    # Seed 002: "izlietojums uz 14.08.2024. sastāda EUR 172669,81": the demonstration's last payment up to the
    # report's date was made on 14.08.
    assert content["dates"] == {"general": "2024-08-20", "staff": "2024-08-20", "money": "2024-08-14"}
    assert "uz 14.08.2024. no tā izlietoti 172 669,81 EUR" in text_of(content).replace("\xa0", " ")


def test_the_money_on_a_date_of_its_own_counts_the_spending_up_to_that_day(demo: None) -> None:
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates={"money": date(2024, 8, 10)})
    text = text_of(content).replace("\xa0", " ")
    # The general schools' state teaching-aids money: 48 250,00 + 61 419,81 + 39 000,00 spent by 10.08 (the
    # 14.08 payment of 24 000,00 not yet).
    assert "uz 10.08.2024. no tā izlietoti 148 669,81 EUR" in text
    assert content["dates"]["money"] == "2024-08-10"


def test_the_vacancies_are_dated_by_the_staffs_date(demo: None) -> None:
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates={"staff": date(2024, 8, 19)})
    text = text_of(content, "en")
    assert "Open vacancies on 19.08.2024" in text
    assert "Open vacancies on 20.08.2024" not in text


@pytest.mark.parametrize(
    ("dates", "area", "words"),
    [
        ({"general": date(2024, 8, 21)}, "general", "after the report's date"),
        ({"staff": date(2024, 5, 1)}, "staff", "another school year"),
        ({"money": date(2023, 12, 31)}, "money", "another year"),
        ({"pupils": date(2024, 8, 19)}, "pupils", "no area"),
    ],
)
def test_a_wrong_area_date_is_refused_naming_the_area(
    demo: None, english: None, dates: dict[str, date], area: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.clean_dates(as_of=AS_OF, dates=dict(dates))
    assert words in " ".join(refused.value.message_dict[area])


@pytest.fixture
def board(demo: None, make_user: Callable[..., User]) -> User:
    return make_user(role=Role.BOARD_ANALYST, is_superuser=True)


def test_the_board_starts_an_edition_with_the_seeds_dates_and_they_are_kept_when_the_text_is_saved(
    board: User, signed_in: Callable[[User], Any], english: None
) -> None:
    client = signed_in(board)
    year = SchoolYear.objects.get(code="2024/2025")
    post = {"school_year": year.pk, "as_of": "2024-08-20", "title": ""}
    post.update({area: day.isoformat() for area, day in SEED_DATES.items()})
    response = client.post(reverse("reports:edition_list"), post)
    edition = ReportEdition.objects.get()
    assert response.status_code == 302
    assert edition.area_dates() == SEED_DATES
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "Pupils of general education: 19.08.2024" in page
    edit = client.get(reverse("reports:edition_edit", args=[edition.pk])).content.decode()
    assert 'value="2024-08-19"' in edit  # the form shows the stored dates


def test_a_wrong_date_on_the_page_is_shown_at_its_field_and_nothing_is_started(
    board: User, signed_in: Callable[[User], Any], english: None
) -> None:
    client = signed_in(board)
    year = SchoolYear.objects.get(code="2024/2025")
    response = client.post(
        reverse("reports:edition_list"),
        {"school_year": year.pk, "as_of": "2024-08-20", "money": "2024-08-30"},
    )
    assert response.status_code == 200
    assert "after the report&#x27;s date" in response.content.decode()
    assert response.context["form"].errors["money"]
    assert not ReportEdition.objects.exists()


def test_a_new_edition_from_a_published_one_keeps_its_dates(board: User) -> None:
    year = SchoolYear.objects.get(code="2024/2025")
    first = services.edition_create(school_year=year, as_of=AS_OF, viewer=board, dates=dict(SEED_DATES))
    published = services.edition_publish(edition_id=first.pk, version=first.version, viewer=board)
    assert published.content is not None
    assert published.content["dates"] == {area: day.isoformat() for area, day in SEED_DATES.items()}
    again = services.edition_start_from(source=published, viewer=board)
    assert again.area_dates() == SEED_DATES


def test_build_report_takes_the_seeds_dates_and_refuses_a_wrong_one(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    call_command(
        "build_report", "readiness", "--as-of", "2024-08-20", "--general-as-of", "2024-08-19",
        "--staff-as-of", "2024-08-19", "--money-as-of", "2024-08-14", "--format", "html", "--out", str(out),
        stderr=io.StringIO(),
    )  # fmt: skip
    assert "19.08.2024." in out.read_text()
    with pytest.raises(CommandError, match="--staff-as-of"):
        call_command(
            "build_report", "readiness", "--as-of", "2024-08-20", "--staff-as-of", "2024-08-21",
            "--format", "html", "--out", str(out), stderr=io.StringIO(),
        )  # fmt: skip


def test_the_api_takes_an_areas_date_and_names_a_wrong_one(board: User, english: None) -> None:
    client = APIClient()
    client.force_authenticate(board)
    ok = client.get("/api/reports/readiness/", {"as_of": "2024-08-20", "general_as_of": "2024-08-19"})
    assert ok.status_code == 200
    assert ok.json()["dates"]["general"] == "2024-08-19"
    bad = client.get("/api/reports/readiness/", {"as_of": "2024-08-20", "money_as_of": "2024-09-01"})
    assert bad.status_code == 400
    assert "money_as_of" in bad.json()


def test_allocations_to_single_institutions_are_summed_per_purpose_and_source_and_groups_kept(demo: None) -> None:
    """A country has thousands of institution allocations: the report sums them per purpose and source (the finance
    pages list them one by one); an allocation to a group of institutions keeps its own row, as seed 002 writes it."""
    from eduboard.finance.models import Allocation, Expenditure, FundingSource
    from eduboard.registry.models import Institution

    state = FundingSource.objects.get(code="state")
    preschools = list(Institution.objects.filter(type="preschool").order_by("registration_number")[:3])
    for number, preschool in enumerate(preschools):
        allocation = Allocation.objects.create(
            year=2024, institution=preschool, purpose="meals", source=state, amount=Decimal("1000.00")
        )
        Expenditure.objects.create(
            allocation=allocation, date=date(2024, 3, 1), document=f"M-{number}", amount=Decimal("100.50")
        )
    content = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)
    table = next(
        block
        for section in content["sections"]
        for block in section["blocks"]
        if block.get("key") == "preschool.allocations"
    )
    text = render_report(content, {}, fmt="html", language="lv").decode().replace("\xa0", " ")
    assert "3 iestādes" in text
    assert "3 000,00" in text and "301,50" in text  # allocated and spent, summed
    summed = [row for row in table["rows"] if isinstance(row[0], dict) and "pl" in row[0]]
    assert [(row[3], row[4]) for row in summed] == [("3000.00", "301.50")]  # one row for the three
    assert "visas pirmsskolas izglītības iestādes" in text  # the group's own allocations keep their rows

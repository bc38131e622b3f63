"""Projects (Erasmus+ and other funded projects): the money and date rules, a property of payments, the portfolio's
figures as of a date (selector, command and API alike), the four import kinds, the scope of a head of school, the
API's writes, the pages and their query counts, and the demonstration data of seeds 001–004."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.models import Asset
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.projects import rules, selectors, services
from eduboard.projects.choices import ensure_standard_programmes
from eduboard.projects.importers import IMPORTERS, MobilityImporter, PartnerImporter, ProjectImporter
from eduboard.projects.models import (
    Deadline,
    Mobility,
    Partner,
    Payment,
    Prefinancing,
    Project,
    ProjectProgramme,
    Tranche,
)
from eduboard.registry.models import Institution
from tests.board_wall_queries import WALL_QUERIES
from tests.demo_data import ReadDemo
from tests.imports_helpers import imported_counts, run_import_command, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = Decimal
SEED_001 = "2019-1-TR01-KA201-076605"
SEED_004 = "2011-1-LV1-LEO03-02109"
A_NUMBER, B_NUMBER = "9000000011", "9000000015"


# --- building blocks


@pytest.fixture(autouse=True)
def programmes(db: None) -> None:
    """The standard programmes (a migration writes them; a test that commits empties the tables)."""
    ensure_standard_programmes()


def make_project(
    reference: str,
    *,
    institutions: tuple[Institution, ...] = (),
    programme: str = "erasmus_ka2",
    start: date = date(2019, 10, 1),
    end: date = date(2021, 9, 30),
    status: str = "closed",
    grant: str = "14050.00",
    city_share: str | None = None,
    coordinator_country: str = "",
) -> Project:
    project = Project(
        reference=reference,
        title=f"Projekts {reference}",
        programme=ProjectProgramme.objects.get(code=programme),
        role="partner",
        coordinator="Koordinators" if coordinator_country else "",
        coordinator_country=coordinator_country,
        start_date=start,
        end_date=end,
        status=status,
        grant=D(grant),
        city_share=D(city_share if city_share is not None else grant),
    )
    return services.project_save(project=project, viewer=WHOLE_CITY, institutions=list(institutions))


def pay(project: Project, day: date, amount: str) -> Payment:
    return services.payment_record(project=project, received_on=day, amount=D(amount), viewer=WHOLE_CITY)


def mobility(
    project: Project,
    start: date,
    end: date,
    *,
    direction: str = "outgoing",
    people: int = 5,
    city: str = "Ankara",
    country: str = "TR",
    status: str = "done",
) -> Mobility:
    return services.mobility_save(
        mobility=Mobility(
            project=project,
            direction=direction,
            from_date=start,
            to_date=end,
            host_city=city,
            host_country=country,
            participants=people,
            flow="staff_training",
            status=status,
        )
    )


def partner(project: Project, organisation: str, country: str) -> Partner:
    return services.partner_save(partner=Partner(project=project, organisation=organisation, country=country))


def prefinance(
    project: Project, paid_on: date, amount: str, returned_on: date | None = None, returned: str = "0"
) -> Prefinancing:
    return services.prefinancing_save(
        prefinancing=Prefinancing(
            project=project, paid_on=paid_on, amount=D(amount), returned_on=returned_on, returned_amount=D(returned)
        )
    )


def twenty_percent_plan(first: date = date(2019, 11, 15)) -> list[services.PlannedTranche]:
    return [services.PlannedTranche(first + timedelta(days=90 * n), share_percent=D("20")) for n in range(5)]


def shown(html: str, element_id: str) -> Decimal:
    """The amount a page shows in the element `element_id` (whatever the language's decimal separator)."""
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, f"no #{element_id} on the page"
    text = match.group(1).replace("EUR", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    return D(text)


# --- 1. the rules: tranches


def test_five_tranches_of_twenty_percent_of_14050_are_2810_each(school_a: Institution) -> None:
    project = make_project(SEED_001)
    tranches = services.tranche_plan_set(project=project, tranches=twenty_percent_plan(), version=1, viewer=WHOLE_CITY)
    assert [(t.share_percent, t.amount) for t in tranches] == [(D("20"), D("2810.00"))] * 5
    stored = list(Tranche.objects.filter(project=project).values_list("share_percent", "amount"))
    assert stored == [(D("20.00"), D("2810.00"))] * 5
    assert Project.objects.get(pk=project.pk).version == 2  # the plan is an edit of the project


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        ([("20", None)] * 4, "100 %"),  # 80 %
        ([("20", None)] * 4 + [("25", None)], "100 %"),  # 105 %
        ([(None, "2810.00")] * 4 + [(None, "2000.00")], "14050.00"),  # amounts add up to 13240.00
        ([(None, "2810.00")] * 4 + [(None, "2810.01")], "14050.00"),  # one cent too many
    ],
    ids=["shares-80", "shares-105", "amounts-short", "amounts-a-cent-over"],
)
def test_a_tranche_plan_not_adding_up_to_100_percent_and_the_city_share_is_refused(
    plan: list[tuple[str | None, str | None]], reason: str
) -> None:
    project = make_project(SEED_001)
    tranches = [
        services.PlannedTranche(
            date(2020, 1, 1) + timedelta(days=30 * n),
            share_percent=D(share) if share else None,
            amount=D(amount) if amount else None,
        )
        for n, (share, amount) in enumerate(plan)
    ]
    with pytest.raises(ValidationError) as refused:
        services.tranche_plan_set(project=project, tranches=tranches, version=1, viewer=WHOLE_CITY)
    assert reason in " ".join(refused.value.messages)
    assert not Tranche.objects.exists()
    assert Project.objects.get(pk=project.pk).version == 1


def test_a_share_alone_gives_the_amount_and_an_amount_alone_gives_the_share() -> None:
    share = D("14050.00")
    assert rules.tranche_values(city_share=share, share_percent=D("20"), amount=None) == (D("20"), D("2810.00"))
    assert rules.tranche_values(city_share=share, share_percent=None, amount=D("2810.00")) == (
        D("20.00"),
        D("2810.00"),
    )
    assert rules.tranche_values(city_share=share, share_percent=D("20"), amount=D("2810.00")) == (
        D("20"),
        D("2810.00"),
    )
    with pytest.raises(ValueError, match=r"2810\.00"):  # both given and disagreeing
        rules.tranche_values(city_share=share, share_percent=D("20"), amount=D("3000.00"))
    with pytest.raises(ValueError):  # neither given
        rules.tranche_values(city_share=share, share_percent=None, amount=None)


def test_a_plan_mixing_shares_and_amounts_is_filled_in_both_ways() -> None:
    project = make_project("MIX-1", grant="1000.00")
    plan = [
        services.PlannedTranche(date(2020, 1, 1), share_percent=D("25")),
        services.PlannedTranche(date(2020, 6, 1), amount=D("750.00")),
    ]
    tranches = services.tranche_plan_set(project=project, tranches=plan, version=1, viewer=WHOLE_CITY)
    assert [(t.share_percent, t.amount) for t in tranches] == [(D("25"), D("250.00")), (D("75.00"), D("750.00"))]


# --- 1. the rules: payments


def test_a_payment_cannot_exceed_what_is_still_due() -> None:
    project = make_project(SEED_001)  # city's share 14050.00
    pay(project, date(2020, 1, 10), "14000.00")
    with pytest.raises(ValidationError) as refused:
        pay(project, date(2020, 2, 10), "50.01")
    assert "50.00" in " ".join(refused.value.messages)  # names what is still due
    pay(project, date(2020, 2, 10), "50.00")  # exactly what is due
    with pytest.raises(ValidationError):
        pay(project, date(2020, 3, 10), "0.01")  # nothing is due any more
    assert selectors.received_total(project) == D("14050.00")
    assert Payment.objects.filter(project=project).count() == 2


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_a_payment_is_more_than_zero(amount: str) -> None:
    project = make_project(SEED_001)
    with pytest.raises(ValidationError):
        pay(project, date(2020, 1, 10), amount)
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (date(2019, 9, 30), False),  # the day before the start
        (date(2019, 10, 1), True),  # the start
        (date(2021, 9, 30), True),  # the end
        (date(2022, 9, 30), True),  # exactly 12 months after the end
        (date(2022, 10, 1), False),  # a day later
    ],
)
def test_a_payment_is_received_between_the_start_and_12_months_after_the_end(day: date, accepted: bool) -> None:
    project = make_project(SEED_001, start=date(2019, 10, 1), end=date(2021, 9, 30))
    if accepted:
        pay(project, day, "100.00")
        assert Payment.objects.get().received_on == day
    else:
        with pytest.raises(ValidationError) as refused:
            pay(project, day, "100.00")
        assert "2022-09-30" in " ".join(refused.value.messages)
        assert not Payment.objects.exists()


def test_12_months_after_an_end_on_29_february_is_28_february() -> None:
    assert rules.last_payment_day(date(2024, 2, 29)) == date(2025, 2, 28)
    assert rules.last_payment_day(date(2021, 9, 30)) == date(2022, 9, 30)
    project = make_project("LEAP-1", start=date(2023, 3, 1), end=date(2024, 2, 29))
    pay(project, date(2025, 2, 28), "10.00")
    with pytest.raises(ValidationError):
        pay(project, date(2025, 3, 1), "10.00")


def test_a_payment_for_another_projects_tranche_is_refused() -> None:
    first, second = make_project("P-1"), make_project("P-2")
    tranche = services.tranche_plan_set(project=first, tranches=twenty_percent_plan(), version=1, viewer=WHOLE_CITY)[0]
    with pytest.raises(ValidationError):
        services.payment_record(
            project=second, tranche=tranche, received_on=date(2020, 1, 1), amount=D("10.00"), viewer=WHOLE_CITY
        )
    assert not Payment.objects.exists()


# --- 1. the rules: mobilities and prefinancing


@pytest.mark.parametrize(
    ("start", "end", "fits"),
    [
        (date(2019, 10, 1), date(2019, 10, 5), True),  # from the first day
        (date(2021, 9, 25), date(2021, 9, 30), True),  # to the last day
        (date(2019, 9, 30), date(2019, 10, 4), False),  # starts a day early
        (date(2021, 9, 27), date(2021, 10, 1), False),  # ends a day late
        (date(2020, 5, 10), date(2020, 5, 9), False),  # ends before it starts
    ],
)
def test_a_mobility_lies_within_the_projects_dates(start: date, end: date, fits: bool) -> None:
    project = make_project(SEED_001, start=date(2019, 10, 1), end=date(2021, 9, 30))
    if fits:
        mobility(project, start, end)
        assert Mobility.objects.count() == 1
    else:
        with pytest.raises(ValidationError):
            mobility(project, start, end)
        assert not Mobility.objects.exists()


def test_prefinancing_outstanding_is_what_the_city_paid_less_what_was_returned() -> None:
    project = make_project(SEED_001)
    prefinance(project, date(2019, 10, 15), "2810.00", returned_on=date(2022, 2, 15), returned="1000.00")
    prefinance(project, date(2020, 3, 1), "500.00")

    def outstanding(day: date) -> Decimal:
        return selectors.projects_stats.uncached(as_of=day, visible_to=WHOLE_CITY)["prefinancing_outstanding"]

    assert outstanding(date(2019, 10, 14)) == D("0.00")  # nothing paid yet
    assert outstanding(date(2019, 10, 15)) == D("2810.00")
    assert outstanding(date(2021, 12, 31)) == D("3310.00")
    assert outstanding(date(2022, 2, 15)) == D("2310.00")  # 3310.00 paid less 1000.00 returned
    assert rules.prefinancing_outstanding(paid=D("3310.00"), returned=D("1000.00")) == D("2310.00")
    budget = selectors.project_budget(project=project, as_of=date(2023, 1, 1))
    assert (budget.prefinancing_paid, budget.prefinancing_returned) == (D("3310.00"), D("1000.00"))
    assert budget.prefinancing_outstanding == D("2310.00")


def test_prefinancing_returned_without_an_amount_is_returned_whole() -> None:
    project = make_project(SEED_001)
    row = prefinance(project, date(2019, 10, 15), "2810.00", returned_on=date(2022, 2, 15))
    assert Prefinancing.objects.get(pk=row.pk).returned_amount == D("2810.00")
    assert selectors.projects_stats.uncached(as_of=date(2022, 3, 1), visible_to=WHOLE_CITY)[
        "prefinancing_outstanding"
    ] == D("0.00")


# --- 1. the rules hold when a project is edited afterwards


def test_an_edit_of_the_city_share_that_breaks_the_tranche_plan_is_refused() -> None:
    project = make_project(SEED_001)
    services.tranche_plan_set(project=project, tranches=twenty_percent_plan(), version=1, viewer=WHOLE_CITY)
    edited = Project.objects.get(pk=project.pk)
    edited.city_share = D("14000.00")
    with pytest.raises(ValidationError) as refused:
        services.project_save(project=edited, viewer=WHOLE_CITY)
    assert "city_share" in refused.value.message_dict
    assert Project.objects.get(pk=project.pk).city_share == D("14050.00")


def test_an_edit_of_the_dates_that_leaves_a_mobility_or_a_payment_outside_them_is_refused() -> None:
    project = make_project(SEED_001, start=date(2019, 10, 1), end=date(2021, 9, 30))
    mobility(project, date(2021, 6, 7), date(2021, 6, 11))
    edited = Project.objects.get(pk=project.pk)
    edited.end_date = date(2021, 5, 31)
    with pytest.raises(ValidationError) as refused:
        services.project_save(project=edited, viewer=WHOLE_CITY)
    assert "end_date" in refused.value.message_dict
    Mobility.objects.all().delete()
    pay(project, date(2022, 5, 1), "100.00")  # within 12 months of the end 2021-09-30
    edited = Project.objects.get(pk=project.pk)
    edited.end_date = date(2021, 4, 30)  # the payment would come more than 12 months after the end
    with pytest.raises(ValidationError) as refused:
        services.project_save(project=edited, viewer=WHOLE_CITY)
    assert "end_date" in refused.value.message_dict
    assert Project.objects.get(pk=project.pk).end_date == date(2021, 9, 30)


def test_the_city_share_cannot_be_lowered_below_what_was_received(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """What is still due (the city's share less what was received) never turns negative: the import refuses such an
    edit (`row N, column city_share`), and so must the service behind the pages and the API."""
    project = make_project(SEED_001)  # no tranche plan yet
    pay(project, date(2020, 1, 10), "10000.00")
    edited = Project.objects.get(pk=project.pk)
    edited.city_share = D("5000.00")
    with pytest.raises(ValidationError):
        services.project_save(project=edited, viewer=WHOLE_CITY)
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    version = Project.objects.get(pk=project.pk).version
    answer = board.patch(
        f"/api/projects/projects/{project.pk}/",
        {"city_share": "5000.00", "version": version},
        content_type="application/json",
    )
    assert answer.status_code == 400
    budget = selectors.project_budget(project=Project.objects.get(pk=project.pk), as_of=date(2030, 1, 1))
    assert budget.due >= 0


def test_a_tranche_with_payments_keeps_its_due_date_in_a_new_plan() -> None:
    project = make_project(SEED_001)
    first = services.tranche_plan_set(project=project, tranches=twenty_percent_plan(), version=1, viewer=WHOLE_CITY)[0]
    services.payment_record(
        project=project, tranche=first, received_on=date(2019, 11, 20), amount=D("2810.00"), viewer=WHOLE_CITY
    )
    version = Project.objects.get(pk=project.pk).version
    without_it = [services.PlannedTranche(date(2020, 6, 30), share_percent=D("100"))]
    with pytest.raises(ValidationError) as refused:
        services.tranche_plan_set(project=project, tranches=without_it, version=version, viewer=WHOLE_CITY)
    assert "15.11.2019." in " ".join(refused.value.messages)
    assert Tranche.objects.filter(project=project).count() == 5
    kept = [
        services.PlannedTranche(date(2019, 11, 15), share_percent=D("20")),
        services.PlannedTranche(date(2020, 6, 30), share_percent=D("80")),
    ]
    services.tranche_plan_set(project=project, tranches=kept, version=version, viewer=WHOLE_CITY)
    assert Payment.objects.get().tranche == Tranche.objects.get(due_on=date(2019, 11, 15))
    assert Tranche.objects.filter(project=project).count() == 2


# --- 2. a property: received and due always add up to the city's share

PROPERTY_START, PROPERTY_END = date(2024, 1, 1), date(2024, 12, 31)
LAST_PAYMENT_DAY = date(2025, 12, 31)


def cents(n: int) -> Decimal:
    return D(n).scaleb(-2)


@st.composite
def shares_and_payments(draw: st.DrawFn) -> tuple[Decimal, list[tuple[Decimal | None, date]]]:
    """A city's share S with 2 places and up to 8 payments: an amount (None: exactly what is still due then), some
    of them zero, negative, above what is due, or received outside the project's dates."""
    share = draw(st.integers(min_value=0, max_value=5_000_000))
    amount = st.one_of(
        st.none(),
        st.integers(min_value=-200, max_value=share + 200).map(cents),
        st.integers(min_value=1, max_value=max(share // 3, 1)).map(cents),
    )
    day = st.dates(min_value=PROPERTY_START - timedelta(days=20), max_value=LAST_PAYMENT_DAY + timedelta(days=20))
    payments = draw(st.lists(st.tuples(amount, day), max_size=8))
    return cents(share), payments


def test_received_and_due_add_up_to_the_city_share_whatever_payments_are_recorded() -> None:
    programme = ProjectProgramme.objects.get(code="erasmus_ka2")

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=shares_and_payments())
    def check(case: tuple[Decimal, list[tuple[Decimal | None, date]]]) -> None:
        share, payments = case
        with transaction.atomic():
            project = Project.objects.create(
                reference="PROPERTY-1",
                title="Īpašības projekts",
                programme=programme,
                role="coordinator",
                start_date=PROPERTY_START,
                end_date=PROPERTY_END,
                status="running",
                grant=share + D("100.00"),
                city_share=share,
            )
            received = D("0.00")
            for amount, day in payments:
                amount = share - received if amount is None else amount
                try:
                    services.payment_record(project=project, received_on=day, amount=amount, viewer=WHOLE_CITY)
                except ValidationError:
                    accepted = False
                else:
                    accepted = True
                # the rules, said once more: more than zero, at most what is due, within the dates
                assert accepted == (0 < amount <= share - received and PROPERTY_START <= day <= LAST_PAYMENT_DAY)
                if accepted:
                    received += amount
            budget = selectors.project_budget(project=project, as_of=date(2030, 1, 1))
            assert budget.received + budget.due == share
            assert budget.due >= 0
            assert budget.received == received
            transaction.set_rollback(True)

    check()


# --- 3. the portfolio's figures as of a date

AS_OF = date(2024, 9, 30)


@dataclass
class Portfolio:
    school_a: Institution
    school_b: Institution
    running: Project  # A: erasmus_ka2, running on the date
    closed_long_ago: Project  # B: esf, closed
    rejected: Project  # the board's: rejected
    planned: Project  # A: cerv, starts after the date
    closed_now: Project  # B: erasmus_ka2, closed although its dates cover the date


@pytest.fixture
def portfolio(school_a: Institution, school_b: Institution) -> Portfolio:
    """Five projects whose figures on 30 September 2024 are worked out by hand in EXPECTED."""
    running = make_project(
        "RUN-1", institutions=(school_a,), start=date(2024, 1, 1), end=date(2025, 12, 31), status="running",
        grant="10000.00", city_share="8000.00", coordinator_country="TR",
    )  # fmt: skip
    for name, country in (("Partneris PL", "PL"), ("Partneris LV", "LV"), ("Otrs partneris TR", "TR")):
        partner(running, name, country)
    pay(running, date(2024, 3, 1), "3000.00")
    pay(running, date(2024, 11, 1), "1000.00")  # after the date
    mobility(running, date(2024, 5, 1), date(2024, 5, 5), people=5)
    mobility(running, date(2024, 6, 1), date(2024, 6, 5), direction="incoming", people=10, city="Daugavpils",
             country="LV", status="planned")  # fmt: skip
    mobility(running, date(2024, 7, 1), date(2024, 7, 5), people=3, city="Roma", country="IT", status="cancelled")
    mobility(running, date(2024, 12, 1), date(2024, 12, 5), people=4, city="Rzeszów", country="PL")  # after
    prefinance(running, date(2024, 2, 1), "1500.00", returned_on=date(2024, 8, 1), returned="500.00")
    prefinance(running, date(2024, 10, 15), "700.00")  # after the date

    closed_long_ago = make_project(
        "ESF-1", institutions=(school_b,), programme="esf", start=date(2020, 1, 1), end=date(2022, 12, 31),
        status="closed", grant="5000.00", coordinator_country="LV",
    )  # fmt: skip
    partner(closed_long_ago, "Partneris PL 2", "PL")
    pay(closed_long_ago, date(2021, 1, 1), "2000.00")
    prefinance(closed_long_ago, date(2020, 2, 1), "1000.00", returned_on=date(2023, 1, 10))
    mobility(closed_long_ago, date(2021, 3, 1), date(2021, 3, 5), people=2, city="Rzeszów", country="PL")

    rejected = make_project(
        "REJ-1", programme="erasmus_ka2", start=date(2023, 1, 1), end=date(2023, 6, 30), status="rejected",
        grant="7000.00", coordinator_country="IT",
    )  # fmt: skip
    partner(rejected, "Partneris ES", "ES")

    planned = make_project(
        "CERV-1", institutions=(school_a,), programme="cerv", start=date(2025, 1, 1), end=date(2025, 12, 31),
        status="planned", grant="2000.00",
    )  # fmt: skip

    closed_now = make_project(
        "KA2-CLOSED", institutions=(school_b,), start=date(2024, 1, 1), end=date(2024, 12, 31), status="closed",
        grant="3000.00", coordinator_country="LV",
    )  # fmt: skip
    partner(closed_now, "Partneris DE", "DE")
    pay(closed_now, date(2024, 6, 1), "1000.00")
    pay(closed_now, date(2025, 2, 1), "500.00")  # after the date, within 12 months of the end
    return Portfolio(school_a, school_b, running, closed_long_ago, rejected, planned, closed_now)


EXPECTED: dict[str, Any] = {
    "as_of": "2024-09-30",
    "projects_by_status": {"planned": 1, "submitted": 0, "approved": 0, "running": 1, "closed": 2, "rejected": 1},
    "projects_by_programme": {
        "cerv": {"count": 1, "grant_total": D("2000.00")},
        "erasmus_ka2": {"count": 3, "grant_total": D("20000.00")},  # 10000 + 7000 + 3000
        "esf": {"count": 1, "grant_total": D("5000.00")},
    },
    "running_grant_total": D("10000.00"),  # RUN-1 only: KA2-CLOSED is closed, the others outside their dates
    "received_total": D("6000.00"),  # 3000 + 2000 + 1000 received by the date
    "due_total": D("10000.00"),  # (8000 + 5000 + 3000) of RUN-1, ESF-1 and KA2-CLOSED less their 6000 received
    "prefinancing_outstanding": D("1000.00"),  # paid 1500 + 1000, returned 500 + 1000
    "mobilities": {"outgoing": 2, "incoming": 1, "participants": 17},  # 5 + 10 + 2; cancelled and later left out
    "partner_countries": {"LV": 3, "PL": 2, "DE": 1, "TR": 1},  # TR twice in RUN-1 counts once; REJ-1 left out
}

# Head of school A: RUN-1 and CERV-1.
EXPECTED_A: dict[str, Any] = {
    "as_of": "2024-09-30",
    "projects_by_status": {"planned": 1, "submitted": 0, "approved": 0, "running": 1, "closed": 0, "rejected": 0},
    "projects_by_programme": {
        "cerv": {"count": 1, "grant_total": D("2000.00")},
        "erasmus_ka2": {"count": 1, "grant_total": D("10000.00")},
    },
    "running_grant_total": D("10000.00"),
    "received_total": D("3000.00"),
    "due_total": D("5000.00"),
    "prefinancing_outstanding": D("1000.00"),
    "mobilities": {"outgoing": 1, "incoming": 1, "participants": 15},
    "partner_countries": {"LV": 1, "PL": 1, "TR": 1},
}


def test_the_portfolios_figures_on_a_date_are_those_worked_out_by_hand(portfolio: Portfolio) -> None:
    stats = selectors.projects_stats.uncached(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert set(stats) == set(EXPECTED)
    for key, value in EXPECTED.items():
        assert stats[key] == value, key
    assert list(stats["partner_countries"]) == ["LV", "PL", "DE", "TR"]  # most projects first, then by code
    # money with two places
    for key in ("running_grant_total", "received_total", "due_total", "prefinancing_outstanding"):
        assert stats[key].as_tuple().exponent == -2, key


def test_the_figures_move_with_the_date(portfolio: Portfolio) -> None:
    later = selectors.projects_stats.uncached(as_of=date(2025, 3, 1), visible_to=WHOLE_CITY)
    # RUN-1 and CERV-1 run on 1 March 2025 (a planned project between its dates counts as running)
    assert later["running_grant_total"] == D("12000.00")
    assert later["received_total"] == D("7500.00")  # + 1000 (RUN-1) + 500 (KA2-CLOSED)
    # owed: RUN-1 8000, CERV-1 2000, ESF-1 5000, KA2-CLOSED 3000 = 18000, less 7500 received
    assert later["due_total"] == D("10500.00")
    assert later["prefinancing_outstanding"] == D("1700.00")
    assert later["mobilities"] == {"outgoing": 3, "incoming": 1, "participants": 21}
    before = selectors.projects_stats.uncached(as_of=date(2019, 1, 1), visible_to=WHOLE_CITY)
    assert (before["received_total"], before["due_total"], before["running_grant_total"]) == (
        D("0.00"),
        D("8000.00"),  # the closed projects' shares: KA2-CLOSED 3000 and ESF-1 5000
        D("0.00"),
    )
    assert before["mobilities"] == {"outgoing": 0, "incoming": 0, "participants": 0}


def test_the_command_and_the_api_print_the_same_figures(
    portfolio: Portfolio, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    out = StringIO()
    call_command("projects_stats", "--as-of", "2024-09-30", stdout=out)
    printed = json.loads(out.getvalue(), parse_float=Decimal)
    assert printed == EXPECTED
    assert '"due_total": 10000.00' in out.getvalue()  # exactly two places
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    answer = board.get("/api/projects/stats/", {"as_of": "2024-09-30"})
    assert answer.status_code == 200
    assert json.loads(answer.content, parse_float=Decimal) == printed
    # the cached selector answers as the uncached one
    assert selectors.projects_stats(as_of=AS_OF, visible_to=WHOLE_CITY) == selectors.projects_stats.uncached(
        as_of=AS_OF, visible_to=WHOLE_CITY
    )


def test_the_command_for_one_institution_gives_its_heads_figures(
    portfolio: Portfolio, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    out = StringIO()
    call_command("projects_stats", "--as-of", "2024-09-30", "--institution", A_NUMBER, stdout=out)
    printed = json.loads(out.getvalue(), parse_float=Decimal)
    assert printed == EXPECTED_A
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[portfolio.school_a]))
    scoped = head.get("/api/projects/stats/", {"as_of": "2024-09-30"})
    assert json.loads(scoped.content, parse_float=Decimal) == EXPECTED_A
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    one = board.get("/api/projects/stats/", {"as_of": "2024-09-30", "institution": A_NUMBER})
    assert json.loads(one.content, parse_float=Decimal) == EXPECTED_A
    # a head cannot ask for another school's figures
    other = head.get("/api/projects/stats/", {"as_of": "2024-09-30", "institution": B_NUMBER})
    assert other.status_code == 400 and "institution" in other.json()


def test_the_command_refuses_an_unknown_institution_and_a_bad_date(portfolio: Portfolio) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("projects_stats", "--as-of", "2024-09-30", "--institution", "1234567890", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("projects_stats", "--as-of", "30.09.2024", stdout=StringIO(), stderr=StringIO())


# --- 4. imports

PROJECTS_HEADER = [
    "reference", "title", "programme", "role", "coordinator", "coordinator_country", "start_date", "end_date",
    "status", "grant", "city_share", "institutions",
]  # fmt: skip
PARTNERS_HEADER = ["reference", "organisation", "country", "role"]
TRANCHES_HEADER = ["reference", "due_date", "share_percent", "amount", "received_on", "received_amount"]
MOBILITIES_HEADER = [
    "reference", "direction", "from_date", "to_date", "host_city", "host_country", "participants", "flow",
]  # fmt: skip
HEADERS = {
    "projects": PROJECTS_HEADER,
    "partners": PARTNERS_HEADER,
    "tranches": TRANCHES_HEADER,
    "mobilities": MOBILITIES_HEADER,
}

PROJECT_ROWS = [
    [SEED_001, "Inovācijas un transformācijas izglītībā", "erasmus_ka2", "partner", "Ankara İl Milli Eğitim",
     "TR", "2019-10-01", "2021-09-30", "closed", "14050.00", "", A_NUMBER],
    ["PRJ-2", "Kopīgs projekts", "esf", "coordinator", "", "", "2024-01-01", "2025-12-31", "running", "5000.00",
     "4000.00", f"{A_NUMBER};{B_NUMBER}"],
]  # fmt: skip
PARTNER_ROWS = [
    [SEED_001, "Uniwersytet Rzeszowski", "PL", "partner"],
    [SEED_001, "Ankara İl Milli Eğitim", "TR", "coordinator"],
    ["PRJ-2", "Partneris Spānijā", "ES", ""],
]
TRANCHE_ROWS = [
    [SEED_001, "2019-11-15", "20", "", "2019-11-20", ""],
    [SEED_001, "2020-06-30", "20", "2810.00", "2020-07-01", "2810.00"],
    [SEED_001, "2021-01-29", "", "2810.00", "", ""],
    [SEED_001, "2021-09-30", "20", "", "", ""],
    [SEED_001, "2021-12-20", "20", "", "", ""],
    ["PRJ-2", "2024-03-01", "50", "", "2024-03-05", "2000.00"],
    ["PRJ-2", "2025-03-01", "", "2000.00", "", ""],
]
MOBILITY_ROWS = [
    [SEED_001, "outgoing", "2019-11-18", "2019-11-22", "Ankara", "TR", "5", "staff_training"],
    [SEED_001, "outgoing", "2020-02-10", "2020-02-14", "Rzeszów", "PL", "5", "staff_training"],
    ["PRJ-2", "incoming", "2024-10-14", "2024-10-18", "Daugavpils", "LV", "35", "learners_exchange"],
]
GOOD_FILES = {"projects": PROJECT_ROWS, "partners": PARTNER_ROWS, "tranches": TRANCHE_ROWS, "mobilities": MOBILITY_ROWS}
MODELS = (Project, Partner, Tranche, Payment, Mobility)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def import_file(tmp_path: Path, kind: str, rows: list[list[str]], name: str | None = None) -> Any:
    path = write_csv(tmp_path / f"{name or kind}.csv", HEADERS[kind], rows)
    return run_import_command("import_projects", kind, str(path))


@pytest.fixture
def imported(school_a: Institution, school_b: Institution, tmp_path: Path) -> None:
    for kind, rows in GOOD_FILES.items():
        outcome = import_file(tmp_path, kind, rows)
        assert outcome.status == 0, outcome.err


def test_four_good_files_import(school_a: Institution, school_b: Institution, tmp_path: Path) -> None:
    for kind, rows in GOOD_FILES.items():
        outcome = import_file(tmp_path, kind, rows)
        assert outcome.status == 0, outcome.err
        assert imported_counts(outcome) == {"rows": len(rows), "created": len(rows), "updated": 0, "unchanged": 0}
    assert table_counts() == {"Project": 2, "Partner": 3, "Tranche": 7, "Payment": 3, "Mobility": 3}
    seed = Project.objects.get(reference=SEED_001)
    assert seed.city_share == D("14050.00")  # the grant, when the city's share is left empty
    assert set(seed.institutions.values_list("registration_number", flat=True)) == {A_NUMBER}
    shared = Project.objects.get(reference="PRJ-2")
    assert set(shared.institutions.values_list("registration_number", flat=True)) == {A_NUMBER, B_NUMBER}
    assert list(seed.tranches.values_list("share_percent", "amount")) == [(D("20.00"), D("2810.00"))] * 5
    assert list(shared.tranches.values_list("share_percent", "amount")) == [
        (D("50.00"), D("2000.00")),
        (D("50.00"), D("2000.00")),
    ]
    assert sorted(Payment.objects.values_list("project__reference", "received_on", "amount")) == [
        (SEED_001, date(2019, 11, 20), D("2810.00")),  # the tranche's amount when received_amount is empty
        (SEED_001, date(2020, 7, 1), D("2810.00")),
        ("PRJ-2", date(2024, 3, 5), D("2000.00")),
    ]
    assert Partner.objects.get(organisation="Partneris Spānijā").role == "partner"
    budget = selectors.project_budget(project=seed, as_of=date(2023, 1, 1))
    assert (budget.received, budget.due, budget.plan_problems) == (D("5620.00"), D("8430.00"), [])


def test_importing_the_same_files_again_changes_nothing(imported: None, tmp_path: Path) -> None:
    before = table_counts()
    versions = dict(Project.objects.values_list("reference", "version"))
    pks = {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in MODELS}
    for kind, rows in GOOD_FILES.items():
        outcome = import_file(tmp_path, kind, rows, name=f"{kind}-again")
        assert outcome.status == 0, outcome.err
        assert imported_counts(outcome) == {"rows": len(rows), "created": 0, "updated": 0, "unchanged": len(rows)}
    assert table_counts() == before
    assert dict(Project.objects.values_list("reference", "version")) == versions
    assert {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in MODELS} == pks


def test_a_changed_row_updates_the_project(imported: None, tmp_path: Path) -> None:
    rows = [list(row) for row in PROJECT_ROWS]
    rows[1][1] = "Kopīgs projekts (labots)"
    outcome = import_file(tmp_path, "projects", rows, name="projects-changed")
    assert imported_counts(outcome) == {"rows": 2, "created": 0, "updated": 1, "unchanged": 1}
    assert Project.objects.get(reference="PRJ-2").title == "Kopīgs projekts (labots)"


def test_a_projects_file_that_changes_the_city_share_under_a_tranche_plan_is_refused(
    imported: None, tmp_path: Path
) -> None:
    rows = [list(row) for row in PROJECT_ROWS]
    rows[1][10] = "3000.00"  # PRJ-2's tranches add up to 4000.00
    outcome = import_file(tmp_path, "projects", rows, name="projects-share")
    assert outcome.status == 1
    assert any(line.startswith("row 3, column city_share:") for line in outcome.error_lines), outcome.err
    assert Project.objects.get(reference="PRJ-2").city_share == D("4000.00")
    rows = [list(row) for row in PROJECT_ROWS]
    rows[0][6] = "2020-03-01"  # after the payment of 2019-11-20 and the mobilities of November 2019 and February 2020
    outcome = import_file(tmp_path, "projects", rows, name="projects-dates")
    assert outcome.status == 1
    assert any(line.startswith("row 2, column end_date:") for line in outcome.error_lines), outcome.err
    assert Project.objects.get(reference=SEED_001).start_date == date(2019, 10, 1)


BAD_FILES = [
    # (kind, rows, the error's row and column)
    (
        "projects",
        [PROJECT_ROWS[0], ["PRJ-3", "X", "erasmus_ka9", "partner", "", "", "2024-01-01", "2024-12-31", "running",
                           "100.00", "", A_NUMBER]],
        "row 3, column programme",
    ),
    (
        "projects",
        [PROJECT_ROWS[0], ["PRJ-3", "X", "esf", "partner", "Y", "XX", "2024-01-01", "2024-12-31", "running",
                           "100.00", "", A_NUMBER]],
        "row 3, column coordinator_country",
    ),
    (
        "projects",
        [PROJECT_ROWS[0], ["PRJ-3", "X", "esf", "partner", "", "", "2024-12-31", "2024-01-01", "running", "100.00",
                           "", A_NUMBER]],
        "row 3, column end_date",
    ),
    (
        "projects",
        [PROJECT_ROWS[0], ["PRJ-3", "X", "esf", "partner", "", "", "2024-01-01", "2024-12-31", "running", "100.00",
                           "100.01", A_NUMBER]],
        "row 3, column city_share",
    ),
    ("partners", [PARTNER_ROWS[0], [SEED_001, "Nekurienes skola", "XX", "partner"]], "row 3, column country"),
    ("partners", [PARTNER_ROWS[0], ["NO-SUCH-PROJECT", "Skola", "PL", "partner"]], "row 3, column reference"),
    ("tranches", TRANCHE_ROWS[:4], "row 5, column share_percent"),  # 4 × 20 % = 80 %
    ("tranches", TRANCHE_ROWS[:4], "row 5, column amount"),  # and 11240.00, not 14050.00
    (
        "tranches",
        [[SEED_001, "2019-11-15", "100", "", "2019-11-20", "14050.01"]],
        "row 2, column received_amount",  # more than the city's share
    ),
    (
        "tranches",
        [[SEED_001, "2019-11-15", "50", "", "2019-11-20", "8000.00"],
         [SEED_001, "2020-11-15", "50", "", "2020-11-20", "8000.00"]],
        "row 3, column received_amount",  # together more than the city's share
    ),
    (
        "tranches",
        [[SEED_001, "2019-11-15", "100", "", "2023-01-01", ""]],
        "row 2, column received_on",  # more than 12 months after the end
    ),
    ("tranches", [["NO-SUCH-PROJECT", "2019-11-15", "100", "", "", ""]], "row 2, column reference"),
    (
        "mobilities",
        [MOBILITY_ROWS[0], [SEED_001, "outgoing", "2019-09-28", "2019-10-02", "Roma", "IT", "4", "teaching"]],
        "row 3, column from_date",  # starts before the project
    ),
    (
        "mobilities",
        [MOBILITY_ROWS[0], [SEED_001, "outgoing", "2021-09-28", "2021-10-02", "Roma", "IT", "4", "teaching"]],
        "row 3, column to_date",  # ends after the project
    ),
    (
        "mobilities",
        [MOBILITY_ROWS[0], ["NO-SUCH-PROJECT", "outgoing", "2020-01-01", "2020-01-02", "Roma", "IT", "4", "teaching"]],
        "row 3, column reference",
    ),
    (
        "mobilities",
        [MOBILITY_ROWS[0], [SEED_001, "outgoing", "2020-01-01", "2020-01-02", "Roma", "XX", "4", "teaching"]],
        "row 3, column host_country",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "rows", "error"), BAD_FILES, ids=[f"{k}-{e}" for k, _r, e in BAD_FILES])
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_saved(
    school_a: Institution, school_b: Institution, tmp_path: Path, kind: str, rows: list[list[str]], error: str
) -> None:
    assert import_file(tmp_path, "projects", PROJECT_ROWS[:1], name="base").status == 0
    before = table_counts()
    outcome = import_file(tmp_path, kind, rows)
    assert outcome.status == 1
    assert any(line.startswith(f"{error}:") for line in outcome.error_lines), outcome.err
    assert "Traceback" not in outcome.err
    assert table_counts() == before


def test_the_template_of_each_kind_names_its_columns_and_an_example(tmp_path: Path) -> None:
    for kind, header in HEADERS.items():
        out, err = StringIO(), StringIO()
        call_command("import_projects", kind, "--template", stdout=out, stderr=err)
        lines = list(csv.reader(io.StringIO(out.getvalue())))
        assert lines[0] == header, kind
        assert len(lines[1]) == len(header) and lines[1][0] in (SEED_001, SEED_004), kind
        target = tmp_path / f"{kind}-template.csv"
        call_command("import_projects", kind, str(target), "--template", stdout=StringIO())
        assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(header)
        assert IMPORTERS[kind].columns == header


def test_the_projects_template_example_imports(school_a: Institution, tmp_path: Path) -> None:
    target = tmp_path / "projects.csv"
    call_command("import_projects", "projects", str(target), "--template", stdout=StringIO())
    outcome = run_import_command("import_projects", "projects", str(target))
    assert outcome.status == 0, outcome.err
    assert Project.objects.get(reference=SEED_001).grant == D("14050.00")


# --- 4. imports by a head of school


@pytest.fixture
def head_a(school_a: Institution, make_user: Callable[..., User]) -> User:
    return make_user(role=Role.INSTITUTION_HEAD, institutions=[school_a])


def test_a_head_imports_a_project_of_their_school(head_a: User, school_b: Institution, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PROJECTS_HEADER, PROJECT_ROWS[:1])
    assert ProjectImporter(viewer=head_a).run(path).created == 1
    assert Project.objects.visible_to(head_a).get().reference == SEED_001


def test_a_head_cannot_name_another_schools_institution_in_an_import(
    head_a: User, school_b: Institution, tmp_path: Path
) -> None:
    row = [*PROJECT_ROWS[0][:-1], B_NUMBER]
    with pytest.raises(ImportFailed) as failed:
        ProjectImporter(viewer=head_a).run(write_csv(tmp_path / "p.csv", PROJECTS_HEADER, [row]))
    assert "row 2, column institutions" in str(failed.value)
    both = [*PROJECT_ROWS[0][:-1], f"{A_NUMBER};{B_NUMBER}"]
    with pytest.raises(ImportFailed) as failed:
        ProjectImporter(viewer=head_a).run(write_csv(tmp_path / "p2.csv", PROJECTS_HEADER, [both]))
    assert "row 2, column institutions" in str(failed.value)
    nobody = [*PROJECT_ROWS[0][:-1], ""]
    with pytest.raises(ImportFailed) as failed:  # a head's project is one of their school's
        ProjectImporter(viewer=head_a).run(write_csv(tmp_path / "p3.csv", PROJECTS_HEADER, [nobody]))
    assert "row 2, column institutions" in str(failed.value)
    assert not Project.objects.exists()


def test_a_head_cannot_touch_another_schools_project_by_import(
    head_a: User, school_a: Institution, school_b: Institution, tmp_path: Path
) -> None:
    theirs = make_project(SEED_001, institutions=(school_b,))
    row = [*PROJECT_ROWS[0][:1], "Pārņemts", *PROJECT_ROWS[0][2:-1], A_NUMBER]
    with pytest.raises(ImportFailed) as failed:
        ProjectImporter(viewer=head_a).run(write_csv(tmp_path / "p.csv", PROJECTS_HEADER, [row]))
    assert "row 2, column reference" in str(failed.value)
    stored = Project.objects.get(pk=theirs.pk)
    assert stored.title == theirs.title and list(stored.institutions.all()) == [school_b]
    for importer, header, rows in (
        (PartnerImporter, PARTNERS_HEADER, PARTNER_ROWS[:1]),
        (MobilityImporter, MOBILITIES_HEADER, MOBILITY_ROWS[:1]),
        (IMPORTERS["tranches"], TRANCHES_HEADER, TRANCHE_ROWS[:5]),
    ):
        with pytest.raises(ImportFailed) as failed:
            importer(viewer=head_a).run(write_csv(tmp_path / f"{importer.kind}.csv", header, rows))
        assert "row 2, column reference" in str(failed.value), importer.kind
    assert table_counts() == {"Project": 1, "Partner": 0, "Tranche": 0, "Payment": 0, "Mobility": 0}
    # the board may
    assert PartnerImporter(viewer=WHOLE_CITY).run(tmp_path / "partners.csv").created == 1


# --- 5. scope: a head sees the projects of their school


@dataclass
class TwoSchools:
    school_a: Institution
    school_b: Institution
    ours: Project
    theirs: Project
    shared: Project


@pytest.fixture
def two_schools(school_a: Institution, school_b: Institution) -> TwoSchools:
    ours = make_project("OURS-A", institutions=(school_a,), status="running", start=date(2024, 1, 1),
                        end=date(2025, 12, 31), grant="1000.00")  # fmt: skip
    theirs = make_project("THEIRS-B", institutions=(school_b,), status="running", start=date(2024, 1, 1),
                          end=date(2025, 12, 31), grant="2000.00")  # fmt: skip
    shared = make_project("SHARED-AB", institutions=(school_a, school_b), status="closed", start=date(2022, 1, 1),
                          end=date(2023, 12, 31), grant="4000.00")  # fmt: skip
    board_own = make_project("BOARD-ONLY", status="closed", grant="8000.00")
    for project in (ours, theirs, shared, board_own):
        pay(project, project.start_date + timedelta(days=10), "100.00")
    for project in (ours, theirs):
        services.deadline_save(deadline=Deadline(project=project, title=f"Atskaite {project.reference}",
                                                 due_on=date(2024, 6, 30)))  # fmt: skip
    partner(theirs, "Suomen koulu", "FI")
    return TwoSchools(school_a, school_b, ours, theirs, shared)


def test_head_cannot_see_projects_of_other_schools(
    two_schools: TwoSchools, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[two_schools.school_a]))
    listing = head.get("/projects/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "OURS-A" in page and "SHARED-AB" in page
    assert "THEIRS-B" not in page and "BOARD-ONLY" not in page
    assert head.get(f"/projects/{two_schools.ours.pk}/").status_code == 200
    assert head.get(f"/projects/{two_schools.shared.pk}/").status_code == 200
    assert head.get(f"/projects/{two_schools.theirs.pk}/").status_code == 404
    answer = head.get("/api/projects/projects/").json()
    assert sorted(row["reference"] for row in answer["results"]) == ["OURS-A", "SHARED-AB"]
    assert head.get(f"/api/projects/projects/{two_schools.theirs.pk}/").status_code == 404
    payments = head.get("/api/projects/payments/").json()
    assert sorted(row["project"] for row in payments["results"]) == ["OURS-A", "SHARED-AB"]
    calendar = head.get("/projects/calendar/", {"date_from": "2024-01-01", "date_to": "2024-12-31"}).content.decode()
    assert "Atskaite OURS-A" in calendar and "Atskaite THEIRS-B" not in calendar
    countries = head.get("/projects/countries/").content.decode()
    assert "<td>FI</td>" not in countries


def test_the_board_sees_every_project(
    two_schools: TwoSchools, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    for role in (Role.BOARD_ADMIN, Role.BOARD_ANALYST):
        board = signed_in(make_user(role=role))
        page = board.get("/projects/").content.decode()
        assert all(reference in page for reference in ("OURS-A", "THEIRS-B", "SHARED-AB", "BOARD-ONLY")), role
        answer = board.get("/api/projects/projects/").json()
        assert sorted(row["reference"] for row in answer["results"]) == [
            "BOARD-ONLY",
            "OURS-A",
            "SHARED-AB",
            "THEIRS-B",
        ]
        assert board.get(f"/projects/{two_schools.theirs.pk}/").status_code == 200
        calendar = board.get("/projects/calendar/", {"date_from": "2024-01-01", "date_to": "2024-12-31"})
        assert "Atskaite THEIRS-B" in calendar.content.decode()
        assert "<td>FI</td>" in board.get("/projects/countries/").content.decode()


def test_a_heads_stats_count_only_their_projects(
    two_schools: TwoSchools, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[two_schools.school_a]))
    stats = head.get("/api/projects/stats/", {"as_of": "2024-06-30"}).json()
    assert sum(stats["projects_by_status"].values()) == 2
    assert stats["projects_by_status"]["running"] == 1 and stats["projects_by_status"]["closed"] == 1
    assert D(str(stats["received_total"])) == D("200.00")  # OURS-A and SHARED-AB
    assert D(str(stats["running_grant_total"])) == D("1000.00")
    board = signed_in(make_user(role=Role.BOARD_ANALYST))
    everything = board.get("/api/projects/stats/", {"as_of": "2024-06-30"}).json()
    assert sum(everything["projects_by_status"].values()) == 4
    assert D(str(everything["received_total"])) == D("400.00")


WRITES = [
    (
        "partners",
        {"organisation": "Partneris", "country": "PL", "role": "partner"},
        lambda: Partner.objects.count(),
    ),
    (
        "payments",
        {"received_on": "2024-06-01", "amount": "10.00"},
        lambda: Payment.objects.count(),
    ),
    (
        "mobilities",
        {"direction": "outgoing", "from_date": "2024-06-01", "to_date": "2024-06-05", "host_city": "Roma",
         "host_country": "IT", "participants": 3, "flow": "teaching"},
        lambda: Mobility.objects.count(),
    ),
    (
        "deadlines",
        {"title": "Atskaite", "due_on": "2024-12-01"},
        lambda: Deadline.objects.count(),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "count"), WRITES, ids=[w[0] for w in WRITES])
def test_a_head_cannot_write_to_another_schools_project_through_the_api(
    two_schools: TwoSchools,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    path: str,
    body: dict[str, Any],
    count: Callable[[], int],
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[two_schools.school_a]))
    before = count()
    foreign = head.post(f"/api/projects/{path}/", {**body, "project": "THEIRS-B"}, content_type="application/json")
    missing = head.post(f"/api/projects/{path}/", {**body, "project": "NO-SUCH"}, content_type="application/json")
    assert (foreign.status_code, missing.status_code) == (400, 400)
    assert "project" in foreign.json() and "project" in missing.json()
    # answered as if it did not exist
    assert [m.replace("THEIRS-B", "NO-SUCH") for m in foreign.json()["project"]] == missing.json()["project"]
    assert count() == before
    own = head.post(f"/api/projects/{path}/", {**body, "project": "OURS-A"}, content_type="application/json")
    assert own.status_code == 201, own.content
    assert count() == before + 1


def test_a_head_cannot_change_another_schools_project_through_the_api(
    two_schools: TwoSchools, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[two_schools.school_a]))
    theirs = two_schools.theirs
    answer = head.patch(
        f"/api/projects/projects/{theirs.pk}/", {"title": "Pārņemts", "version": 1}, content_type="application/json"
    )
    assert answer.status_code == 404
    plan = head.post(
        f"/api/projects/projects/{theirs.pk}/tranche-plan/",
        {"version": 1, "tranches": [{"due_on": "2024-06-01", "share_percent": "100"}]},
        content_type="application/json",
    )
    assert plan.status_code == 404
    created = head.post(
        "/api/projects/projects/",
        {"reference": "NEW-B", "title": "X", "programme": "esf", "role": "partner", "start_date": "2024-01-01",
         "end_date": "2024-12-31", "status": "planned", "grant": "10.00", "institutions": [B_NUMBER]},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 400 and "institutions" in created.json()
    assert Project.objects.get(pk=theirs.pk).title == theirs.title
    assert not Tranche.objects.exists() and not Project.objects.filter(reference="NEW-B").exists()


def test_a_heads_pages_for_another_schools_project_answer_404(
    two_schools: TwoSchools, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[two_schools.school_a]))
    pk = two_schools.theirs.pk
    for path in (f"/projects/{pk}/edit/", f"/projects/{pk}/tranches/", f"/projects/{pk}/mobilities/new/"):
        assert head.get(path).status_code == 404, path
    refused = head.post(f"/projects/{pk}/", {"received_on": "2024-06-01", "amount": "10.00"})
    assert refused.status_code == 404
    assert Payment.objects.filter(project=two_schools.theirs).count() == 1


# --- 6. the API's writes


@pytest.fixture
def board_api(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(role=Role.BOARD_ADMIN))


NEW_PROJECT = {
    "reference": SEED_001,
    "title": "Inovācijas un transformācijas izglītībā",
    "programme": "erasmus_ka2",
    "role": "partner",
    "coordinator": "Ankara",
    "coordinator_country": "TR",
    "start_date": "2019-10-01",
    "end_date": "2021-09-30",
    "status": "closed",
    "grant": "14050.00",
}


def test_a_project_created_through_the_api_gets_the_grant_as_the_city_share(board_api: Client) -> None:
    answer = board_api.post("/api/projects/projects/", NEW_PROJECT, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert D(answer.json()["city_share"]) == D("14050.00")
    assert Project.objects.get(reference=SEED_001).city_share == D("14050.00")
    smaller = board_api.post(
        "/api/projects/projects/",
        {**NEW_PROJECT, "reference": "SMALLER", "city_share": "5000.00"},
        content_type="application/json",
    )
    assert D(smaller.json()["city_share"]) == D("5000.00")
    too_big = board_api.post(
        "/api/projects/projects/",
        {**NEW_PROJECT, "reference": "TOO-BIG", "city_share": "14050.01"},
        content_type="application/json",
    )
    assert too_big.status_code == 400
    assert not Project.objects.filter(reference="TOO-BIG").exists()


def test_the_tranche_plan_is_set_through_the_api_and_a_stale_version_is_refused(board_api: Client) -> None:
    created = board_api.post("/api/projects/projects/", NEW_PROJECT, content_type="application/json").json()
    plan = [{"due_on": f"2020-0{n + 1}-15", "share_percent": "20"} for n in range(5)]
    url = f"/api/projects/projects/{created['id']}/tranche-plan/"
    answer = board_api.post(url, {"version": created["version"], "tranches": plan}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert [D(row["amount"]) for row in answer.json()] == [D("2810.00")] * 5
    assert Tranche.objects.count() == 5
    # the same version again: someone changed the project meanwhile (this very plan)
    halves = [{"due_on": "2020-01-15", "share_percent": "50"}, {"due_on": "2020-06-15", "amount": "7025.00"}]
    stale = board_api.post(url, {"version": created["version"], "tranches": halves}, content_type="application/json")
    assert stale.status_code == 409 and "version" in stale.json()
    assert Tranche.objects.count() == 5
    current = board_api.get(f"/api/projects/projects/{created['id']}/").json()["version"]
    assert current == created["version"] + 1
    fresh = board_api.post(url, {"version": current, "tranches": halves}, content_type="application/json")
    assert fresh.status_code == 200
    assert sorted(Tranche.objects.values_list("share_percent", "amount")) == [
        (D("50.00"), D("7025.00")),
        (D("50.00"), D("7025.00")),
    ]
    short = board_api.post(
        url, {"version": current + 1, "tranches": halves[:1]}, content_type="application/json"
    )  # 50 %: refused
    assert short.status_code == 400
    assert Tranche.objects.count() == 2


def test_a_payment_of_more_than_is_due_is_refused_by_the_api(board_api: Client) -> None:
    board_api.post("/api/projects/projects/", NEW_PROJECT, content_type="application/json")
    body = {"project": SEED_001, "received_on": "2020-01-10", "amount": "14000.00"}
    assert board_api.post("/api/projects/payments/", body, content_type="application/json").status_code == 201
    over = board_api.post("/api/projects/payments/", {**body, "amount": "50.01"}, content_type="application/json")
    assert over.status_code == 400
    assert "50.00" in over.content.decode()
    late = board_api.post(
        "/api/projects/payments/",
        {**body, "amount": "10.00", "received_on": "2022-10-01"},
        content_type="application/json",
    )
    assert late.status_code == 400
    assert Payment.objects.count() == 1
    rest = board_api.post("/api/projects/payments/", {**body, "amount": "50.00"}, content_type="application/json")
    assert rest.status_code == 201
    # a payment is never edited
    payment = Payment.objects.first()
    assert payment is not None
    assert (
        board_api.patch(
            f"/api/projects/payments/{payment.pk}/", {"amount": "1.00"}, content_type="application/json"
        ).status_code
        == 405
    )


def test_a_mobility_outside_the_projects_dates_is_refused_by_the_api(board_api: Client) -> None:
    board_api.post("/api/projects/projects/", NEW_PROJECT, content_type="application/json")
    body = {
        "project": SEED_001, "direction": "outgoing", "from_date": "2021-09-28", "to_date": "2021-10-02",
        "host_city": "Roma", "host_country": "IT", "participants": 4, "flow": "teaching",
    }  # fmt: skip
    refused = board_api.post("/api/projects/mobilities/", body, content_type="application/json")
    assert refused.status_code == 400 and "from_date" in refused.json()
    fits = board_api.post(
        "/api/projects/mobilities/", {**body, "to_date": "2021-09-30"}, content_type="application/json"
    )
    assert fits.status_code == 201
    assert Mobility.objects.count() == 1


# --- 7. pages


@pytest.fixture
def board_page(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(role=Role.BOARD_ADMIN))


def test_the_portfolio_filters_by_status_and_programme(portfolio: Portfolio, board_page: Client) -> None:
    def table(**query: Any) -> str:
        return board_page.get("/projects/", query).content.decode()

    closed = table(status="closed")
    assert "ESF-1" in closed and "KA2-CLOSED" in closed
    assert "RUN-1" not in closed and "CERV-1" not in closed and "REJ-1" not in closed
    esf = ProjectProgramme.objects.get(code="esf")
    assert "ESF-1" in table(programme=esf.pk) and "KA2-CLOSED" not in table(programme=esf.pk)
    ka2 = ProjectProgramme.objects.get(code="erasmus_ka2")
    closed_ka2 = table(programme=ka2.pk, status="closed")
    assert "KA2-CLOSED" in closed_ka2 and "ESF-1" not in closed_ka2 and "RUN-1" not in closed_ka2
    htmx = board_page.get("/projects/", {"status": "rejected"}, HTTP_HX_REQUEST="true").content.decode()
    assert "REJ-1" in htmx and "RUN-1" not in htmx


def test_the_portfolio_exports_the_filtered_projects_as_csv(portfolio: Portfolio, board_page: Client) -> None:
    answer = board_page.get("/projects/", {"export": "csv", "status": "closed"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 12
    assert sorted(row[0] for row in rows[1:]) == ["ESF-1", "KA2-CLOSED"]
    esf = next(row for row in rows[1:] if row[0] == "ESF-1")
    assert esf[5] == "LV" and esf[6] == "2020-01-01" and D(esf[9]) == D("5000.00")
    everything = board_page.get("/projects/", {"export": "csv"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(everything)))) == 1 + 5
    shared_row = next(r for r in csv.reader(io.StringIO(everything)) if r[0] == "RUN-1")
    assert shared_row[11] == portfolio.school_a.short_name


def test_the_project_page_shows_the_budget_totals(portfolio: Portfolio, board_page: Client) -> None:
    page = board_page.get(f"/projects/{portfolio.running.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    # the page shows the budget as of the later of today and the end (31 December 2025): both payments
    assert shown(html, "received-total") == D("4000.00")
    assert shown(html, "due-total") == D("4000.00")
    assert "Partneris PL" in html and "Rzeszów" in html
    closed = board_page.get(f"/projects/{portfolio.closed_now.pk}/").content.decode()
    assert shown(closed, "received-total") == D("1500.00")
    assert shown(closed, "due-total") == D("1500.00")


def test_a_payment_recorded_on_the_project_page_moves_the_totals(portfolio: Portfolio, board_page: Client) -> None:
    url = f"/projects/{portfolio.closed_now.pk}/"
    answer = board_page.post(url, {"received_on": "2025-03-01", "amount": "1000.00"})
    assert answer.status_code == 302
    html = board_page.get(url).content.decode()
    assert (shown(html, "received-total"), shown(html, "due-total")) == (D("2500.00"), D("500.00"))
    refused = board_page.post(url, {"received_on": "2025-03-01", "amount": "500.01"})
    assert refused.status_code == 200  # the form again, with the reason
    assert Payment.objects.filter(project=portfolio.closed_now).count() == 3


def test_the_calendar_lists_deadlines_tranches_and_mobilities(portfolio: Portfolio, board_page: Client) -> None:
    project = portfolio.running
    services.deadline_save(deadline=Deadline(project=project, title="Starpposma atskaite", due_on=date(2024, 9, 15)))
    services.tranche_plan_set(
        project=project,
        tranches=[
            services.PlannedTranche(date(2024, 3, 1), share_percent=D("60")),
            services.PlannedTranche(date(2025, 6, 1), share_percent=D("40")),
        ],
        version=Project.objects.get(pk=project.pk).version,
        viewer=WHOLE_CITY,
    )
    answer = board_page.get("/projects/calendar/", {"date_from": "2024-01-01", "date_to": "2024-12-31"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Starpposma atskaite" in html and "Rzeszów" in html and "4800" in html
    assert "15.09.2024" in html and "01.03.2024" in html
    assert "01.06.2025" not in html  # the second tranche is due after the period
    export = board_page.get(
        "/projects/calendar/", {"date_from": "2024-01-01", "date_to": "2024-12-31", "export": "csv"}
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))[1:]
    assert [row[1] for row in rows] == ["tranche", "mobility", "mobility", "mobility", "deadline", "mobility"]
    assert [row[0] for row in rows] == [
        "2024-03-01", "2024-05-01", "2024-06-01", "2024-07-01", "2024-09-15", "2024-12-01",
    ]  # fmt: skip


def test_the_countries_page_lists_each_country_with_its_projects(portfolio: Portfolio, board_page: Client) -> None:
    answer = board_page.get("/projects/countries/")
    assert answer.status_code == 200
    html = answer.content.decode()
    for code in ("LV", "PL", "DE", "TR"):
        assert f"<td>{code}</td>" in html, code
    assert "<td>ES</td>" not in html and "<td>IT</td>" not in html  # only the rejected project's
    export = board_page.get("/projects/countries/", {"export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))[1:]
    assert [(row[0], row[2]) for row in rows] == [("LV", "3"), ("PL", "2"), ("DE", "1"), ("TR", "1")]


def add_projects(school: Institution, count: int, start: int) -> None:
    for n in range(start, start + count):
        project = make_project(f"MANY-{n:03d}", institutions=(school,), status="running", start=date(2024, 1, 1),
                               end=date(2025, 12, 31), grant="1000.00", coordinator_country="PL")  # fmt: skip
        partner(project, f"Partneris {n}", "DE")
        pay(project, date(2024, 2, 1), "100.00")
        mobility(project, date(2024, 3, 1), date(2024, 3, 5))


# Measured on SQLite and PostgreSQL alike: the portfolio 20 queries for the board, 22 for a head (their scope: the
# session, the user, the second factor, permissions, the figures' 11 queries, the count, the page, its institutions);
# a project's page 14 (the project, its budget, partners, institutions, mobilities, deadlines, documents, devices).
LIST_QUERIES = {Role.BOARD_ADMIN: 20, Role.INSTITUTION_HEAD: 22 + WALL_QUERIES}
DETAIL_QUERIES = 14


@pytest.mark.parametrize("role", [Role.BOARD_ADMIN, Role.INSTITUTION_HEAD])
def test_the_portfolio_runs_a_bounded_number_of_queries_however_many_projects(
    school_a: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., Any],
    role: str,
) -> None:
    client = signed_in(make_user(role=role, institutions=[school_a] if role == Role.INSTITUTION_HEAD else []))
    add_projects(school_a, 3, 0)
    client.get("/projects/")  # warm the session and permission caches
    with django_assert_max_num_queries(LIST_QUERIES[role]), CaptureQueriesContext(connection) as few:
        assert client.get("/projects/").status_code == 200
    add_projects(school_a, 30, 3)
    with django_assert_max_num_queries(LIST_QUERIES[role]), CaptureQueriesContext(connection) as many:
        page = client.get("/projects/")
    assert len(set(re.findall(r"MANY-\d{3}", page.content.decode()))) == 25  # a full page of 33 projects
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_project_page_runs_a_bounded_number_of_queries_however_many_rows(
    school_a: Institution,
    board_page: Client,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    project = make_project("ONE", institutions=(school_a,), start=date(2020, 1, 1), end=date(2025, 12, 31),
                           status="running", grant="100000.00")  # fmt: skip
    add_projects(school_a, 5, 0)  # other projects do not count

    def add_rows(start: int, count: int) -> None:
        for n in range(start, start + count):
            partner(project, f"Partneris {n}", "PL")
            pay(project, date(2020, 1, 1) + timedelta(days=n), "10.00")
            mobility(project, date(2020, 1, 1) + timedelta(days=n), date(2020, 1, 2) + timedelta(days=n),
                     city=f"Pilsēta {n}")  # fmt: skip
            services.deadline_save(
                deadline=Deadline(project=project, title=f"Atskaite {n}", due_on=date(2021, 1, n + 1))
            )
            prefinance(project, date(2020, 2, 1) + timedelta(days=n), "5.00")

    add_rows(0, 1)
    services.tranche_plan_set(
        project=project, tranches=[services.PlannedTranche(date(2020, 6, 1), share_percent=D("100"))],
        version=Project.objects.get(pk=project.pk).version, viewer=WHOLE_CITY,
    )  # fmt: skip
    url = f"/projects/{project.pk}/"
    board_page.get(url)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as few:
        assert board_page.get(url).status_code == 200
    add_rows(1, 12)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as many:
        page = board_page.get(url)
    assert "Pilsēta 12" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


# --- 8. the demonstration data


@dataclass(frozen=True)
class Demo:
    seed_001: dict[str, Any]
    seed_004_mobilities: list[tuple[str, str, date, int]]
    erasmus_grants: Decimal
    ka220_grants: list[Decimal]
    cerv: dict[str, Any]
    devices: dict[tuple[str, str], int]
    counts_first: dict[str, int]


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read what the tests check, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    seed = Project.objects.get(reference=SEED_001)
    prefinancing = list(seed.prefinancing.values_list("amount", "returned_amount", "returned_on"))
    seed_001 = {
        "grant": seed.grant,
        "tranches": list(seed.tranches.values_list("amount", flat=True)),
        "prefinancing": prefinancing,
        "outgoing_participants": sum(
            seed.mobilities.filter(direction="outgoing").values_list("participants", flat=True)
        ),
        "partner_countries": {str(c) for c in seed.partners.values_list("country", flat=True)},
        "budget": selectors.project_budget(project=seed, as_of=date(2022, 12, 31)),
    }
    seed_004 = [
        (m.host_city, str(m.host_country), m.from_date, m.participants)
        for m in Mobility.objects.filter(project__reference=SEED_004)
    ]
    erasmus = selectors.ERASMUS_PROGRAMMES
    erasmus_grants = Project.objects.filter(programme__code__in=erasmus).aggregate(total=Sum("grant"))["total"]
    ka220 = list(Project.objects.filter(programme__code="erasmus_ka220").values_list("grant", flat=True))
    cerv_project = Project.objects.get(reference="101138336")
    cerv = {
        "incoming": list(cerv_project.mobilities.filter(direction="incoming").values_list("participants", flat=True)),
        "countries": len(selectors.partner_countries(projects=Project.objects.filter(pk=cerv_project.pk))),
    }
    devices = {
        (str(reference), str(kind)): count
        for reference, kind, count in Asset.objects.filter(project__isnull=False)
        .values_list("project__reference", "kind__code")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return Demo(seed_001, seed_004, erasmus_grants, ka220, cerv, devices, table_counts())


def test_demo_seed_001_has_its_grant_tranches_prefinancing_mobilities_and_partners(demo: Demo) -> None:
    seed = demo.seed_001
    assert seed["grant"] == D("14050.00")
    assert seed["tranches"] == [D("2810.00")] * 5
    assert len(seed["prefinancing"]) == 1
    amount, returned, returned_on = seed["prefinancing"][0]
    assert (amount, returned) == (D("2810.00"), D("2810.00"))
    assert returned_on.year == 2022 and returned_on.month <= 3
    assert seed["outgoing_participants"] == 14
    assert {"TR", "PL", "LV", "IT"} <= seed["partner_countries"]
    budget = seed["budget"]
    assert (budget.received, budget.due, budget.prefinancing_outstanding) == (D("14050.00"), D("0.00"), D("0.00"))
    assert budget.plan_problems == []


def test_demo_seed_004_has_the_week_in_vilnius(demo: Demo) -> None:
    vilnius = [m for m in demo.seed_004_mobilities if m[0] == "Vilnius"]
    assert len(vilnius) == 1
    _city, country, start, people = vilnius[0]
    assert (country, start.year, start.month, people) == ("LT", 2012, 2, 6)


def test_demo_erasmus_grants_exceed_four_million_with_a_ka220_project_of_250000(demo: Demo) -> None:
    assert demo.erasmus_grants > D("4000000")
    assert D("250000.00") in demo.ka220_grants


def test_demo_cerv_project_brings_35_people_from_7_countries(demo: Demo) -> None:
    assert demo.cerv["incoming"] == [35]
    assert demo.cerv["countries"] == 7


def test_demo_devices_are_linked_to_the_projects_that_paid_for_them(demo: Demo) -> None:
    assert demo.devices[("8.3.2.2/16/I/001", "interactive_screen")] == 39
    assert demo.devices[("2.3.2.3.i", "chromebook")] == 2124
    assert sum(count for (reference, _kind), count in demo.devices.items() if reference == "8.3.2.2/16/I/001") == 39
    assert sum(count for (reference, _kind), count in demo.devices.items() if reference == "2.3.2.3.i") == 2124


def test_the_demo_has_its_projects(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert demo.counts_first["Project"] > 30


# --- two payments at once (PostgreSQL: two requests in their own threads and connections)


def race(clients: list[Client], reference: str) -> list[Any]:
    """Both clients record a payment of 8000.00 at the same moment, each in its own thread and connection."""
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def record(index: int) -> None:
        try:
            start.wait()
            body = {"project": reference, "received_on": "2020-01-10", "amount": "8000.00"}
            answers[index] = clients[index].post("/api/projects/payments/", body, content_type="application/json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="truly concurrent writers: PostgreSQL")
def test_two_payments_recorded_at_once_cannot_both_take_what_is_due(make_user: Callable[..., User]) -> None:
    from tests.accounts.matrix_world import sign_in

    project = make_project(SEED_001)  # 14050.00 due: one payment of 8000.00 fits, two do not
    admin = make_user(role=Role.BOARD_ADMIN, username="race-admin")
    clients = [sign_in(admin), sign_in(admin)]
    for _round in range(5):
        Payment.objects.all().delete()
        answers = race(clients, project.reference)
        assert sorted(answer.status_code for answer in answers) == [201, 400], [a.content for a in answers]
        assert "8000.00" in next(a for a in answers if a.status_code == 400).content.decode()
        assert selectors.received_total(project) == D("8000.00")


# --- after review: shared projects, rounded equal shares, the city's share by default, devices in scope


def test_a_head_editing_a_shared_project_keeps_the_other_school(
    school_a: Institution, school_b: Institution, head_a: User, signed_in: Callable[[User], Client], tmp_path: Path
) -> None:
    shared = make_project("SHARED-1", institutions=(school_a, school_b), status="running")
    services.project_save(project=shared, viewer=head_a, institutions=[school_a])  # the head names only their school
    assert set(Project.objects.get(pk=shared.pk).institutions.all()) == {school_a, school_b}

    answer = signed_in(head_a).patch(
        f"/api/projects/projects/{shared.pk}/",
        json.dumps({"institutions": [A_NUMBER], "version": Project.objects.get(pk=shared.pk).version}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert set(Project.objects.get(pk=shared.pk).institutions.all()) == {school_a, school_b}

    row = ["SHARED-1", "Kopīgs", "erasmus_ka2", "partner", "", "", "2019-10-01", "2021-09-30", "running",
           "14050.00", "", A_NUMBER]  # fmt: skip
    ProjectImporter(viewer=head_a).run(write_csv(tmp_path / "p.csv", PROJECTS_HEADER, [row]))
    stored = Project.objects.get(pk=shared.pk)
    assert stored.title == "Kopīgs"
    assert set(stored.institutions.all()) == {school_a, school_b}
    # the board sets the whole list
    services.project_save(project=stored, viewer=WHOLE_CITY, institutions=[school_a])
    assert list(Project.objects.get(pk=shared.pk).institutions.all()) == [school_a]


def test_equal_shares_rounded_to_a_hundredth_are_planned_with_the_remaining_cent_on_the_last_tranche() -> None:
    project = make_project(SEED_001)  # 14050.00: 33.33 % is 4682.87 (rounded), 33.34 % is 4684.27
    plan = [
        services.PlannedTranche(date(2020, 1, 1), share_percent=D("33.33")),
        services.PlannedTranche(date(2020, 6, 1), share_percent=D("33.33")),
        services.PlannedTranche(date(2021, 1, 1), share_percent=D("33.34")),
    ]
    tranches = services.tranche_plan_set(project=project, tranches=plan, version=1, viewer=WHOLE_CITY)
    assert [t.amount for t in tranches] == [D("4682.87"), D("4682.87"), D("4684.26")]
    assert sum(t.amount for t in tranches) == D("14050.00")
    # shares that do not add up to 100 % are not "settled": the plan is refused
    with pytest.raises(ValidationError):
        services.tranche_plan_set(
            project=project,
            tranches=[services.PlannedTranche(date(2020, 1, 1), share_percent=D("33.33"))] * 1
            + [services.PlannedTranche(date(2020, 6, 1), share_percent=D("33.33"))]
            + [services.PlannedTranche(date(2021, 1, 1), share_percent=D("33.33"))],
            version=2,
            viewer=WHOLE_CITY,
        )


def test_an_import_of_equal_shares_settles_the_cent_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    make_project(SEED_001)
    rows = [
        [SEED_001, "2020-01-01", "33.33", "", "", ""],
        [SEED_001, "2020-06-01", "33.33", "", "", ""],
        [SEED_001, "2021-01-01", "33.34", "", "", ""],
    ]
    path = write_csv(tmp_path / "t.csv", TRANCHES_HEADER, rows)
    first = run_import_command("import_projects", "tranches", str(path))
    assert first.status == 0, first.err
    amounts = list(Tranche.objects.order_by("due_on").values_list("amount", flat=True))
    assert amounts == [D("4682.87"), D("4682.87"), D("4684.26")]
    again = run_import_command("import_projects", "tranches", str(path))
    assert imported_counts(again) == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert list(Tranche.objects.order_by("due_on").values_list("amount", flat=True)) == amounts


def test_a_project_added_on_the_page_without_the_city_share_gets_the_whole_grant(board_page: Client) -> None:
    answer = board_page.post(
        "/projects/new/",
        {
            "reference": "PAGE-1", "title": "Projekts no lapas",
            "programme": ProjectProgramme.objects.get(code="erasmus_ka1").pk, "role": "coordinator",
            "start_date": "2024-09-01", "end_date": "2025-08-31", "status": "approved", "grant": "30000.00",
            "city_share": "", "co_financing": "0",
        },
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Project.objects.get(reference="PAGE-1").city_share == D("30000.00")


def test_a_shared_projects_page_counts_only_the_devices_the_head_may_see(
    school_a: Institution, school_b: Institution, head_a: User, signed_in: Callable[[User], Client]
) -> None:
    from eduboard.assets.choices import ensure_standard_kinds
    from eduboard.assets.models import AssetKind

    ensure_standard_kinds()
    shared = make_project("SHARED-2", institutions=(school_a, school_b), status="running")
    screen = AssetKind.objects.get(code="interactive_screen")
    Asset.objects.create(inventory_number="B-IE-1", kind=screen, institution=school_b, project=shared)
    Asset.objects.create(inventory_number="B-IE-2", kind=screen, institution=school_b, project=shared)
    Asset.objects.create(inventory_number="A-IE-1", kind=screen, institution=school_a, project=shared)
    page = signed_in(head_a).get(f"/projects/{shared.pk}/").content.decode()
    assert f"{screen.name}: 1<" in page
    board = signed_in(User.objects.create(username="board-dev", role=Role.BOARD_ANALYST))
    assert f"{screen.name}: 3<" in board.get(f"/projects/{shared.pk}/").content.decode()


def test_documents_are_kept_with_the_project_and_read_only_by_those_who_see_it(
    school_a: Institution,
    school_b: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    settings: Any,
    tmp_path: Path,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    project = make_project("DOC-1", institutions=(school_a,), status="running")
    head_a = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school_a]))
    refused = head_a.post(
        f"/projects/{project.pk}/documents/new/",
        {"kind": "agreement", "title": "Līgums", "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")},
    )
    assert refused.status_code == 200 and not project.documents.exists()
    answer = head_a.post(
        f"/projects/{project.pk}/documents/new/",
        {"kind": "agreement", "title": "Dotācijas līgums", "file": SimpleUploadedFile("ligums.pdf", b"%PDF-1.4 x")},
    )
    assert answer.status_code == 302
    document = project.documents.get()
    assert (document.kind, document.title) == ("agreement", "Dotācijas līgums")
    assert "Dotācijas līgums" in head_a.get(f"/projects/{project.pk}/").content.decode()
    download = head_a.get(f"/projects/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    head_b = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school_b]))
    assert head_b.get(f"/projects/documents/{document.pk}/").status_code == 404
    assert (
        head_b.post(
            f"/projects/{project.pk}/documents/new/",
            {"kind": "other", "title": "X", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 y")},
        ).status_code
        == 404
    )
    assert project.documents.count() == 1

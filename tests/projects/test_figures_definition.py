"""`projects_stats` (the JSON of `manage.py projects_stats` and `GET /api/projects/stats/`) against its definition.

Hypothesis draws small portfolios (institutions, some closed, some state-founded; projects of every status and
several programmes, with partners, tranches, payments, prefinancing and mobilities), the selector answers for the
whole city or for one institution, and a plain computation over the rows in memory, written from
docs/projects.md and the selector's docstring, must give the same JSON, digit for digit. Every example is rolled
back, so the next one starts from the same tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduboard.core.numbers import json_figures
from eduboard.core.scope import WHOLE_CITY
from eduboard.projects.choices import ensure_standard_programmes
from eduboard.projects.models import Mobility, Partner, Payment, Prefinancing, Project, ProjectProgramme, Tranche
from eduboard.projects.selectors import projects_stats
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = Decimal

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

STATUSES = ("planned", "submitted", "approved", "running", "closed", "rejected")  # ProjectStatus, in its order
PROGRAMMES = ("erasmus_ka1", "erasmus_ka2", "cerv", "esf", "etwinning")
COUNTRIES = ("LV", "LT", "PL", "TR", "IT")
DAYS = sorted(
    {date(year, month, 1) for year in (2022, 2023, 2024, 2025) for month in (1, 4, 7, 10)}
    | {date(2023, 12, 31), date(2024, 6, 30), date(2024, 9, 30), date(2025, 8, 31)}
)


@dataclass(frozen=True)
class InstitutionRow:
    key: int
    founder: str
    opened_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class ProjectRow:
    key: int
    programme: str
    status: str
    coordinator_country: str
    institutions: tuple[int, ...]
    start_date: date
    end_date: date
    grant: Decimal
    city_share: Decimal


@dataclass(frozen=True)
class PartnerRow:
    project: int
    organisation: str
    country: str


@dataclass(frozen=True)
class TrancheRow:
    key: int
    project: int
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentRow:
    project: int
    tranche: int | None
    received_on: date
    amount: Decimal


@dataclass(frozen=True)
class PrefinancingRow:
    project: int
    paid_on: date
    amount: Decimal
    returned_on: date | None
    returned_amount: Decimal


@dataclass(frozen=True)
class MobilityRow:
    project: int
    direction: str
    from_date: date
    to_date: date
    host_city: str
    participants: int
    status: str


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    institution: int | None  # the --institution asked for, None for the whole city
    institutions: list[InstitutionRow]
    projects: list[ProjectRow]
    partners: list[PartnerRow]
    tranches: list[TrancheRow]
    payments: list[PaymentRow]
    prefinancing: list[PrefinancingRow]
    mobilities: list[MobilityRow]


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def portfolios(draw: st.DrawFn) -> Portfolio:
    """A small portfolio; the date is drawn first and the projects' and payments' days lean towards it."""
    as_of = draw(st.sampled_from(DAYS))
    near = [as_of, as_of + timedelta(days=1), as_of - timedelta(days=1)]
    days = st.sampled_from(near) | st.sampled_from(DAYS)
    institutions = []
    for key in range(draw(st.integers(1, 3))):
        opened_on = draw(st.none() | st.sampled_from(DAYS))
        closed_on = draw(st.none() | st.sampled_from([d for d in DAYS if opened_on is None or d >= opened_on]))
        founder = draw(st.sampled_from(("municipality", "state")))
        institutions.append(InstitutionRow(key, founder, opened_on, closed_on))
    projects = []
    for key in range(draw(st.integers(0, 6))):
        start = draw(days)
        grant = draw(cents(0, 2_000_000))
        projects.append(
            ProjectRow(
                key=key,
                programme=draw(st.sampled_from(PROGRAMMES)),
                status=draw(st.sampled_from(STATUSES)),
                coordinator_country=draw(st.sampled_from(("", *COUNTRIES))),
                institutions=tuple(sorted(draw(st.sets(st.integers(0, len(institutions) - 1), max_size=2)))),
                start_date=start,
                end_date=draw(st.sampled_from([d for d in [*near, *DAYS] if d >= start] or [start])),
                grant=grant,
                city_share=draw(st.integers(0, int(grant * 100)).map(lambda n: Decimal(n).scaleb(-2))),
            )
        )
    partners, tranches, payments, prefinancing, mobilities = [], [], [], [], []
    for project in projects:
        for number in range(draw(st.integers(0, 3))):
            partners.append(PartnerRow(project.key, f"Partneris {number}", draw(st.sampled_from(COUNTRIES))))
        tranche_keys = []
        for due_on in draw(st.sets(st.sampled_from(DAYS), max_size=2)):
            tranche_keys.append(len(tranches))
            tranches.append(TrancheRow(len(tranches), project.key, due_on, draw(cents(1, 100_000))))
        for _ in range(draw(st.integers(0, 3))):
            tranche = draw(st.none() | st.sampled_from(tranche_keys)) if tranche_keys else None
            payments.append(PaymentRow(project.key, tranche, draw(days), draw(cents(1, 500_000))))
        for _ in range(draw(st.integers(0, 2))):
            paid_on = draw(days)
            amount = draw(cents(0, 500_000))
            later = st.sampled_from([d for d in DAYS if d >= paid_on] or [paid_on])
            near_later = [d for d in near if d >= paid_on]
            returned_on = draw(st.none() | (st.sampled_from(near_later) | later if near_later else later))
            returned = draw(st.integers(0, int(amount * 100)).map(lambda n: Decimal(n).scaleb(-2)))
            prefinancing.append(PrefinancingRow(project.key, paid_on, amount, returned_on, returned))
        for number in range(draw(st.integers(0, 3))):
            from_date = draw(days)
            mobilities.append(
                MobilityRow(
                    project=project.key,
                    direction=draw(st.sampled_from(("outgoing", "incoming"))),
                    from_date=from_date,
                    to_date=from_date + timedelta(days=draw(st.integers(0, 10))),
                    host_city=f"Pilsēta {number}",
                    participants=draw(st.integers(1, 40)),
                    status=draw(st.sampled_from(("planned", "done", "cancelled"))),
                )
            )
    return Portfolio(
        as_of=as_of,
        institution=draw(st.none() | st.integers(0, len(institutions) - 1)),
        institutions=institutions,
        projects=projects,
        partners=partners,
        tranches=tranches,
        payments=payments,
        prefinancing=prefinancing,
        mobilities=mobilities,
    )


def store(portfolio: Portfolio) -> dict[int, Institution]:
    """The rows in the database, written as they are (the services' rules are not what is tested here)."""
    ensure_standard_programmes()
    programmes = {programme.code: programme for programme in ProjectProgramme.objects.all()}
    institutions = {
        row.key: Institution.objects.create(
            name=f"Iestāde {row.key}",
            registration_number=f"{9900000000 + row.key:010d}",
            type="secondary",
            founder=row.founder,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )
        for row in portfolio.institutions
    }
    projects = {}
    for row in portfolio.projects:
        projects[row.key] = Project.objects.create(
            reference=f"TEST-{row.key}",
            title=f"Projekts {row.key}",
            programme=programmes[row.programme],
            role="partner",
            coordinator_country=row.coordinator_country,
            start_date=row.start_date,
            end_date=row.end_date,
            status=row.status,
            grant=row.grant,
            city_share=row.city_share,
        )
        projects[row.key].institutions.set([institutions[key] for key in row.institutions])
    for row in portfolio.partners:
        Partner.objects.create(project=projects[row.project], organisation=row.organisation, country=row.country)
    tranches = {
        row.key: Tranche.objects.create(project=projects[row.project], due_on=row.due_on, amount=row.amount)
        for row in portfolio.tranches
    }
    for row in portfolio.payments:
        Payment.objects.create(
            project=projects[row.project],
            tranche=tranches[row.tranche] if row.tranche is not None else None,
            received_on=row.received_on,
            amount=row.amount,
        )
    for row in portfolio.prefinancing:
        Prefinancing.objects.create(
            project=projects[row.project],
            paid_on=row.paid_on,
            amount=row.amount,
            returned_on=row.returned_on,
            returned_amount=row.returned_amount,
        )
    for row in portfolio.mobilities:
        Mobility.objects.create(
            project=projects[row.project],
            direction=row.direction,
            from_date=row.from_date,
            to_date=row.to_date,
            host_city=row.host_city,
            host_country="LT",
            participants=row.participants,
            flow="staff_training",
            status=row.status,
        )
    return institutions


# --- the definition, over the rows in memory


def to_cents(value: Fraction | Decimal | int) -> Decimal:
    """An exact amount rounded half up (away from zero) to cents."""
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    hundredths = int(abs(exact) * 100 + Fraction(1, 2))
    return (Decimal(sign * hundredths) / 100).quantize(Decimal("0.01"))


def total(amounts: Any) -> Decimal:
    return to_cents(sum(amounts, Decimal(0)))


def expected_projects_stats(portfolio: Portfolio) -> dict[str, Any]:
    """projects_stats as docs/projects.md defines it."""
    as_of = portfolio.as_of
    projects = [
        p for p in portfolio.projects if portfolio.institution is None or portfolio.institution in p.institutions
    ]
    keys = {p.key for p in projects}

    def running(p: ProjectRow) -> bool:  # start ≤ date ≤ end, not closed
        return p.start_date <= as_of <= p.end_date and p.status != "closed"

    received = [pay for pay in portfolio.payments if pay.project in keys and pay.received_on <= as_of]
    owed = {p.key for p in projects if running(p) or p.status == "closed"}
    mobilities = [
        m for m in portfolio.mobilities if m.project in keys and m.status != "cancelled" and m.from_date <= as_of
    ]
    countries: Counter[str] = Counter()
    for p in projects:
        if p.status == "rejected":
            continue
        taking_part = {partner.country for partner in portfolio.partners if partner.project == p.key}
        taking_part |= {p.coordinator_country} - {""}
        countries.update(taking_part)
    prefinancing = [row for row in portfolio.prefinancing if row.project in keys]
    return {
        "as_of": as_of.isoformat(),
        "projects_by_status": {status: sum(p.status == status for p in projects) for status in STATUSES},
        "projects_by_programme": {
            code: {
                "count": sum(p.programme == code for p in projects),
                "grant_total": total(p.grant for p in projects if p.programme == code),
            }
            for code in sorted({p.programme for p in projects})
        },
        "running_grant_total": total(p.grant for p in projects if running(p)),
        "received_total": total(pay.amount for pay in received),
        "due_total": to_cents(
            sum((p.city_share for p in projects if p.key in owed), Decimal(0))
            - sum((pay.amount for pay in received if pay.project in owed), Decimal(0))
        ),
        "prefinancing_outstanding": to_cents(
            sum((row.amount for row in prefinancing if row.paid_on <= as_of), Decimal(0))
            - sum(
                (row.returned_amount for row in prefinancing if row.returned_on and row.returned_on <= as_of),
                Decimal(0),
            )
        ),
        "mobilities": {
            "outgoing": sum(m.direction == "outgoing" for m in mobilities),
            "incoming": sum(m.direction == "incoming" for m in mobilities),
            "participants": sum(m.participants for m in mobilities),
        },
        "partner_countries": dict(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
    }


def check(portfolio: Portfolio) -> None:
    with transaction.atomic():
        institutions = store(portfolio)
        institution = None if portfolio.institution is None else institutions[portfolio.institution]
        actual = projects_stats(as_of=portfolio.as_of, visible_to=WHOLE_CITY, institution=institution)
        expected = expected_projects_stats(portfolio)
        for key in expected:
            assert actual.get(key) == expected[key], key
        assert actual.keys() == expected.keys()
        assert json_figures(actual) == json_figures(expected)  # order of keys and every digit
        transaction.set_rollback(True)


def test_projects_stats_is_its_definition_over_random_portfolios() -> None:
    """Every key: projects by status and by programme (count, grant total), the running grants, received, due,
    prefinancing outstanding, mobilities (outgoing, incoming, participants) and partner countries; for the whole
    city and for one institution's projects."""
    ensure_standard_programmes()  # outside the examples too: a test that commits may have emptied the table

    @EXAMPLES
    @given(portfolio=portfolios())
    def run(portfolio: Portfolio) -> None:
        check(portfolio)

    run()


def test_a_closed_project_is_owed_but_not_running_and_the_date_itself_counts() -> None:
    """A hand-made portfolio at the edges: a project ending on the date runs; a closed one whose dates cover the
    date does not run but its share is owed; a payment and a return on the date count, the day after not; a
    rejected project's coordinator country is not counted; a cancelled mobility is not counted."""
    as_of = date(2024, 6, 30)
    portfolio = Portfolio(
        as_of=as_of,
        institution=None,
        institutions=[InstitutionRow(0, "municipality", None, date(2024, 1, 1))],
        projects=[
            ProjectRow(0, "erasmus_ka2", "running", "TR", (0,), date(2023, 1, 1), as_of, D("1000.00"), D("800.00")),
            ProjectRow(
                1, "erasmus_ka2", "closed", "PL", (), date(2023, 1, 1), date(2025, 1, 1), D("50.00"), D("50.00")
            ),
            ProjectRow(2, "cerv", "rejected", "IT", (0,), as_of, date(2025, 1, 1), D("7.00"), D("7.00")),
            ProjectRow(3, "esf", "approved", "", (), date(2024, 7, 1), date(2025, 1, 1), D("9.99"), D("9.99")),
        ],
        partners=[PartnerRow(0, "Partneris PL", "PL"), PartnerRow(0, "Otrs TR", "TR")],
        tranches=[],
        payments=[
            PaymentRow(0, None, as_of, D("100.00")),
            PaymentRow(0, None, date(2024, 7, 1), D("200.00")),
            PaymentRow(1, None, date(2023, 5, 1), D("20.00")),
        ],
        prefinancing=[PrefinancingRow(0, date(2023, 1, 1), D("300.00"), as_of, D("120.00"))],
        mobilities=[
            MobilityRow(0, "outgoing", as_of, as_of, "Izmira", 5, "done"),
            MobilityRow(0, "incoming", date(2024, 5, 1), date(2024, 5, 5), "Daugavpils", 3, "cancelled"),
        ],
    )
    expected = expected_projects_stats(portfolio)
    # the definition, worked out by hand
    assert expected["running_grant_total"] == D("1007.00")  # the project ending on the date and the rejected one
    assert expected["received_total"] == D("120.00")
    assert expected["due_total"] == D("737.00")  # (800 + 50 + 7) − (100 + 20)
    assert expected["prefinancing_outstanding"] == D("180.00")
    assert expected["mobilities"] == {"outgoing": 1, "incoming": 0, "participants": 5}
    assert expected["partner_countries"] == {"PL": 2, "TR": 1}
    check(portfolio)

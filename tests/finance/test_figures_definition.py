"""`finance_stats` (the JSON of `manage.py finance_stats` and `GET /api/finance/stats/`) against its definition.

Hypothesis draws small worlds (institutions, some closed, some state-founded; groups of every level and kind;
learners with random enrolment and leaving days; groups of institutions; allocations by funding source with
spending on random days; approved costs; settlement lines), the selector answers, and a plain computation over
the rows in memory, written from docs/finance.md and the selectors' docstrings, must give the same JSON, digit
for digit. Every example is rolled back, so the next one starts from the same empty tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
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
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import (
    Allocation,
    CostRate,
    Expenditure,
    FundingSource,
    InstitutionSet,
    SettlementLine,
)
from eduboard.finance.selectors import finance_stats
from eduboard.finance.sources import STANDARD_SOURCES, ensure_standard_sources
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, Programme
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KINDS = ("preschool_day", "preschool_24h", "general", "interest")  # CostKind, in its order
PURPOSES = ("teaching_aids", "meals", "salaries", "other")
LEVELS = ("preschool", "basic", "secondary", "vocational", "interest")
INSTITUTION_TYPES = ("preschool", "basic", "secondary", "gymnasium", "vocational", "interest")
SETTLEMENT_LEVELS = ("preschool", "basic", "secondary")
EXTRA_SOURCE = ("city_fund", "Pilsētas fonds")
SOURCES = (*STANDARD_SOURCES, EXTRA_SOURCE)

# A pool of days that meet each other often: the first days of months (what learner-months count), the ends of
# years and some days between, from the autumn of 2023 to the spring of 2025.
DAYS = sorted(
    {date(year, month, 1) for year in (2023, 2024, 2025) for month in range(1, 13)}
    | {date(2023, 12, 31), date(2024, 12, 31), date(2024, 1, 15), date(2024, 2, 29), date(2024, 3, 15)}
    | {date(2024, 6, 30), date(2024, 9, 2), date(2024, 11, 30), date(2025, 1, 31), date(2023, 11, 17)}
)
AS_OF_DAYS = [day for day in DAYS if date(2023, 11, 1) <= day <= date(2025, 2, 28)]
YEARS = (2023, 2024, 2025)


# --- the world, as plain rows


@dataclass(frozen=True)
class InstitutionRow:
    key: int
    name: str
    registration_number: str
    type: str
    founder: str
    opened_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class GroupRow:
    key: int
    institution: int
    level: str
    kind: str  # day | 24h


@dataclass(frozen=True)
class EnrolmentRow:
    learner: int
    group: int
    enrolled_on: date
    left_on: date | None


@dataclass(frozen=True)
class SetRow:
    key: int
    name: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class AllocationRow:
    key: int
    year: int
    institution: int | None
    institution_set: int | None
    purpose: str
    source: str
    amount: Decimal


@dataclass(frozen=True)
class ExpenditureRow:
    allocation: int
    day: date
    amount: Decimal
    document: str


@dataclass(frozen=True)
class CostRateRow:
    year: int
    kind: str
    monthly_cost: Decimal


@dataclass(frozen=True)
class SettlementRow:
    municipality: int
    direction: str
    level: str
    period_start: date
    period_end: date
    learners: int
    months: int
    monthly_cost: Decimal


@dataclass(frozen=True)
class World:
    as_of: date
    institutions: list[InstitutionRow]
    groups: list[GroupRow]
    enrolments: list[EnrolmentRow]
    sets: list[SetRow]
    allocations: list[AllocationRow]
    expenditures: list[ExpenditureRow]
    cost_rates: list[CostRateRow]
    municipalities: list[str]
    settlements: list[SettlementRow]


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A small finance world. A learner holds one place, or two one after the other (a transfer: the second
    begins on or after the day the first ended), so no learner holds two places on one day. The date is drawn
    first and the other days lean towards it (the day itself, the day after, the first of its month), so that
    the edges of every rule are met within a few examples."""
    as_of = draw(st.sampled_from(AS_OF_DAYS))
    year = as_of.year
    near = sorted({as_of, as_of + timedelta(days=1), as_of - timedelta(days=1), as_of.replace(day=1)})
    days = st.sampled_from(near) | st.sampled_from(DAYS)
    years = st.sampled_from((year, year, year, *YEARS))
    institutions = []
    for key in range(draw(st.integers(1, 4))):
        opened_on = draw(st.none() | st.sampled_from(DAYS))
        closed_on = draw(st.none() | st.sampled_from([d for d in DAYS if opened_on is None or d >= opened_on]))
        institutions.append(
            InstitutionRow(
                key=key,
                name=f"Iestāde {'ABCD'[key]}",
                registration_number=f"{9900000000 + key:010d}",
                type=draw(st.sampled_from(INSTITUTION_TYPES)),
                founder=draw(st.sampled_from(("municipality", "state"))),
                opened_on=opened_on,
                closed_on=closed_on,
            )
        )
    groups = [
        GroupRow(
            key=key,
            institution=draw(st.integers(0, len(institutions) - 1)),
            level=draw(st.sampled_from(LEVELS)),
            kind=draw(st.sampled_from(("day", "24h"))),
        )
        for key in range(draw(st.integers(1, 6)))
    ]
    enrolments: list[EnrolmentRow] = []
    for learner in range(draw(st.integers(0, 10))):
        first_group = draw(st.integers(0, len(groups) - 1))
        enrolled_on = draw(st.sampled_from([d for d in DAYS if d <= as_of]) | days)
        left_on = draw(st.none() | st.sampled_from([d for d in DAYS if d >= enrolled_on]))
        enrolments.append(EnrolmentRow(learner, first_group, enrolled_on, left_on))
        others = [g.key for g in groups if g.key != first_group]
        if not others or not draw(st.booleans()):
            continue
        second_group = draw(st.sampled_from(others))
        if left_on is None:
            continue
        second_from = draw(st.sampled_from([d for d in DAYS if d >= left_on]))
        second_left = draw(st.none() | st.sampled_from([d for d in DAYS if d >= second_from]))
        enrolments.append(EnrolmentRow(learner, second_group, second_from, second_left))
    sets = []
    for key in range(draw(st.integers(0, 2))):
        members = draw(st.sets(st.integers(0, len(institutions) - 1), min_size=1))
        sets.append(SetRow(key=key, name=f"Grupa {key + 1}", members=tuple(sorted(members))))
    recipients: list[tuple[int | None, int | None]] = [(i.key, None) for i in institutions]
    recipients += [(None, s.key) for s in sets]
    keys = draw(
        st.lists(
            st.tuples(
                years,
                st.sampled_from(recipients),
                st.sampled_from(PURPOSES),
                st.sampled_from([code for code, _name in SOURCES]),
            ),
            max_size=8,
            unique=True,
        )
    )
    allocations = [
        AllocationRow(key, year, institution, set_key, purpose, source, draw(cents(0, 1_000_000)))
        for key, (year, (institution, set_key), purpose, source) in enumerate(keys)
    ]
    expenditures = []
    for allocation in allocations:
        in_year = st.sampled_from([d for d in DAYS if d.year == allocation.year])
        if allocation.year == year:
            in_year = st.sampled_from(near) | in_year
        for number in range(draw(st.integers(0, 3))):
            expenditures.append(ExpenditureRow(allocation.key, draw(in_year), draw(cents(1, 500_000)), f"D-{number}"))
    rates = draw(st.lists(st.tuples(years, st.sampled_from(KINDS)), max_size=6, unique=True))
    cost_rates = [CostRateRow(rate_year, kind, draw(cents(0, 60_000))) for rate_year, kind in rates]
    municipalities = ["Augšdaugavas novads", "Preiļu novads", "Rēzeknes novads"][: draw(st.integers(1, 3))]
    settlements = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.sampled_from(DAYS))
        settlements.append(
            SettlementRow(
                municipality=draw(st.integers(0, len(municipalities) - 1)),
                direction=draw(st.sampled_from(("incoming", "outgoing"))),
                level=draw(st.sampled_from(SETTLEMENT_LEVELS)),
                period_start=start,
                period_end=draw(st.sampled_from([d for d in DAYS if d >= start])),
                learners=draw(st.integers(1, 40)),
                months=draw(st.integers(1, 12)),
                monthly_cost=draw(cents(0, 50_000)),
            )
        )
    return World(
        as_of=as_of,
        institutions=institutions,
        groups=groups,
        enrolments=enrolments,
        sets=sets,
        allocations=allocations,
        expenditures=expenditures,
        cost_rates=cost_rates,
        municipalities=municipalities,
        settlements=settlements,
    )


# --- the world, stored


@dataclass
class Stored:
    allocation_ids: dict[int, int]
    municipality_ids: dict[int, int]


def store(world: World) -> Stored:
    """The rows of `world` in the database, written as they are (the services' rules are not what is tested)."""
    ensure_standard_sources()
    FundingSource.objects.get_or_create(code=EXTRA_SOURCE[0], defaults={"name": EXTRA_SOURCE[1]})
    sources = {source.code: source for source in FundingSource.objects.all()}
    school_year = school_year_get_or_create(code="2023/2024")
    programmes = {
        level: Programme.objects.get_or_create(code=f"9{index}999999", defaults={"name": level, "level": level})[0]
        for index, level in enumerate(LEVELS)
    }
    institutions = {
        row.key: Institution.objects.create(
            name=row.name,
            registration_number=row.registration_number,
            type=row.type,
            founder=row.founder,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )
        for row in world.institutions
    }
    groups = {
        row.key: Group.objects.create(
            institution=institutions[row.institution],
            school_year=school_year,
            programme=programmes[row.level],
            name=f"G{row.key}",
            kind=row.kind,
        )
        for row in world.groups
    }
    codes = PersonalCodes()
    learners: dict[int, Learner] = {}
    for row in world.enrolments:
        if row.learner not in learners:
            birth = date(2010, 1, 1 + row.learner)
            learners[row.learner] = Learner.objects.create(
                personal_code=codes.for_birth_date(birth),
                first_name="Bērns",
                last_name=f"L{row.learner}",
                birth_date=birth,
            )
        Enrolment.objects.create(
            learner=learners[row.learner], group=groups[row.group], enrolled_on=row.enrolled_on, left_on=row.left_on
        )
    sets = {}
    for row in world.sets:
        sets[row.key] = InstitutionSet.objects.create(name=row.name)
        sets[row.key].members.set([institutions[key] for key in row.members])
    allocations = {
        row.key: Allocation.objects.create(
            year=row.year,
            institution=institutions[row.institution] if row.institution is not None else None,
            institution_set=sets[row.institution_set] if row.institution_set is not None else None,
            purpose=row.purpose,
            source=sources[row.source],
            amount=row.amount,
        )
        for row in world.allocations
    }
    for row in world.expenditures:
        Expenditure.objects.create(
            allocation=allocations[row.allocation], date=row.day, amount=row.amount, document=row.document
        )
    for row in world.cost_rates:
        CostRate.objects.create(year=row.year, kind=row.kind, monthly_cost=row.monthly_cost)
    municipalities = {
        index: Municipality.objects.get_or_create(name=name)[0] for index, name in enumerate(world.municipalities)
    }
    for row in world.settlements:
        SettlementLine.objects.create(
            municipality=municipalities[row.municipality],
            direction=row.direction,
            level=row.level,
            period_start=row.period_start,
            period_end=row.period_end,
            learners=row.learners,
            months=row.months,
            monthly_cost=row.monthly_cost,
        )
    return Stored(
        allocation_ids={key: allocation.pk for key, allocation in allocations.items()},
        municipality_ids={key: municipality.pk for key, municipality in municipalities.items()},
    )


# --- the definition, computed over the rows in memory


def to_cents(value: Fraction | Decimal | int) -> Decimal:
    """An exact amount rounded half up (away from zero) to cents."""
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    hundredths = int(abs(exact) * 100 + Fraction(1, 2))  # floor of a non-negative number
    return (Decimal(sign * hundredths) / 100).quantize(Decimal("0.01"))


def as_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole in percent, rounded half up to 2 places; None for a whole of 0."""
    return None if whole == 0 else to_cents(Fraction(part) * 100 / Fraction(whole))


def holds_on(row: EnrolmentRow, day: date) -> bool:
    """The registry's rule: enrolled on or before the day and not left by then."""
    return row.enrolled_on <= day and (row.left_on is None or row.left_on > day)


def cost_kind(group: GroupRow) -> str | None:
    if group.level == "preschool":
        return "preschool_24h" if group.kind == "24h" else "preschool_day"
    return {"basic": "general", "secondary": "general", "interest": "interest"}.get(group.level)


def expected_learner_months(world: World, year: int, until: date) -> dict[int, dict[str, int]]:
    """learner-months(institution, kind): Σ over the 1st of each month of the year up to the date, the learners
    enrolled that day in the institution's groups of that kind (a learner once, however many such places)."""
    groups = {group.key: group for group in world.groups}
    result: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > until:
            break
        present: set[tuple[int, str, int]] = set()
        for row in world.enrolments:
            group = groups[row.group]
            kind = cost_kind(group)
            if kind is not None and holds_on(row, first):
                present.add((group.institution, kind, row.learner))
        for institution, kind, _learner in present:
            result[institution][kind] += 1
    return result


def expected_cost_per_learner(world: World) -> dict[str, dict[str, Any]]:
    year = world.as_of.year
    until = min(world.as_of, date(year, 12, 31))
    months = expected_learner_months(world, year, until)
    total_months = {institution: sum(kinds.values()) for institution, kinds in months.items()}
    allocations = {row.key: row for row in world.allocations}
    members = {row.key: row.members for row in world.sets}
    spending: dict[int, Fraction] = defaultdict(Fraction)
    for expenditure in world.expenditures:
        allocation = allocations[expenditure.allocation]
        if allocation.year != year or expenditure.day > until:
            continue
        if allocation.institution is not None:
            spending[allocation.institution] += Fraction(expenditure.amount)
            continue
        weights = {member: total_months.get(member, 0) for member in members[allocation.institution_set]}
        weight_sum = sum(weights.values())
        for member, weight in weights.items():
            if weight_sum:
                spending[member] += Fraction(expenditure.amount) * weight / weight_sum
    approved = {row.kind: row.monthly_cost for row in world.cost_rates if row.year == year}
    result = {}
    for kind in KINDS:
        kind_months = sum(kinds.get(kind, 0) for kinds in months.values())
        kind_spent = sum(
            (
                spending[institution] * kinds[kind] / total_months[institution]
                for institution, kinds in months.items()
                if kinds.get(kind)
            ),
            Fraction(0),
        )
        computed = to_cents(kind_spent / kind_months) if kind_months else None
        rate = approved.get(kind)
        result[kind] = {
            "approved": None if rate is None else to_cents(rate),
            "computed": computed,
            "difference": None if computed is None or rate is None else to_cents(computed - rate),
            "spent": to_cents(kind_spent),
            "learner_months": kind_months,
        }
    return result


def expected_settlements(world: World, stored: Stored) -> dict[str, Any]:
    date_from, date_to = date(world.as_of.year, 1, 1), date(world.as_of.year, 12, 31)
    lines = [row for row in world.settlements if row.period_start >= date_from and row.period_end <= date_to]

    def amount(row: SettlementRow) -> Decimal:
        return to_cents(row.learners * row.months * row.monthly_cost)

    def side(rows: list[SettlementRow]) -> dict[str, Any]:
        return {
            "learners_by_level": {
                level: sum(r.learners for r in rows if r.level == level) for level in SETTLEMENT_LEVELS
            },
            "learners_total": sum(r.learners for r in rows),
            "learner_months": sum(r.learners * r.months for r in rows),
            "amount_by_level": {
                level: to_cents(sum((amount(r) for r in rows if r.level == level), Decimal(0)))
                for level in SETTLEMENT_LEVELS
            },
            "amount": to_cents(sum((amount(r) for r in rows), Decimal(0))),
        }

    def totals(rows: list[SettlementRow]) -> dict[str, Any]:
        receivable = sum((amount(r) for r in rows if r.direction == "incoming"), Decimal(0))
        due = sum((amount(r) for r in rows if r.direction == "outgoing"), Decimal(0))
        return {
            "incoming": side([r for r in rows if r.direction == "incoming"]),
            "outgoing": side([r for r in rows if r.direction == "outgoing"]),
            "receivable": to_cents(receivable),
            "due": to_cents(due),
            "balance": to_cents(receivable - due),
        }

    everything = totals(lines)
    named = sorted({row.municipality for row in lines}, key=lambda index: world.municipalities[index])
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "incoming": everything["incoming"],
        "outgoing": everything["outgoing"],
        "receivable_total": everything["receivable"],
        "due_total": everything["due"],
        "balance": everything["balance"],
        "municipalities": [
            {
                "municipality": world.municipalities[index],
                "municipality_id": stored.municipality_ids[index],
                **totals([row for row in lines if row.municipality == index]),
            }
            for index in named
        ],
    }


def expected_finance_stats(world: World, stored: Stored) -> dict[str, Any]:
    """finance_stats as docs/finance.md defines it, from the rows in memory."""
    year = world.as_of.year
    institutions = {row.key: row for row in world.institutions}
    sets = {row.key: row for row in world.sets}
    uses = []
    for allocation in world.allocations:
        if allocation.year != year:
            continue
        spent = to_cents(
            sum(
                (e.amount for e in world.expenditures if e.allocation == allocation.key and e.day <= world.as_of),
                Decimal(0),
            )
        )
        if allocation.institution is not None:
            institution = institutions[allocation.institution]
            recipient, recipient_name, types = institution.registration_number, institution.name, {institution.type}
        else:
            group = sets[allocation.institution_set]  # type: ignore[index]
            recipient, recipient_name = group.name, group.name
            types = {institutions[key].type for key in group.members}
        uses.append(
            {
                "id": stored.allocation_ids[allocation.key],
                "year": year,
                "recipient": recipient,
                "recipient_name": recipient_name,
                "purpose": allocation.purpose,
                "source": allocation.source,
                "allocated": to_cents(allocation.amount),
                "spent": spent,
                "utilisation_percent": as_percent(spent, allocation.amount),
                "recipient_types": sorted(types),
            }
        )
    uses.sort(key=lambda use: (use["recipient_name"], use["purpose"], use["source"]))
    by_source = {}
    for code in sorted({use["source"] for use in uses}):
        allocated = sum((use["allocated"] for use in uses if use["source"] == code), Decimal(0))
        spent = sum((use["spent"] for use in uses if use["source"] == code), Decimal(0))
        by_source[code] = {
            "allocated": to_cents(allocated),
            "spent": to_cents(spent),
            "utilisation_percent": as_percent(spent, allocated),
        }
    return {
        "as_of": world.as_of.isoformat(),
        "year": year,
        "sources": dict(SOURCES),
        "utilisation_by_allocation": uses,
        "utilisation_by_source": by_source,
        "cost_per_learner": expected_cost_per_learner(world),
        "settlements": expected_settlements(world, stored),
    }


def assert_same_json(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Equal key by key (a readable failure), then equal as the command's JSON text (order and digits)."""
    for key in expected:
        assert actual.get(key) == expected[key], key
    assert actual.keys() == expected.keys()
    assert json_figures(actual) == json_figures(expected)
    json.loads(json_figures(actual), parse_float=Decimal)  # and it is JSON


def check(world: World) -> None:
    with transaction.atomic():
        stored = store(world)
        actual = finance_stats(as_of=world.as_of, visible_to=WHOLE_CITY)
        assert_same_json(actual, expected_finance_stats(world, stored))
        transaction.set_rollback(True)


# --- the tests


def test_finance_stats_is_its_definition_over_random_worlds() -> None:
    """Every key of finance_stats: as_of, year, sources, utilisation by allocation (spent up to the date,
    utilisation, recipient types) and by source, the cost per learner (approved, computed, difference, spent,
    learner-months, group allocations shared by learner-months) and the year's settlements."""

    @EXAMPLES
    @given(world=worlds())
    def run(world: World) -> None:
        check(world)

    run()


def test_spending_on_the_date_itself_counts_and_a_day_later_does_not() -> None:
    """A hand-made world at the edges the draws may miss: spending on the date, the day after, in another year;
    a group allocation shared 3 : 1 by learner-months; a learner who left on the 1st of a month."""
    institutions = [
        InstitutionRow(0, "Iestāde A", "9900000000", "basic", "municipality", None, None),
        InstitutionRow(1, "Iestāde B", "9900000001", "preschool", "state", None, date(2024, 3, 1)),
    ]
    groups = [GroupRow(0, 0, "basic", "day"), GroupRow(1, 1, "preschool", "24h"), GroupRow(2, 0, "vocational", "day")]
    enrolments = [
        EnrolmentRow(0, 0, date(2023, 9, 1), None),  # general at A on 1.01, 1.02, 1.03
        EnrolmentRow(1, 1, date(2023, 9, 1), date(2024, 2, 1)),  # 24h at B on 1.01 only
        EnrolmentRow(2, 2, date(2023, 9, 1), None),  # vocational: not counted
    ]
    world = World(
        as_of=date(2024, 3, 15),
        institutions=institutions,
        groups=groups,
        enrolments=enrolments,
        sets=[SetRow(0, "Grupa 1", (0, 1))],
        allocations=[
            AllocationRow(0, 2024, 0, None, "teaching_aids", "state", Decimal("1000.00")),
            AllocationRow(1, 2024, None, 0, "salaries", "municipal", Decimal("3.00")),
            AllocationRow(2, 2023, 0, None, "teaching_aids", "state", Decimal("500.00")),
        ],
        expenditures=[
            ExpenditureRow(0, date(2024, 3, 15), Decimal("0.10"), "on the day"),
            ExpenditureRow(0, date(2024, 3, 16), Decimal("900.00"), "a day later"),
            ExpenditureRow(1, date(2024, 1, 1), Decimal("1.00"), "shared"),
            ExpenditureRow(2, date(2023, 12, 31), Decimal("400.00"), "last year"),
        ],
        cost_rates=[CostRateRow(2024, "general", Decimal("0.05"))],
        municipalities=["Preiļu novads"],
        settlements=[
            SettlementRow(0, "incoming", "basic", date(2024, 1, 1), date(2024, 8, 31), 3, 8, Decimal("58.02")),
            SettlementRow(0, "outgoing", "basic", date(2023, 9, 1), date(2024, 1, 31), 9, 5, Decimal("10.00")),
        ],
    )
    with transaction.atomic():
        stored = store(world)
        actual = finance_stats(as_of=world.as_of, visible_to=WHOLE_CITY)
        expected = expected_finance_stats(world, stored)
        assert_same_json(actual, expected)
        # and the definition itself, worked out by hand
        assert [use["spent"] for use in actual["utilisation_by_allocation"]] == [Decimal("1.00"), Decimal("0.10")]
        general, night = actual["cost_per_learner"]["general"], actual["cost_per_learner"]["preschool_24h"]
        assert (general["learner_months"], night["learner_months"]) == (3, 1)
        assert general["spent"] == Decimal("0.85")  # 0.10 + 3/4 of 1.00
        assert general["computed"] == Decimal("0.28")  # 0.85 / 3 = 0.2833…
        assert general["difference"] == Decimal("0.23")
        assert night["computed"] == Decimal("0.25")
        assert actual["settlements"]["receivable_total"] == Decimal("1392.48")
        assert actual["settlements"]["due_total"] == Decimal("0.00")  # its period starts in 2023
        transaction.set_rollback(True)


def test_a_learner_in_two_groups_of_one_kind_counts_once_in_the_learner_months() -> None:
    """One learner in a basic class and a secondary class of one school from 1 September 2023 (nothing forbids
    it: the unique constraint is per learner and group); as of 15 January 2024 the school has 1 general
    learner-month, and its spending of 10.00 is 10.00 a learner-month."""
    world = World(
        as_of=date(2024, 1, 15),
        institutions=[InstitutionRow(0, "Iestāde A", "9900000000", "secondary", "municipality", None, None)],
        groups=[GroupRow(0, 0, "basic", "day"), GroupRow(1, 0, "secondary", "day")],
        enrolments=[EnrolmentRow(0, 0, date(2023, 9, 1), None), EnrolmentRow(0, 1, date(2023, 9, 1), None)],
        sets=[],
        allocations=[AllocationRow(0, 2024, 0, None, "salaries", "municipal", Decimal("100.00"))],
        expenditures=[ExpenditureRow(0, date(2024, 1, 10), Decimal("10.00"), "D-1")],
        cost_rates=[],
        municipalities=[],
        settlements=[],
    )
    with transaction.atomic():
        stored = store(world)
        actual = finance_stats(as_of=world.as_of, visible_to=WHOLE_CITY)
        expected = expected_finance_stats(world, stored)
        assert expected["cost_per_learner"]["general"]["learner_months"] == 1
        assert expected["cost_per_learner"]["general"]["computed"] == Decimal("10.00")
        assert_same_json(actual, expected)
        transaction.set_rollback(True)

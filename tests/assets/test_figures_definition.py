"""`assets_stats` against its definition: random small worlds of devices with status histories, loans to learners
and staff, licences and rooms, the selector's answer, and the same figures computed in plain Python from the rows.

The definitions (docs/assets.md, assets/selectors.py):
- a device counts from the day it was acquired (always, when that day is unknown);
- its status on a day is that of the last entry of its history on or before the day (in stock before its first
  entry; its recorded status when it has no history);
- a loan is open on a day when lent on or before it and not returned by then; overdue when its due day is before it;
- a device counts as lent when on a loan open that day, whatever its status says; lost and written-off devices
  count only in their own status; otherwise in repair when so, else in stock;
- `total`, the institutions' counts and the value cover the devices held: in stock, lent or in repair;
- licence seats are those of licences in force on the day (from `valid_from` to `valid_to`, both included).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.assets.choices import AssetStatus, RoomKind, ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Licence, Loan, Room
from eduboard.assets.selectors import assets_stats
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import FundingSource
from eduboard.finance.sources import ensure_standard_sources
from eduboard.people.models import StaffMember
from eduboard.registry.models import Learner
from eduboard.registry.synthetic import PersonalCodes
from tests.figure_worlds import (
    FIGURE_SETTINGS,
    InstitutionRow,
    create_institutions,
    day_on_or_after,
    days,
    differing_keys,
    institution_rows,
    rolled_back,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

STATUSES = [status.value for status in AssetStatus]
HELD = {AssetStatus.IN_STOCK, AssetStatus.LENT, AssetStatus.IN_REPAIR}
KINDS = ["chromebook", "laptop", "interactive_screen"]  # standard kinds (made by a migration)
SOURCES = ["state", "eu_funds", None]  # standard funding sources (made by a migration), or none
PRICES = [None, Decimal("0.00"), Decimal("259.00"), Decimal("300.50"), Decimal("2499.99")]


@dataclass(frozen=True)
class LoanRow:
    borrower: str  # "learner" or "staff"
    lent_on: date
    due_on: date | None
    returned_on: date | None

    def open_on(self, day: date) -> bool:
        return self.lent_on <= day and (self.returned_on is None or self.returned_on > day)


@dataclass(frozen=True)
class AssetRow:
    index: int
    kind: str
    institution: int
    source: str | None
    acquired_on: date | None
    price: Decimal | None
    history: tuple[tuple[date, str], ...]  # (day, status), in the order recorded
    status: str  # the recorded status: the last entry's, or any when there is no history
    loans: tuple[LoanRow, ...]

    @property
    def status_since(self) -> date | None:
        return self.history[-1][0] if self.history else None

    def status_on(self, day: date) -> str:
        if not self.history:
            return self.status
        before = [status for changed_on, status in self.history if changed_on <= day]
        return before[-1] if before else AssetStatus.IN_STOCK.value

    def bucket_on(self, day: date) -> str:
        status = self.status_on(day)
        if status in (AssetStatus.LOST, AssetStatus.WRITTEN_OFF):
            return status
        if any(loan.open_on(day) for loan in self.loans):
            return AssetStatus.LENT.value
        return AssetStatus.IN_REPAIR.value if status == AssetStatus.IN_REPAIR else AssetStatus.IN_STOCK.value


@dataclass(frozen=True)
class LicenceRow:
    product: str
    institution: int
    seats: int
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class RoomRow:
    institution: int
    name: str
    kind: str
    computers: int


@dataclass
class AssetsWorld:
    institutions: list[InstitutionRow]
    assets: list[AssetRow]
    licences: list[LicenceRow]
    rooms: list[RoomRow]


@st.composite
def asset_rows(draw: st.DrawFn, index: int, institutions: list[int]) -> AssetRow:
    acquired_on = draw(st.none() | days())
    history: list[tuple[date, str]] = []
    if draw(st.integers(0, 4)) > 0:  # most devices have a history, from their acquisition day or a later one
        day = acquired_on or draw(days())
        for _ in range(draw(st.integers(1, 3))):
            history.append((day, draw(st.sampled_from(STATUSES))))
            day = day_on_or_after(draw, day)
    loans: list[LoanRow] = []
    first = draw(days())
    for _ in range(draw(st.integers(0, 2))):  # one after the other; the last may still be open
        lent_on = first
        returned_on = None if draw(st.booleans()) else day_on_or_after(draw, lent_on)
        loans.append(
            LoanRow(
                borrower=draw(st.sampled_from(["learner", "staff"])),
                lent_on=lent_on,
                due_on=None if draw(st.integers(0, 3)) == 0 else day_on_or_after(draw, lent_on),
                returned_on=returned_on,
            )
        )
        if returned_on is None:
            break
        first = day_on_or_after(draw, returned_on)
    return AssetRow(
        index=index,
        kind=draw(st.sampled_from(KINDS)),
        institution=draw(st.sampled_from(institutions)),
        source=draw(st.sampled_from(SOURCES)),
        acquired_on=acquired_on,
        price=draw(st.sampled_from(PRICES)),
        history=tuple(history),
        status=history[-1][1] if history else draw(st.sampled_from(STATUSES)),
        loans=tuple(loans),
    )


@st.composite
def assets_worlds(draw: st.DrawFn) -> AssetsWorld:
    institutions = draw(institution_rows(min_size=1, max_size=3))
    numbers = [row.index for row in institutions]
    assets = [draw(asset_rows(index, numbers)) for index in range(draw(st.integers(1, 9)))]
    licences: dict[tuple[str, int, date], LicenceRow] = {}
    for _ in range(draw(st.integers(0, 4))):
        valid_from = draw(days())
        licence = LicenceRow(
            product=draw(st.sampled_from(["Soma.lv", "Uzdevumi.lv"])),
            institution=draw(st.sampled_from(numbers)),
            seats=draw(st.integers(1, 30)),
            valid_from=valid_from,
            valid_to=None if draw(st.booleans()) else day_on_or_after(draw, valid_from),
        )
        licences.setdefault((licence.product, licence.institution, licence.valid_from), licence)
    rooms = [
        RoomRow(
            institution=draw(st.sampled_from(numbers)),
            name=f"Telpa {index}",
            kind=draw(st.sampled_from(list(RoomKind.values))),
            computers=draw(st.integers(0, 20)),
        )
        for index in range(draw(st.integers(0, 4)))
    ]
    return AssetsWorld(institutions, assets, list(licences.values()), rooms)


def store(world: AssetsWorld) -> list[str]:
    """Write the world's rows to the database; the codes of every asset kind there (the figures list them all)."""
    codes = PersonalCodes()
    institutions = create_institutions(world.institutions)
    # Made by migrations; made again here, since a test that commits (transaction=True) empties every table.
    ensure_standard_kinds()
    ensure_standard_sources()
    kinds = {kind.code: kind for kind in AssetKind.objects.filter(code__in=KINDS)}
    sources = {source.code: source for source in FundingSource.objects.filter(code__in=[s for s in SOURCES if s])}
    assert set(kinds) == set(KINDS) and len(sources) == 2
    learner = Learner.objects.create(
        personal_code=codes.for_birth_date(date(2012, 5, 5)),
        first_name="Anna",
        last_name="Liepa",
        birth_date=date(2012, 5, 5),
    )
    staff = StaffMember.objects.create(
        personal_code=codes.for_birth_date(date(1980, 5, 5)), first_name="Inese", last_name="Ozola"
    )
    for row in world.assets:
        asset = Asset.objects.create(
            inventory_number=f"INV-{row.index}",
            kind=kinds[row.kind],
            institution=institutions[row.institution],
            funding_source=sources.get(row.source) if row.source else None,
            acquired_on=row.acquired_on,
            price=row.price,
            status=row.status,
            status_since=row.status_since,
        )
        for changed_on, status in row.history:  # one by one: their ids keep the order recorded
            AssetStatusChange.objects.create(asset=asset, status=status, changed_on=changed_on)
        for loan in row.loans:
            Loan.objects.create(
                asset=asset,
                learner=learner if loan.borrower == "learner" else None,
                staff_member=staff if loan.borrower == "staff" else None,
                lent_on=loan.lent_on,
                due_on=loan.due_on,
                returned_on=loan.returned_on,
            )
    for licence in world.licences:
        Licence.objects.create(
            product=licence.product,
            institution=institutions[licence.institution],
            seats=licence.seats,
            valid_from=licence.valid_from,
            valid_to=licence.valid_to,
        )
    for room in world.rooms:
        Room.objects.get_or_create(
            institution=institutions[room.institution],
            name=room.name,
            defaults={"kind": room.kind, "computers": room.computers},
        )
    return list(AssetKind.objects.order_by("pk").values_list("code", flat=True))


# --- the definitions, over the rows in memory


def expected_assets_stats(world: AssetsWorld, as_of: date, all_kinds: list[str]) -> dict[str, Any]:
    """Every key of `assets_stats`, from the definitions."""
    numbers = {row.index: row.registration_number for row in world.institutions}
    counted = [a for a in world.assets if a.acquired_on is None or a.acquired_on <= as_of]
    by_kind = {code: {"total": 0, **dict.fromkeys(STATUSES, 0)} for code in all_kinds}
    by_institution: dict[str, Counter[str]] = defaultdict(Counter)
    value: dict[str, Decimal] = defaultdict(Decimal)
    for asset in counted:
        bucket = asset.bucket_on(as_of)
        by_kind[asset.kind][bucket] += 1
        if bucket in HELD:
            by_kind[asset.kind]["total"] += 1
            by_institution[numbers[asset.institution]][asset.kind] += 1
            if asset.price is not None:
                value[asset.source or "none"] += asset.price
    loans = [loan for asset in world.assets for loan in asset.loans if loan.open_on(as_of)]
    seats: Counter[str] = Counter()
    for licence in world.licences:
        if licence.valid_from <= as_of and (licence.valid_to is None or licence.valid_to >= as_of):
            seats[licence.product] += licence.seats
    rooms = Counter(room.kind for room in world.rooms)
    return {
        "as_of": as_of.isoformat(),
        "assets_by_kind": by_kind,
        "assets_by_institution": {number: dict(counts) for number, counts in sorted(by_institution.items())},
        "on_loan_to_learners": sum(loan.borrower == "learner" for loan in loans),
        "on_loan_to_staff": sum(loan.borrower == "staff" for loan in loans),
        "overdue_loans": sum(loan.due_on is not None and loan.due_on < as_of for loan in loans),
        "value_by_source": {source: amount.quantize(Decimal("0.01")) for source, amount in sorted(value.items())},
        "licence_seats": dict(sorted(seats.items())),
        "rooms_by_kind": {kind: rooms[kind] for kind in RoomKind.values},
        "computers_in_rooms": sum(room.computers for room in world.rooms),
    }


# --- the tests


def test_assets_stats_equal_their_definition_in_random_worlds() -> None:
    @FIGURE_SETTINGS
    @given(world=assets_worlds(), as_of=days())
    def check(world: AssetsWorld, as_of: date) -> None:
        with rolled_back():
            all_kinds = store(world)
            answer = assets_stats(as_of=as_of, visible_to=WHOLE_CITY)
            expected = expected_assets_stats(world, as_of, all_kinds)
            assert list(answer) == list(expected)  # every key, in the documented order
            assert differing_keys(answer, expected) == {}
            assert all(isinstance(amount, Decimal) for amount in answer["value_by_source"].values())

    check()


def test_the_world_strategy_reaches_the_cases_the_definitions_turn_on() -> None:
    seen: dict[str, int] = defaultdict(int)

    @settings(FIGURE_SETTINGS, max_examples=200)  # no database: many worlds are cheap
    @given(world=assets_worlds(), as_of=days())
    def look(world: AssetsWorld, as_of: date) -> None:
        seen["status read from the history"] += any(
            a.status_since is not None and a.status_since > as_of for a in world.assets
        )
        seen["lent whatever its status"] += any(
            a.bucket_on(as_of) == "lent" and a.status_on(as_of) != "lent" for a in world.assets
        )
        seen["lost while on a loan"] += any(
            a.status_on(as_of) in ("lost", "written_off") and any(loan.open_on(as_of) for loan in a.loans)
            for a in world.assets
        )
        seen["not acquired yet"] += any(a.acquired_on is not None and a.acquired_on > as_of for a in world.assets)
        seen["an overdue loan"] += any(
            loan.open_on(as_of) and loan.due_on is not None and loan.due_on < as_of
            for a in world.assets
            for loan in a.loans
        )

    look()
    assert len(seen) == 5 and all(seen.values()), dict(seen)

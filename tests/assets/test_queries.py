"""The assets pages make the same number of queries for three times the rows: the lists (devices, loans, licences,
rooms, stock-takes), a device with its history and loans, a stock-take with its scans, the area's figures and the
RUMIS export. A read per row (a device's kind, a loan's borrower, a scan's device) would show here as a difference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.choices import AssetStatus, ReturnCondition, RoomKind, ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Licence, Loan, Room, Stocktake, StocktakeScan
from eduboard.finance.models import FundingSource
from eduboard.finance.sources import ensure_standard_sources
from eduboard.people.models import StaffMember
from tests.registry.world import CODES, World, build_world, learner
from tests.support.queries import GrowingPages

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

N = 3  # rows of each kind at first; then 2N more (3N in all)
LENT_ON = date(2024, 9, 2)


@dataclass
class Assets:
    world: World
    head: User
    device: Asset  # the device whose page grows: its status history and its loans
    take: Stocktake  # the stock-take whose page grows: its scans


def grow(assets: Assets, start: int, count: int) -> None:
    """`count` more of every row a page lists: devices (half on loan to a learner, half to a staff member), status
    changes and returned loans of the one device, licences, rooms, stock-takes and the stock-take's scans (found,
    held elsewhere, unknown)."""
    school, other = assets.world.school, assets.world.other_school
    kinds = list(AssetKind.objects.order_by("code"))
    sources = list(FundingSource.objects.order_by("code"))
    for n in range(start, start + count):
        asset = Asset.objects.create(
            inventory_number=f"Q-{n:03d}", kind=kinds[n % len(kinds)], model=f"M{n}", serial_number=f"S{n}",
            institution=school, funding_source=sources[n % len(sources)], acquired_on=date(2024, 1, 1),
            price=Decimal("100.00"), status=AssetStatus.LENT,
        )  # fmt: skip
        borrower = learner("Anna", f"Aizņēmēja{n}", date(2015, 1, 1) + timedelta(days=n))
        staff = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, 1) + timedelta(days=n)),
            first_name="Jānis",
            last_name=f"Skolotājs{n}",
        )
        if n % 2:
            Loan.objects.create(asset=asset, staff_member=staff, lent_on=LENT_ON, due_on=date(2025, 6, 20))
        else:
            Loan.objects.create(asset=asset, learner=borrower, lent_on=LENT_ON, due_on=date(2025, 6, 20))
        day = date(2023, 9, 1) + timedelta(days=n)
        Loan.objects.create(
            asset=assets.device, learner=borrower, lent_on=day, returned_on=day, condition=ReturnCondition.DAMAGED
        )
        AssetStatusChange.objects.create(
            asset=assets.device, status=AssetStatus.IN_REPAIR, changed_on=day, changed_by=assets.head, note=f"{n}"
        )
        Licence.objects.create(
            product=f"Produkts {n}", institution=school, seats=10, valid_from=date(2024, 9, 1),
            funding_source=sources[n % len(sources)],
        )  # fmt: skip
        Room.objects.create(institution=school, name=f"{100 + n}", kind=RoomKind.values[n % 7], places=20, computers=n)
        Stocktake.objects.create(institution=school, started_on=day, started_by=assets.head)
        elsewhere = Asset.objects.create(
            inventory_number=f"E-{n:03d}", kind=kinds[n % len(kinds)], institution=other, status=AssetStatus.IN_STOCK
        )
        StocktakeScan.objects.create(stocktake=assets.take, inventory_number=asset.inventory_number, asset=asset)
        StocktakeScan.objects.create(stocktake=assets.take, inventory_number=f"E-{n:03d}", asset=elsewhere)
        StocktakeScan.objects.create(stocktake=assets.take, inventory_number=f"X-{n:03d}")
        Asset.objects.create(inventory_number=f"M-{n:03d}", kind=kinds[n % len(kinds)], institution=school)  # missing


@pytest.fixture
def world(db: None, make_user: Callable[..., User]) -> Assets:
    ensure_standard_kinds()
    ensure_standard_sources()
    world = build_world(pupils=1)
    head = make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school])
    device = Asset.objects.create(
        inventory_number="D-1", kind=AssetKind.objects.get(code="chromebook"), institution=world.school
    )
    take = Stocktake.objects.create(institution=world.school, started_on=date(2024, 10, 1), started_by=head)
    found = Assets(world, head, device, take)
    grow(found, 0, N)
    return found


PAGES: list[tuple[str, str, str]] = [  # (who, page, a text each listed row shows once)
    ("head", "/assets/devices/", "Q-"),
    ("head", "/assets/loans/", "Q-"),
    ("head", "/assets/licences/", "Produkts "),
    ("head", "/assets/rooms/", "<tr"),
    ("head", "/assets/stock-takes/", "/assets/stock-takes/"),
    ("head", "/assets/devices/{device}/", "Aizņēmēja"),
    ("head", "/assets/stock-takes/{take}/", "X-"),
    ("head", "/assets/loans/rumis.csv?institution=9000000011", "Q-"),
    ("head", "/assets/", ""),
]


class TestAssetsPages(GrowingPages):
    """Every page seen with N rows of each kind, then with 3N: the same queries each (one world for them all)."""

    N = N
    pages = PAGES

    def clients(self, world: Assets, signed_in: Callable[[User], Client]) -> dict[str, Client]:
        return {"head": signed_in(world.head)}

    grow = staticmethod(grow)  # the module's: `count` more rows of each kind

    def url_values(self, world: Assets) -> dict[str, object]:
        return {"device": world.device.pk, "take": world.take.pk}

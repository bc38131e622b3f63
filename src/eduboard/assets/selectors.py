"""Reads of the assets area that compute: the figures as of a date, a stock-take's count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eduboard.assets.choices import AssetStatus, RoomKind
from eduboard.assets.models import (
    SOFTWARE_LICENCE_PERIOD,
    Asset,
    AssetKind,
    AssetStatusChange,
    Licence,
    Loan,
    LoanQuerySet,
    Room,
    Stocktake,
)
from eduboard.assets.rules import holds_same_kind
from eduboard.core.figures_cache import cached_figures
from eduboard.core.numbers import money
from eduboard.core.scope import Viewer
from eduboard.core.translated import localized, texts_from
from eduboard.finance.models import FundingSource
from eduboard.registry.models import Enrolment, Group, Institution, Learner

STATUSES = [status.value for status in AssetStatus]
HELD = (AssetStatus.IN_STOCK.value, AssetStatus.LENT.value, AssetStatus.IN_REPAIR.value)


def _bucket(status: str, on_loan: bool) -> str:
    """Where an asset counts on a day: lost and written off in their own status; else lent when it is on an open
    loan that day, in repair when so recorded, else in stock."""
    if status in (AssetStatus.LOST, AssetStatus.WRITTEN_OFF):
        return status
    if on_loan:
        return AssetStatus.LENT.value
    if status == AssetStatus.IN_REPAIR:
        return status
    return AssetStatus.IN_STOCK.value


@dataclass
class _Holdings:
    """The devices counted so far: by kind and status (with the kind's `total` of those held), by institution and
    kind (those held), and the value of those held by funding source code."""

    kind_code: dict[int, str]
    by_kind: dict[str, dict[str, int]]
    by_institution: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @classmethod
    def of_kinds(cls, kinds: list[tuple[int, str]]) -> _Holdings:
        """Nothing counted yet, every kind at zero in every status."""
        return cls(
            kind_code=dict(kinds),
            by_kind={code: {"total": 0, **dict.fromkeys(STATUSES, 0)} for _pk, code in kinds},
        )

    def add(
        self, kind_id: int, status: str, lent: bool, number: str, source: str | None, count: int, price: Any
    ) -> None:
        """Count `count` devices of a kind in the status they have on the day (`_bucket`), and their price when
        they are held."""
        if not count:
            return
        bucket = _bucket(status, lent)
        code = self.kind_code[kind_id]
        self.by_kind[code][bucket] += count
        if bucket in HELD:
            self.by_kind[code]["total"] += count
            self.by_institution[number][code] += count
            if price is not None:
                self.value[source or "none"] += price


def _count_current_status(holdings: _Holdings, *, current: QuerySet[Asset], as_of: date) -> None:
    """Count the assets whose status began on or before the day: their status is the asset's own. Two grouped
    reads: the devices, and those of them on an open loan that day (a device is on one loan at a time), so no
    per-device subquery is run."""
    numbers = dict(Institution.objects.values_list("pk", "registration_number"))
    sources = dict(FundingSource.objects.values_list("pk", "code"))
    group = ("institution_id", "kind_id", "status", "funding_source_id")  # ids: no join, the index's order
    open_on_day = Loan.objects.open_on(as_of)
    # Devices on an open loan that day (each on one at a time): the loans' devices, looked up by the devices' key.
    on_loan_counts = {
        tuple(row[:4]): row[4]
        for row in current.filter(pk__in=open_on_day.values("asset_id"))
        .values_list(*group)
        .annotate(n=Count("pk"))
        .order_by()
    }
    for institution_id, kind_id, status, source_id, count, price in (
        current.values_list(*group).annotate(n=Count("pk"), price=Sum("price")).order_by()
    ):
        number, source = numbers[institution_id], sources.get(source_id)
        lent_count = min(count, on_loan_counts.get((institution_id, kind_id, status, source_id), 0))
        if status in (AssetStatus.LOST, AssetStatus.WRITTEN_OFF):
            holdings.add(kind_id, status, False, number, source, count, price)
            continue
        holdings.add(kind_id, status, True, number, source, lent_count, None)
        holdings.add(kind_id, status, False, number, source, count - lent_count, None)
        if price is not None:  # the value of the devices held, lent or not
            holdings.value[source or "none"] += price


def _count_status_from_history(holdings: _Holdings, *, assets: QuerySet[Asset], as_of: date, on_loan: Exists) -> None:
    """Count the few assets whose status changed after the day: their status that day is read from their
    history (the last change on or before it; in stock before the first)."""
    later = list(
        assets.filter(status_since__gt=as_of)
        .annotate(on_loan=on_loan)
        .values_list("pk", "kind_id", "on_loan", "institution__registration_number", "funding_source__code", "price")
    )
    if not later:
        return
    history: dict[int, str] = {}
    for asset_id, status in (
        AssetStatusChange.objects.filter(asset_id__in=[row[0] for row in later], changed_on__lte=as_of)
        .order_by("asset_id", "changed_on", "pk")
        .values_list("asset_id", "status")
    ):
        history[asset_id] = status  # the last one wins
    for asset_id, kind_id, lent, number, source, price in later:
        holdings.add(kind_id, history.get(asset_id, AssetStatus.IN_STOCK.value), lent, number, source, 1, price)


def _open_loan_counts(open_loans: LoanQuerySet, *, as_of: date, visible_to: Viewer) -> dict[str, int]:
    """The viewer's loans open on the day: to learners, to staff, and overdue (one query)."""
    counts: dict[str, int] = open_loans.visible_to(visible_to).aggregate(
        learners=Count("pk", filter=Q(learner__isnull=False)),
        staff=Count("pk", filter=Q(staff_member__isnull=False)),
        overdue=Count("pk", filter=Q(due_on__lt=as_of)),
    )
    return counts


@cached_figures("registry", "people", "finance", "assets")
def assets_stats(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The assets figures as of a date (`manage.py assets_stats`, `GET /api/assets/stats/`): assets by kind and
    status, by institution and kind, loans to learners and staff, overdue loans, value by funding source, licence
    seats in force, rooms by kind and their computers. `total`, the institutions' counts and the value cover the
    assets held (in stock, lent, in repair). A handful of grouped queries whatever the number of assets."""
    assets = Asset.objects.visible_to(visible_to).filter(Q(acquired_on__isnull=True) | Q(acquired_on__lte=as_of))
    open_loans = Loan.objects.open_on(as_of)
    on_loan = Exists(open_loans.filter(asset=OuterRef("pk")))
    holdings = _Holdings.of_kinds(list(AssetKind.objects.values_list("pk", "code")))
    current = assets.filter(Q(status_since__isnull=True) | Q(status_since__lte=as_of))
    _count_current_status(holdings, current=current, as_of=as_of)
    _count_status_from_history(holdings, assets=assets, as_of=as_of, on_loan=on_loan)
    loans = _open_loan_counts(open_loans, as_of=as_of, visible_to=visible_to)
    seats = (
        Licence.objects.visible_to(visible_to)
        .filter(SOFTWARE_LICENCE_PERIOD.in_force_q(as_of))
        .values_list("product")
        .annotate(seats=Sum("seats"))
        .order_by("product")
    )
    rooms = Room.objects.visible_to(visible_to)
    room_counts = dict(rooms.values_list("kind").annotate(n=Count("pk")).order_by())
    return {
        "as_of": as_of.isoformat(),
        "assets_by_kind": holdings.by_kind,
        "assets_by_institution": {number: dict(counts) for number, counts in sorted(holdings.by_institution.items())},
        "on_loan_to_learners": loans["learners"],
        "on_loan_to_staff": loans["staff"],
        "overdue_loans": loans["overdue"],
        "value_by_source": {source: money(amount) for source, amount in sorted(holdings.value.items())},
        "licence_seats": dict(seats),
        "rooms_by_kind": {kind: room_counts.get(kind, 0) for kind in RoomKind.values},
        "computers_in_rooms": rooms.aggregate(n=Sum("computers"))["n"] or 0,
    }


@dataclass
class StocktakeResult:
    found: list[Asset]
    missing: list[Asset]
    elsewhere: list[Asset]  # found here, held by another institution
    unknown: list[str]  # numbers of no asset


def stocktake_result(*, stocktake: Stocktake) -> StocktakeResult:
    """What a stock-take has found so far: the institution's assets found and missing (those it holds: lost and
    written-off ones are not looked for), assets of other institutions found here, and unknown numbers."""
    scans = list(stocktake.scans.select_related("asset__kind", "asset__institution").order_by("scanned_at", "pk"))
    found_ids = {scan.asset_id for scan in scans if scan.asset_id}
    held = (
        Asset.objects.filter(institution_id=stocktake.institution_id, status__in=HELD)
        .select_related("kind")
        .order_by("inventory_number")
    )
    found = [scan.asset for scan in scans if scan.asset and scan.asset.institution_id == stocktake.institution_id]
    return StocktakeResult(
        found=[asset for asset in found if asset is not None],
        missing=[asset for asset in held if asset.pk not in found_ids],
        elsewhere=[
            scan.asset
            for scan in scans
            if scan.asset is not None and scan.asset.institution_id != stocktake.institution_id
        ],
        unknown=[scan.inventory_number for scan in scans if scan.asset_id is None],
    )


def assets_by_project(*, as_of: date, visible_to: Viewer) -> list[dict[str, Any]]:
    """The devices held on the date by the project that paid for them: reference, title, kind, count, and the kind's
    code and the title in each language (`kind_code`, `titles`, for a report) (one query)."""
    rows = (
        Asset.objects.visible_to(visible_to)
        .filter(project__isnull=False)
        .filter(Q(acquired_on__isnull=True) | Q(acquired_on__lte=as_of))
        .exclude(status__in=(AssetStatus.LOST, AssetStatus.WRITTEN_OFF), status_since__lte=as_of)
        .annotate(kind_name=localized("kind__name", Asset))
        .values_list(
            "project__reference", "project__title", "kind_name", "kind__code", "project__title_en", "project__title_ru"
        )
        .annotate(n=Count("pk"))
        .order_by("project__reference", "kind_name")
    )
    return [
        {
            "reference": ref,
            "title": title,
            "kind": kind,
            "count": count,
            "kind_code": code,
            "titles": texts_from(title, english, russian),
        }
        for ref, title, kind, code, english, russian, count in rows
    ]


def institution_resources(*, institution: Institution, as_of: date) -> dict[str, Any]:
    """An institution's rooms and equipment (2 queries): `rooms` ([(room kind, rooms, places, computers)] in the
    kinds' order) and `assets` ([(asset kind name, count)], most first): those acquired by `as_of` and held now
    (in stock, lent or in repair)."""
    rooms = {
        kind: (count, places or 0, computers or 0)
        for kind, count, places, computers in Room.objects.filter(institution=institution)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"), places=Sum("places"), computers=Sum("computers"))
        .values_list("kind", "n", "places", "computers")
    }
    held = (
        Asset.objects.filter(institution=institution, status__in=HELD)
        .filter(Q(acquired_on__isnull=True) | Q(acquired_on__lte=as_of))
        .order_by()
        .annotate(kind_name=localized("kind__name", Asset))
        .values_list("kind_name")
        .annotate(n=Count("pk"))
        .values_list("kind_name", "n")
    )
    return {
        "rooms": [(kind, *rooms[kind]) for kind in RoomKind.values if kind in rooms],
        "assets": sorted(held, key=lambda row: (-row[1], row[0])),
    }


def group_learners_on(*, group: Group, on: date) -> list[Learner]:
    """The learners of a group (class) on a day (`EnrolmentQuerySet.holding_on`), in the Latvian alphabet."""
    return list(
        Learner.objects.filter(
            pk__in=Enrolment.objects.holding_on(on).filter(group=group).values("learner_id")
        ).order_by("sort_name", "pk")
    )


def held_devices(*, loans: list[Loan], visible_to: Viewer) -> dict[int, str]:
    """The devices of `loans`, by loan, as the warning of a second device names them: "CB-1 (02.09.2024.)", the
    inventory number only of a device the viewer sees (another institution's is named as such; 1 query)."""
    seen = set(
        Asset.objects.visible_to(visible_to)
        .filter(pk__in=[loan.asset_id for loan in loans])
        .values_list("pk", flat=True)
    )
    return {
        loan.pk: "{} ({})".format(
            loan.asset.inventory_number if loan.asset_id in seen else _("a device of another institution"),
            date_format(loan.lent_on, "SHORT_DATE_FORMAT"),
        )
        for loan in loans
    }


def group_holders_of_kind(
    *, group: Group, kind: AssetKind, on: date, visible_to: Viewer
) -> list[tuple[Learner, list[str]]]:
    """The learners of a group on a day who already hold a device of `kind` (`rules.holds_same_kind`), each with
    those devices (`held_devices`): the class lending lists them and asks before lending them another (3 queries)."""
    learners = group_learners_on(group=group, on=on)
    held = holds_same_kind(learner_ids=[learner.pk for learner in learners], kind_id=kind.pk, on=on)
    named = held_devices(loans=[loan for loans in held.values() for loan in loans], visible_to=visible_to)
    return [(learner, [named[loan.pk] for loan in held[learner.pk]]) for learner in learners if learner.pk in held]

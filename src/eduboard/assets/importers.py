"""Assets file formats: `assets`, `loans`, `licences`, `rooms` (all or nothing, idempotent by natural key).

Institutions by registration number, funding sources and kinds by code, dates `YYYY-MM-DD`, prices with a dot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.assets.choices import AssetStatus, ReturnCondition, RoomKind
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Licence, Loan, Room
from eduboard.assets.rules import RETURN_STATUS, learner_enrolled_at, loans_meet, staff_member_works_at
from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    next_version,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
    parse_text,
)
from eduboard.finance.importers import SourcesByBoard, parse_amount
from eduboard.people.models import StaffMember
from eduboard.registry.models import Institution, Learner
from eduboard.registry.validators import normalise_personal_code


class AssetsImporter(ScopedImporter):
    """Looks institutions, funding sources and kinds up once per pass."""

    logs_ids = False  # the files name institutions, kinds and sources by code

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.board_of = dict(Institution.objects.values_list("pk", "board_id"))
        self.sources = SourcesByBoard(self.viewer)  # the row's institution's board's sources (`source_id`)
        self.board_id: int | None = None
        self.kinds = dict(AssetKind.objects.values_list("code", "pk"))

    def institution_id(self, values: dict[str, str]) -> int:
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        self.board_id = self.board_of.get(institution_id)
        return institution_id

    def source_id(self, values: dict[str, str]) -> int | None:
        code = values.get("funding_source", "").strip()
        if not code:
            return None
        return self.sources.source_id(self.board_id, code, "funding_source")


@dataclass(frozen=True)
class AssetRow:
    inventory_number: str
    values: dict[str, Any]


class AssetImporter(AssetsImporter):
    """`inventory_number,kind,model,serial_number,institution,funding_source,acquired_on,price,status`."""

    kind = "assets"
    title = gettext_lazy("Devices and equipment")
    permission = "assets.add_asset"
    columns: ClassVar[list[str]] = [
        "inventory_number", "kind", "model", "serial_number", "institution", "funding_source", "acquired_on",
        "price", "status",
    ]  # fmt: skip
    optional_columns: ClassVar[frozenset[str]] = frozenset(
        {"model", "serial_number", "funding_source", "acquired_on", "price", "status"}
    )
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "inventory_number": gettext_lazy("unique across the board, e.g. DVS-CB-00001"),
        "kind": gettext_lazy(
            "chromebook|laptop|tablet|interactive_screen|projector|robotics_kit|microscope|other (or a kind added)"
        ),
        "institution": gettext_lazy("registration number of the holding institution"),
        "funding_source": gettext_lazy("a funding source's code (state, municipal, eu_funds, …), may be empty"),
        "acquired_on": gettext_lazy("YYYY-MM-DD, may be empty"),
        "price": gettext_lazy("euros with a dot and at most 2 decimals, may be empty"),
        "status": format_lazy("{} {}", "|".join(AssetStatus.values), gettext_lazy("(in_stock when empty)")),
    }
    example: ClassVar[list[str]] = [
        "DVS-CB-00001", "chromebook", "Lenovo 100e", "SN123456", "9000000011", "eu_funds", "2023-08-15", "259.00",
        "in_stock",
    ]  # fmt: skip

    def prepare(self) -> None:
        super().prepare()
        self.held_elsewhere = {}
        if self.scope is not None:
            # A number held by an institution outside the viewer's scope is not theirs to change.
            self.held_elsewhere = dict(
                Asset.objects.exclude(institution_id__in=self.scope).values_list("inventory_number", "institution_id")
            )

    def parse(self, values: dict[str, str]) -> AssetRow:
        number = parse_required(values, "inventory_number", max_length=40)
        if number in self.held_elsewhere:
            raise RowProblem("inventory_number", _("%s is an asset of an institution outside your scope") % number)
        kind = values.get("kind", "").strip()
        if kind not in self.kinds:
            raise RowProblem(
                "kind", _("“%(value)s” is not one of %(allowed)s") % {"value": kind, "allowed": "|".join(self.kinds)}
            )
        price = parse_amount(values, "price") if values.get("price", "").strip() else None
        return AssetRow(
            inventory_number=number,
            values={
                "kind_id": self.kinds[kind],
                "model": parse_text(values, "model", max_length=120),
                "serial_number": parse_text(values, "serial_number", max_length=80),
                "institution_id": self.institution_id(values),
                "funding_source_id": self.source_id(values),
                "acquired_on": parse_date(values, "acquired_on", required=False),
                "price": price,
                "status": parse_choice(values, "status", AssetStatus.values, default=AssetStatus.IN_STOCK.value),
            },
        )

    def key(self, record: AssetRow) -> str:
        return record.inventory_number

    def write(self, records: list[AssetRow], result: ImportResult) -> None:
        current = {
            asset.inventory_number: asset
            for asset in Asset.objects.select_for_update().filter(
                inventory_number__in=[record.inventory_number for record in records]
            )
        }
        today = timezone.localdate()
        new: list[Asset] = []
        for record in records:
            asset = current.get(record.inventory_number)
            if asset is None:
                asset = Asset(inventory_number=record.inventory_number, **record.values)
                # What the file says holds since the asset was acquired (the import day when the file has no date).
                asset.status_since = record.values["acquired_on"] or today
                new.append(asset)
                self.counted(result, "created", record, label=asset)
                continue
            values = dict(record.values)
            if asset.status == AssetStatus.LENT and values["status"] in (AssetStatus.IN_STOCK, AssetStatus.LENT):
                values["status"] = asset.status  # a device on an open loan is lent whatever the file says
            moved = asset.status != values["status"]
            if moved:  # the new status holds from today, and enters the history
                asset.status_since = today
                AssetStatusChange.objects.create(asset=asset, status=values["status"], changed_on=today)
            self.write_changes(result, record, asset, values, also=["status_since"] if moved else ())
        Asset.objects.bulk_create(new, batch_size=2000)
        ids = dict(
            Asset.objects.filter(inventory_number__in=[asset.inventory_number for asset in new]).values_list(
                "inventory_number", "pk"
            )
        )
        AssetStatusChange.objects.bulk_create(
            [
                AssetStatusChange(
                    asset_id=ids[asset.inventory_number], status=asset.status, changed_on=asset.status_since or today
                )
                for asset in new
            ],
            batch_size=2000,
        )


@dataclass(frozen=True)
class LoanRow:
    inventory_number: str
    asset_id: int
    learner_id: int | None
    staff_member_id: int | None
    lent_on: date
    due_on: date | None
    returned_on: date | None
    condition: str


class LoanImporter(AssetsImporter):
    """`inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition`: loans of devices to learners
    (enrolled in the holding institution on the loan's first day) or staff (holding a rate there)."""

    kind = "loans"
    title = gettext_lazy("Loans of devices")
    permission = "assets.add_loan"
    columns: ClassVar[list[str]] = [
        "inventory_number", "borrower_personal_code", "lent_on", "due_on", "returned_on", "condition",
    ]  # fmt: skip
    optional_columns: ClassVar[frozenset[str]] = frozenset({"due_on", "returned_on", "condition"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "inventory_number": gettext_lazy("an asset's inventory number"),
        "borrower_personal_code": gettext_lazy("the learner's or staff member's personal code, DDMMYY-NNNNN"),
        "lent_on": "YYYY-MM-DD",
        "due_on": gettext_lazy("YYYY-MM-DD, may be empty"),
        "returned_on": gettext_lazy("YYYY-MM-DD, empty while the loan is open"),
        "condition": format_lazy("{} {}", "|".join(ReturnCondition.values), gettext_lazy("(with returned_on)")),
    }
    example: ClassVar[list[str]] = ["DVS-CB-00001", "150317-12345", "2024-09-02", "2025-06-20", "", ""]

    def prepare(self) -> None:
        super().prepare()
        assets = Asset.objects.all() if self.scope is None else Asset.objects.filter(institution_id__in=self.scope)
        self.assets = {number: (pk, institution) for number, pk, institution in assets.values_list(
            "inventory_number", "pk", "institution_id"
        )}  # fmt: skip
        # Loans already stored, per asset: (lent_on, returned_on), to refuse a row over an open loan's days.
        self.stored: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        for asset_id, lent_on, returned_on in Loan.objects.filter(
            asset_id__in=[a for a, _i in self.assets.values()]
        ).values_list("asset_id", "lent_on", "returned_on"):
            self.stored[asset_id].append((lent_on, returned_on))
        self.in_file: dict[int, list[tuple[date, date | None]]] = defaultdict(list)

    def borrower(self, code: str, institution_id: int, on: date) -> tuple[int | None, int | None]:
        learner = Learner.objects.filter(personal_code=code).values_list("pk", flat=True).first()
        if learner is not None:
            if not learner_enrolled_at(learner_id=learner, institution_id=institution_id, on=on):
                raise RowProblem(
                    "borrower_personal_code",
                    _("the learner is not enrolled in the asset's institution on %s") % on.isoformat(),
                )
            return learner, None
        staff = StaffMember.objects.filter(personal_code=code).values_list("pk", flat=True).first()
        if staff is not None:
            if not staff_member_works_at(staff_member_id=staff, institution_id=institution_id, on=on):
                raise RowProblem(
                    "borrower_personal_code",
                    _("the staff member holds no rate at the asset's institution on %s") % on.isoformat(),
                )
            return None, staff
        raise RowProblem("borrower_personal_code", _("no learner or staff member with this personal code"))

    def parse(self, values: dict[str, str]) -> LoanRow:
        number = parse_required(values, "inventory_number")
        if number not in self.assets:
            raise RowProblem("inventory_number", _("unknown inventory number %s") % number)
        asset_id, institution_id = self.assets[number]
        raw_code = parse_required(values, "borrower_personal_code")
        code = normalise_personal_code(raw_code)
        lent_on = parse_date(values, "lent_on")
        assert lent_on is not None  # noqa: S101 - required
        due_on = parse_date(values, "due_on", required=False)
        returned_on = parse_date(values, "returned_on", required=False)
        if due_on is not None and due_on < lent_on:
            raise RowProblem("due_on", _("the due date is before the loan's start"))
        if returned_on is not None and returned_on < lent_on:
            raise RowProblem("returned_on", _("the return date is before the loan's start"))
        condition = values.get("condition", "").strip()
        if returned_on is None and condition:
            raise RowProblem("condition", _("a condition is written only with the return date"))
        if returned_on is not None:
            condition = parse_choice(values, "condition", ReturnCondition.values, default=ReturnCondition.OK.value)
        learner_id, staff_id = self.borrower(code, institution_id, lent_on)
        for other_lent, other_returned in [*self.stored[asset_id], *self.in_file[asset_id]]:
            if other_lent == lent_on:
                continue  # the same loan (asset and first day): an update
            if loans_meet(
                lent_on=lent_on, returned_on=returned_on, other_lent_on=other_lent, other_returned_on=other_returned
            ):
                raise RowProblem(
                    "lent_on",
                    _("%(number)s is on another loan from %(date)s over these days")
                    % {"number": number, "date": other_lent.isoformat()},
                )
        self.in_file[asset_id].append((lent_on, returned_on))
        return LoanRow(number, asset_id, learner_id, staff_id, lent_on, due_on, returned_on, condition)

    def key(self, record: LoanRow) -> tuple[str, date]:
        return (record.inventory_number, record.lent_on)

    def write(self, records: list[LoanRow], result: ImportResult) -> None:
        current = {
            (loan.asset_id, loan.lent_on): loan
            for loan in Loan.objects.select_for_update().filter(asset_id__in={record.asset_id for record in records})
        }
        touched: set[int] = set()
        for record in records:
            values = {
                "learner_id": record.learner_id,
                "staff_member_id": record.staff_member_id,
                "due_on": record.due_on,
                "returned_on": record.returned_on,
                "condition": record.condition,
            }
            loan = current.get((record.asset_id, record.lent_on))
            if loan is None:
                loan = Loan.objects.create(asset_id=record.asset_id, lent_on=record.lent_on, **values)
                self.counted(result, "created", record, label=loan)
                touched.add(record.asset_id)
                continue
            if self.write_changes(result, record, loan, values):
                touched.add(record.asset_id)
        sync_statuses_from_loans(touched)


def sync_statuses_from_loans(asset_ids: set[int]) -> None:
    """After loans were written: a device on an open loan is lent (since the loan's first day); a device whose
    last loan was closed gets the status its condition gives (since the return day), unless lost or written off
    otherwise."""
    if not asset_ids:
        return
    loans: dict[int, Loan] = {}
    for loan in Loan.objects.filter(asset_id__in=asset_ids).order_by("asset_id", "lent_on", "pk"):
        loans[loan.asset_id] = loan  # the latest
    changes = []
    for asset in Asset.objects.select_for_update().filter(pk__in=asset_ids):
        loan = loans.get(asset.pk)
        if loan is None:
            continue
        if loan.returned_on is None:
            status, since = AssetStatus.LENT.value, loan.lent_on
        else:
            status, since = RETURN_STATUS.get(loan.condition or "ok", AssetStatus.IN_STOCK.value), loan.returned_on
            if asset.status in (AssetStatus.WRITTEN_OFF, AssetStatus.LOST) and status == AssetStatus.IN_STOCK:
                continue
        if asset.status != status:
            Asset.objects.filter(pk=asset.pk).update(status=status, status_since=since, version=next_version())
            changes.append(AssetStatusChange(asset=asset, status=status, changed_on=since))
    AssetStatusChange.objects.bulk_create(changes)


@dataclass(frozen=True)
class LicenceRow:
    product: str
    institution_id: int
    valid_from: date
    seats: int
    valid_to: date | None
    funding_source_id: int | None


class LicenceImporter(AssetsImporter):
    """`product,institution,seats,valid_from,valid_to,funding_source`."""

    kind = "licences"
    title = gettext_lazy("Licences")
    permission = "assets.add_licence"
    columns: ClassVar[list[str]] = ["product", "institution", "seats", "valid_from", "valid_to", "funding_source"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"valid_to", "funding_source"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "product": gettext_lazy("the product's name, e.g. Uzdevumi.lv PRO"),
        "institution": gettext_lazy("registration number"),
        "seats": gettext_lazy("a whole number above zero"),
        "valid_from": "YYYY-MM-DD",
        "valid_to": gettext_lazy("YYYY-MM-DD, may be empty"),
        "funding_source": gettext_lazy("a funding source's code, may be empty"),
    }
    example: ClassVar[list[str]] = ["Uzdevumi.lv PRO", "9000000011", "120", "2024-09-01", "2025-08-31", "municipal"]

    def parse(self, values: dict[str, str]) -> LicenceRow:
        valid_from = parse_date(values, "valid_from")
        assert valid_from is not None  # noqa: S101 - required
        valid_to = parse_date(values, "valid_to", required=False)
        if valid_to is not None and valid_to < valid_from:
            raise RowProblem("valid_to", _("the end is before the start"))
        seats = parse_int(values, "seats", minimum=1, maximum=1_000_000)
        assert seats is not None  # noqa: S101 - required
        return LicenceRow(
            product=parse_required(values, "product", max_length=160),
            institution_id=self.institution_id(values),
            valid_from=valid_from,
            seats=seats,
            valid_to=valid_to,
            funding_source_id=self.source_id(values),
        )

    def key(self, record: LicenceRow) -> tuple[str, int, date]:
        return (record.product, record.institution_id, record.valid_from)

    def write(self, records: list[LicenceRow], result: ImportResult) -> None:
        current = {
            (licence.product, licence.institution_id, licence.valid_from): licence
            for licence in Licence.objects.select_for_update().filter(
                institution_id__in={record.institution_id for record in records}
            )
        }
        for record in records:
            values = {"seats": record.seats, "valid_to": record.valid_to, "funding_source_id": record.funding_source_id}
            licence = current.get(self.key(record))
            if licence is None:
                licence = Licence.objects.create(
                    product=record.product, institution_id=record.institution_id, valid_from=record.valid_from, **values
                )
                self.counted(result, "created", record, label=licence)
                continue
            self.write_changes(result, record, licence, values)


@dataclass(frozen=True)
class RoomRow:
    institution_id: int
    name: str
    kind: str
    places: int | None
    computers: int


class RoomImporter(AssetsImporter):
    """`institution,name,kind,places,computers`."""

    kind = "rooms"
    title = gettext_lazy("Rooms")
    permission = "assets.add_room"
    columns: ClassVar[list[str]] = ["institution", "name", "kind", "places", "computers"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"places", "computers"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "institution": gettext_lazy("registration number"),
        "name": gettext_lazy("the room's name or number, unique in the institution"),
        "kind": "|".join(RoomKind.values),
        "places": gettext_lazy("a whole number, may be empty"),
        "computers": gettext_lazy("a whole number (0 when empty)"),
    }
    example: ClassVar[list[str]] = ["9000000011", "204. kabinets", "computer_room", "24", "24"]

    def parse(self, values: dict[str, str]) -> RoomRow:
        computers = parse_int(values, "computers", minimum=0, maximum=10_000, required=False)
        return RoomRow(
            institution_id=self.institution_id(values),
            name=parse_required(values, "name", max_length=120),
            kind=parse_choice(values, "kind", RoomKind.values),
            places=parse_int(values, "places", minimum=0, maximum=100_000, required=False),
            computers=computers or 0,
        )

    def key(self, record: RoomRow) -> tuple[int, str]:
        return (record.institution_id, record.name)

    def write(self, records: list[RoomRow], result: ImportResult) -> None:
        current = {
            (room.institution_id, room.name): room
            for room in Room.objects.select_for_update().filter(
                institution_id__in={record.institution_id for record in records}
            )
        }
        for record in records:
            values = {"kind": record.kind, "places": record.places, "computers": record.computers}
            room = current.get(self.key(record))
            if room is None:
                room = Room.objects.create(institution_id=record.institution_id, name=record.name, **values)
                self.counted(result, "created", record, label=room)
                continue
            self.write_changes(result, record, room, values)


IMPORTERS: dict[str, type[AssetsImporter]] = {
    importer.kind: importer for importer in (AssetImporter, LoanImporter, LicenceImporter, RoomImporter)
}

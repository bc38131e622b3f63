"""Every write of the assets area: assets and their status history, loans (one at a time, in bulk, returns),
stock-takes. One transaction each; a refusal is a ValidationError a user understands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eduboard.assets.choices import HELD_STATUSES, AssetStatus
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Loan, Stocktake, StocktakeScan
from eduboard.assets.rules import (
    RETURN_STATUS,
    holds_same_kind,
    learner_enrolled_at,
    overlapping_loan,
    staff_member_works_at,
)
from eduboard.assets.selectors import group_learners_on, held_devices, stocktake_result
from eduboard.core.audit import audit_bulk_write
from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, refuse_stale, save_versioned
from eduboard.people.models import StaffMember
from eduboard.registry.models import Group, Learner

ALREADY_LENT = "This device is on an open loan already; record its return first."


def _user(viewer: Viewer) -> Any:
    """The user to name in a row's history: the signed-in viewer, or nobody for the whole city's work."""
    return viewer if getattr(viewer, "pk", None) else None


# --- assets


@atomic_write
def asset_save(*, asset: Asset, viewer: Viewer, expected_version: int | None = None, on: date | None = None) -> Asset:
    """Save a new asset, or an edit made on `expected_version`; a changed status enters the history on `on`
    (today by default; a new asset's status dates from its acquisition)."""
    new = asset.pk is None
    before = None if new else Asset.objects.filter(pk=asset.pk).values_list("status", flat=True).first()
    if not new and before != asset.status:
        on_loan = Loan.objects.filter(asset_id=asset.pk, returned_on__isnull=True).exists()
        if asset.status == AssetStatus.LENT and not on_loan:
            raise ValidationError({"status": [_("A device becomes lent by lending it to someone.")]}, code="status")
        if on_loan:
            raise ValidationError(
                {"status": [_("The device is on an open loan; record its return first.")]}, code="lent"
            )
    since = (asset.acquired_on if new else None) or on or timezone.localdate()
    if new or before != asset.status:
        asset.status_since = since
    save_versioned(asset, expected_version=expected_version)
    if new or before != asset.status:
        AssetStatusChange.objects.create(asset=asset, status=asset.status, changed_on=since, changed_by=_user(viewer))
    return asset


def _set_status(assets: Iterable[Asset], status: str, on: date, viewer: Viewer, note: str = "") -> None:
    rows = [asset for asset in assets if asset.status != status]
    if not rows:
        return
    Asset.objects.filter(pk__in=[asset.pk for asset in rows]).update(status=status, status_since=on)
    audit_bulk_write(  # the update passes auditlog's signals by: one entry names the assets and their statuses
        actor=viewer,
        model=Asset,
        action=LogEntry.Action.UPDATE,
        rows=len(rows),
        what=f"status of {len(rows)} assets set to {status} on {on.isoformat()}",
        instance=rows[0] if len(rows) == 1 else None,
        ids=[asset.pk for asset in rows],
        changes={"status": [", ".join(sorted({asset.status for asset in rows})), status]},
    )
    AssetStatusChange.objects.bulk_create(
        [
            AssetStatusChange(asset=asset, status=status, changed_on=on, changed_by=_user(viewer), note=note)
            for asset in rows
        ]
    )
    for asset in rows:
        asset.status, asset.status_since = status, on


@atomic_write
def asset_status_set(*, asset_id: int, status: str, on: date, viewer: Viewer, version: int, note: str = "") -> Asset:
    """Change an asset's status on a date (in repair, written off, …); the change enters its history."""
    asset: Asset = Asset.objects.select_for_update().get(pk=asset_id)
    refuse_stale(stored=asset.version, expected=version, message=_("Someone else changed this asset meanwhile."))
    if status not in AssetStatus.values:
        raise ValidationError(_("Unknown status “%s”.") % status, code="status")
    if status == AssetStatus.LENT:
        raise ValidationError(_("A device becomes lent by lending it to someone."), code="status")
    if Loan.objects.filter(asset=asset, returned_on__isnull=True).exists():
        raise ValidationError(_("The device is on an open loan; record its return first."), code="lent")
    _set_status([asset], status, on, viewer, note)
    Asset.objects.filter(pk=asset.pk).update(version=asset.version + 1)
    asset.version += 1
    return asset


@atomic_write
def assets_lent_to_group(*, asset_ids: list[int], on: date, viewer: Viewer, group: str, lent: bool) -> list[Asset]:
    """Mark devices lent to a group no register names one by one (the innovation centre's visiting groups), or back
    in stock when the group returns them; the change enters each asset's history with the group named. Only a
    device in stock and on no open loan is lent."""
    assets = list(Asset.objects.select_for_update().filter(pk__in=asset_ids).order_by("pk"))
    if lent:
        on_loan = set(
            Loan.objects.filter(asset__in=assets, returned_on__isnull=True).values_list("asset_id", flat=True)
        )
        busy = [asset for asset in assets if asset.status != AssetStatus.IN_STOCK or asset.pk in on_loan]
        if busy:
            raise ValidationError(
                _("Not in stock: %(assets)s.") % {"assets": ", ".join(asset.inventory_number for asset in busy)},
                code="not_in_stock",
            )
    _set_status(assets, AssetStatus.LENT if lent else AssetStatus.IN_STOCK, on, viewer, group[:255])
    Asset.objects.filter(pk__in=[asset.pk for asset in assets]).update(version=F("version") + 1)
    return assets


# --- loans


def _check_borrower(asset: Asset, learner: Learner | None, staff_member: StaffMember | None, on: date) -> None:
    if (learner is None) == (staff_member is None):
        raise ValidationError(_("Lend the device to one learner or one staff member."), code="borrower")
    if learner is not None and not learner_enrolled_at(
        learner_id=learner.pk, institution_id=asset.institution_id, on=on
    ):
        raise ValidationError(
            _("%(learner)s is not enrolled in %(institution)s on %(date)s.")
            % {"learner": learner, "institution": asset.institution, "date": date_format(on, "SHORT_DATE_FORMAT")},
            code="not_enrolled",
        )
    if staff_member is not None and not staff_member_works_at(
        staff_member_id=staff_member.pk, institution_id=asset.institution_id, on=on
    ):
        raise ValidationError(
            _("%(person)s holds no rate at %(institution)s on %(date)s.")
            % {"person": staff_member, "institution": asset.institution, "date": date_format(on, "SHORT_DATE_FORMAT")},
            code="not_employed",
        )


@atomic_write
def loan_create(
    *,
    asset: Asset,
    lent_on: date,
    viewer: Viewer,
    learner: Learner | None = None,
    staff_member: StaffMember | None = None,
    due_on: date | None = None,
    warn_same_kind: bool = False,
) -> Loan:
    """Lend a device held in stock to a learner enrolled in its institution (or a staff member working there) on
    `lent_on`. The database refuses a second open loan of one device, whatever races. With `warn_same_kind` (the
    page, until the lender confirms), a learner who already holds a device of the kind (`rules.holds_same_kind`)
    is not lent another: a ValidationError with the code `holds_same_kind` names the devices they hold."""
    asset = Asset.objects.select_for_update().select_related("institution", "kind").get(pk=asset.pk)
    _check_borrower(asset, learner, staff_member, lent_on)
    if due_on is not None and due_on < lent_on:
        raise ValidationError(_("The due date is before the loan's start."), code="due")
    if asset.status not in (AssetStatus.IN_STOCK, AssetStatus.LENT):
        raise ValidationError(
            _("The device is %(status)s and cannot be lent.") % {"status": asset.get_status_display()},
            code="not_in_stock",
        )
    if overlapping_loan(asset=asset, lent_on=lent_on, returned_on=None) is not None:
        raise ValidationError(_(ALREADY_LENT), code="lent")
    if warn_same_kind and learner is not None:
        held = holds_same_kind(learner_ids=[learner.pk], kind_id=asset.kind_id, on=lent_on).get(learner.pk)
        if held:
            raise ValidationError(
                _("%(learner)s already holds a device of the kind “%(kind)s”: %(devices)s.")
                % {
                    "learner": learner,
                    "kind": asset.kind,
                    "devices": ", ".join(held_devices(loans=held, visible_to=viewer).values()),
                },
                code="holds_same_kind",
            )
    loan = Loan(asset=asset, learner=learner, staff_member=staff_member, lent_on=lent_on, due_on=due_on)
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError:
        raise ValidationError(_(ALREADY_LENT), code="lent") from None
    _set_status([asset], AssetStatus.LENT, lent_on, viewer)
    return loan


@atomic_write
def loan_return(*, loan_id: int, returned_on: date, condition: str, viewer: Viewer, version: int | None = None) -> Loan:
    """Record a device's return and its condition: in order back in stock, damaged to repair, lost as lost."""
    loan: Loan = Loan.objects.select_for_update().select_related("asset").get(pk=loan_id)
    if version is not None:
        refuse_stale(stored=loan.version, expected=version, message=_("Someone else changed this loan meanwhile."))
    if loan.returned_on is not None:
        raise ValidationError(
            _("This loan was closed on %s already.") % date_format(loan.returned_on, "SHORT_DATE_FORMAT"), code="closed"
        )
    if returned_on < loan.lent_on:
        raise ValidationError(_("The return date is before the loan's start."), code="returned_on")
    if condition not in RETURN_STATUS:
        raise ValidationError(_("Unknown condition “%s”.") % condition, code="condition")
    loan.returned_on, loan.condition, loan.version = returned_on, condition, loan.version + 1
    loan.save(update_fields=["returned_on", "condition", "version", "updated_at"])
    _set_status([loan.asset], RETURN_STATUS[condition], returned_on, viewer)
    return loan


@dataclass
class ReturnResult:
    returned: list[Loan] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (number, reason)


def loans_return_by_numbers(
    *, numbers: Iterable[str], returned_on: date, condition: str, viewer: Viewer
) -> ReturnResult:
    """Close the open loans of the devices whose inventory numbers were typed or scanned (one per line); each
    number is answered on its own (returned, unknown, not lent)."""
    result = ReturnResult()
    seen: set[str] = set()
    for raw in numbers:
        number = raw.strip()
        if not number or number in seen:
            continue
        seen.add(number)
        loan = Loan.objects.visible_to(viewer).filter(asset__inventory_number=number, returned_on__isnull=True).first()
        if loan is None:
            known = Asset.objects.visible_to(viewer).filter(inventory_number=number).exists()
            result.problems.append((number, _("not on loan") if known else _("unknown inventory number")))
            continue
        try:
            result.returned.append(
                loan_return(loan_id=loan.pk, returned_on=returned_on, condition=condition, viewer=viewer)
            )
        except ValidationError as error:
            result.problems.append((number, " ".join(error.messages)))
    return result


@dataclass
class BulkLoanResult:
    lent: list[Loan] = field(default_factory=list)
    already: list[Learner] = field(default_factory=list)  # had a device of the kind on loan already: none lent
    second: list[Learner] = field(default_factory=list)  # had one already and were lent another (confirmed)
    without: list[Learner] = field(default_factory=list)  # no free device was left for them


@atomic_write
def loans_bulk_create(
    *,
    group: Group,
    kind: AssetKind,
    lent_on: date,
    due_on: date | None,
    viewer: Viewer,
    include_holders: bool = False,
) -> BulkLoanResult:
    """Lend one free device of `kind` held by the group's institution to every learner of the group on `lent_on`
    who holds none of the kind (`rules.holds_same_kind`), and with `include_holders` (confirmed by the lender) to
    those who hold one too: who got which, who had one, who could not get one. A handful of statements whatever
    the class's size; a device taken meanwhile by another loan is refused by the database and nothing is saved."""
    if due_on is not None and due_on < lent_on:
        raise ValidationError(_("The due date is before the loan's start."), code="due")
    learners = group_learners_on(group=group, on=lent_on)
    having = holds_same_kind(learner_ids=[learner.pk for learner in learners], kind_id=kind.pk, on=lent_on)
    result = BulkLoanResult()
    holders = [learner for learner in learners if learner.pk in having]
    # Those who hold none come first: when the free devices run short, a second device waits.
    wanting = [learner for learner in learners if learner.pk not in having] + (holders if include_holders else [])
    if not include_holders:
        result.already = holders
    free = list(
        Asset.objects.select_for_update()
        .filter(institution_id=group.institution_id, kind=kind, status=AssetStatus.IN_STOCK)
        .exclude(pk__in=Loan.objects.filter(returned_on__isnull=True).values("asset_id"))
        .order_by("inventory_number")[: len(wanting)]
    )
    pairs = list(zip(wanting, free, strict=False))
    result.without = wanting[len(pairs) :]
    result.second = [learner for learner, _asset in pairs if learner.pk in having]
    loans = [Loan(asset=asset, learner=learner, lent_on=lent_on, due_on=due_on) for learner, asset in pairs]
    try:
        with transaction.atomic():
            Loan.objects.bulk_create(loans)
    except IntegrityError:
        raise ValidationError(
            _("Another loan took one of these devices meanwhile; nothing was saved. Try again."), code="lent"
        ) from None
    audit_bulk_write(  # children's data written past auditlog's signals: one entry with the loans made
        actor=viewer,
        model=Loan,
        action=LogEntry.Action.CREATE,
        rows=len(loans),
        what=f"{len(loans)} devices ({kind}) lent to group {group} on {lent_on.isoformat()}",
        ids=[loan.pk for loan in loans],
    )
    _set_status([asset for _learner, asset in pairs], AssetStatus.LENT, lent_on, viewer)
    result.lent = loans
    return result


# --- stock-takes


@atomic_write
def stocktake_start(*, institution_id: int, on: date, viewer: Viewer) -> Stocktake:
    """Start counting an institution's assets."""
    if Stocktake.objects.filter(institution_id=institution_id, closed_at__isnull=True).exists():
        raise ValidationError(_("A stock-take of this institution is open already; close it first."), code="open")
    return Stocktake.objects.create(institution_id=institution_id, started_on=on, started_by=_user(viewer))


@atomic_write
def stocktake_scan(*, stocktake: Stocktake, number: str) -> StocktakeScan:
    """Record an inventory number scanned or typed (once; a second scan of it changes nothing)."""
    if stocktake.closed_at is not None:
        raise ValidationError(_("This stock-take is closed."), code="closed")
    number = number.strip()
    if not number:
        raise ValidationError(_("Type or scan an inventory number."), code="empty")
    asset = Asset.objects.filter(inventory_number=number).first()
    scan, _created = StocktakeScan.objects.get_or_create(
        stocktake=stocktake, inventory_number=number, defaults={"asset": asset}
    )
    return scan


@atomic_write
def stocktake_close(*, stocktake_id: int, on: date, viewer: Viewer, version: int, confirmed: bool) -> list[Asset]:
    """Close a stock-take: the institution's held assets that were not found are recorded as lost on `on` (with
    who and when in their history), only when `confirmed`. Returns the assets recorded lost."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake_id)
    refuse_stale(stored=stocktake.version, expected=version, message=_("Someone else changed this stock-take."))
    if stocktake.closed_at is not None:
        raise ValidationError(_("This stock-take is closed."), code="closed")
    if not confirmed:
        raise ValidationError(_("Confirm that the missing assets are to be recorded as lost."), code="confirm")
    missing = [asset for asset in stocktake_result(stocktake=stocktake).missing if asset.status in HELD_STATUSES]
    open_loans = set(
        Loan.objects.filter(asset__in=missing, returned_on__isnull=True).values_list("asset_id", flat=True)
    )
    lost = [asset for asset in missing if asset.pk not in open_loans]  # a device on loan is with its borrower
    _set_status(lost, AssetStatus.LOST, on, viewer, note=_("missing in the stock-take of %s") % stocktake.started_on)
    stocktake.closed_at, stocktake.closed_by, stocktake.version = timezone.now(), _user(viewer), stocktake.version + 1
    stocktake.save(update_fields=["closed_at", "closed_by", "version", "updated_at"])
    return lost


# --- reference lists, licences and rooms


@atomic_write
def asset_kind_save(*, kind: AssetKind, expected_version: int | None = None) -> AssetKind:
    """Save a new asset kind, or an edit of one made on `expected_version`."""
    save_versioned(kind, expected_version=expected_version)
    return kind


@atomic_write
def licence_save(*, licence: Any, expected_version: int | None = None) -> Any:
    """Save a new licence, or an edit of one made on `expected_version`."""
    save_versioned(licence, expected_version=expected_version)
    return licence


@atomic_write
def room_save(*, room: Any, expected_version: int | None = None) -> Any:
    """Save a new room, or an edit of one made on `expected_version`."""
    save_versioned(room, expected_version=expected_version)
    return room

"""Rules of the innovation centre: booking a slot without ever exceeding its places (one conditional update in the
database, safe under concurrent bookings), what the public page confirms at once and what waits as `requested`
for the centre (a large group, a school beyond its share of the term, a day beyond the page's share of its places,
an address block beyond its places of the day),
the waiting list, cancelling by the teacher's link until 48 hours before, the centre's confirming, moving and
cancelling, and visitor cards (random numbers with a check digit, a secret code kept hashed)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from random import Random
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from eduboard.assets.models import Asset, Room
from eduboard.assets.services import assets_lent_to_group
from eduboard.centre.choices import CANCEL_HOURS, HOLDING, LANGUAGES, BookingStatus
from eduboard.centre.models import (
    Activity,
    AgeBand,
    Booking,
    Card,
    CentrePartner,
    Fair,
    KitLoan,
    PointEntry,
    ProgrammeEvent,
    Slot,
    StudentCompany,
    Visit,
    WaitingListEntry,
)
from eduboard.centre.rules import (
    CARD_DIGITS,
    block_places_per_day,
    can_cancel,
    card_number_well_formed,
    day_allowance,
    hash_card_code,
    new_card_code,
    new_card_number,
    school_term_allowance,
    slot_begins,
    slot_fits,
    slot_fits_condition,
    slot_places_problem,
)
from eduboard.centre.selectors import day_places, school_term_places, space_clash
from eduboard.core.addresses import address_block
from eduboard.core.audit import audit_bulk_write
from eduboard.core.public import count_up
from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.people.models import StaffMember
from eduboard.projects.models import Project
from eduboard.registry.models import Institution


@dataclass
class BookingRequest:
    """What a teacher gives on the public page."""

    school_name: str
    municipality: str
    contact_name: str
    email: str
    phone: str
    group_size: int
    grade: str
    language: str
    special_needs: str = ""
    school: Institution | None = None


def _take_places(slot_id: int, count: int) -> bool:
    """Hold `count` places of the slot if it has them: one UPDATE … WHERE booked + count <= places."""
    return bool(Slot.objects.filter(slot_fits_condition(count), pk=slot_id).update(booked=F("booked") + count))


def _release_places(slot_id: int, count: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gte=count).update(booked=F("booked") - count)


def _waits_for_confirmation(slot: Slot, request: BookingRequest, address: str) -> bool:
    """Whether a booking waits as `requested`: a group over the activity's `confirm_group_over`, or a school beyond
    its share of the term; and on the public page (`address` given), whatever name the school gives and however many
    addresses it books from, a day of visits beyond the page's share of its places (`rules.day_allowance`), or an
    address block (`core.addresses.address_block`) beyond its places confirmed at once in a day (that count is taken
    last, in the booking's transaction: a refused booking counts nothing)."""
    activity = slot.activity
    if request.group_size > activity.confirm_group_over:
        return True
    held, offered = school_term_places(
        centre_id=activity.centre_id, day=slot.date, school=request.school, school_name=request.school_name
    )
    if held + request.group_size > school_term_allowance(offered=offered, activity=activity):
        return True
    if not address:
        return False
    held, offered = day_places(centre_id=activity.centre_id, day=slot.date)
    if held + request.group_size > day_allowance(offered=offered):
        return True
    taken = count_up("centre-places", address_block(address), seconds=86400, amount=request.group_size)
    return taken > block_places_per_day()


def _refuse_full(slot_id: int, size: int) -> ValidationError:
    """Why a group does not fit, as the teacher can act on it: a full slot offers its waiting list; one with some
    places left says how many, so the group can be made smaller and booked."""
    current = Slot.objects.only("places", "booked").filter(pk=slot_id).first()
    if current is None or not slot_fits(places=current.places, booked=current.booked):
        return ValidationError(_("The slot is full; join its waiting list or choose another time."), code="full")
    message = ngettext(
        "The slot has %(free)d free place, too few for a group of %(size)d: book for at most %(free)d, "
        "or join its waiting list for the whole group, or choose another time.",
        "The slot has %(free)d free places, too few for a group of %(size)d: book for at most %(free)d, "
        "or join its waiting list for the whole group, or choose another time.",
        current.free,
    )
    return ValidationError(message % {"free": current.free, "size": size}, code="full")


def booking_create(*, slot: Slot, request: BookingRequest, address: str = "") -> Booking:
    """Book places for a group (`address`: the client's on the public page, which the page's share of a day and its
    block's places of the day are counted for; empty for a booking made otherwise). Confirmed at
    once, taking its places, unless it waits as `requested` for the centre (see `_waits_for_confirmation`); a
    requested booking holds no places until the centre confirms it. Refused (code `full`) when the slot has not
    enough free places, also when others book the last places at the same moment; refused for a slot that has
    begun or an unpublished activity."""
    if request.language not in LANGUAGES or request.language not in slot.activity.language_codes():
        raise ValidationError({"language": _("The activity is not held in this language.")})
    if request.group_size < 1:
        raise ValidationError({"group_size": _("A group has at least one person.")})
    if not slot.activity.published:
        raise ValidationError(_("This activity is not open for booking."), code="closed")
    if slot_begins(slot) <= timezone.now():
        raise ValidationError(_("This slot has begun; choose a later one."), code="past")
    with transaction.atomic():
        # One centre's public bookings one at a time, so two bookings of a school cannot both pass its share
        # (FOR NO KEY UPDATE: rows that refer to the centre are still written meanwhile).
        list(Institution.objects.select_for_update(no_key=True).filter(pk=slot.activity.centre_id).values("pk"))
        waits = _waits_for_confirmation(slot, request, address)
        if waits:
            if not Slot.objects.filter(slot_fits_condition(request.group_size), pk=slot.pk).exists():
                raise _refuse_full(slot.pk, request.group_size)
        elif not _take_places(slot.pk, request.group_size):
            raise _refuse_full(slot.pk, request.group_size)
        booking = Booking(
            slot=slot,
            status=BookingStatus.REQUESTED if waits else BookingStatus.CONFIRMED,
            school=request.school,
            school_name=request.school_name,
            municipality=request.municipality,
            contact_name=request.contact_name,
            email=request.email,
            phone=request.phone,
            group_size=request.group_size,
            grade=request.grade,
            language=request.language,
            special_needs=request.special_needs,
            token=secrets.token_urlsafe(24),
            confirmed_at_once=bool(address) and not waits,
        )
        booking.full_clean(exclude=["slot", "token"])
        booking.save()
    return booking


def waiting_list_join(*, slot: Slot, request: BookingRequest) -> WaitingListEntry:
    """Put a group on the waiting list of a slot that has too few free places for it (`slot_fits_condition`);
    a group the slot has places for is refused (code `has_places`): it books them instead of waiting."""
    if Slot.objects.filter(slot_fits_condition(request.group_size), pk=slot.pk).exists():
        raise ValidationError(
            _("The slot has free places for a group of %d: book them instead of joining the waiting list.")
            % request.group_size,
            code="has_places",
        )
    entry = WaitingListEntry(
        slot=slot,
        school_name=request.school_name,
        municipality=request.municipality,
        contact_name=request.contact_name,
        email=request.email,
        phone=request.phone,
        group_size=request.group_size,
    )
    entry.full_clean(exclude=["slot"])
    entry.save()
    return entry


@atomic_write
def booking_cancel_by_teacher(*, token: str, now: datetime | None = None) -> Booking:
    """The teacher cancels a booking by its link, until 48 hours before it begins."""
    booking: Booking | None = Booking.objects.select_for_update().select_related("slot").filter(token=token).first()
    if booking is None:
        raise ValidationError(_("There is no such booking."), code="unknown")
    if not can_cancel(booking, now=now):
        raise ValidationError(
            _("A booking can be cancelled here until %d hours before it begins; call the centre.") % CANCEL_HOURS,
            code="late",
        )
    _set_status(booking, BookingStatus.CANCELLED)
    return booking


def _set_status(booking: Booking, status: str) -> None:
    holds, will_hold = booking.status in HOLDING, status in HOLDING
    if holds and not will_hold:
        _release_places(booking.slot_id, booking.group_size)
    elif will_hold and not holds and not _take_places(booking.slot_id, booking.group_size):
        raise ValidationError(_("The slot has not enough free places."), code="full")
    Booking.objects.filter(pk=booking.pk).update(status=status, version=F("version") + 1)
    booking.status = status
    booking.version += 1


@atomic_write
def booking_status_change(*, viewer: Viewer, booking_id: int, status: str, expected_version: int) -> Booking:
    """The centre confirms a booking, cancels it, or records that the group came or did not."""
    if not viewer.has_perm("innovation.change_booking"):
        raise PermissionDenied(_("Your role does not manage bookings."))
    if status not in BookingStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    booking: Booking | None = Booking.objects.editable_by(viewer).select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise ValidationError(_("This booking is not in your scope."), code="gone")
    if booking.version != expected_version:
        raise ValidationError(_("Someone else changed this booking meanwhile; reload the page."), code="stale")
    before = booking.status
    _set_status(booking, status)
    audit_bulk_write(
        actor=viewer, model=Booking, action=LogEntry.Action.UPDATE, rows=1, what="status changed",
        instance=booking, changes={"status": [before, status]},
    )  # fmt: skip
    return booking


@atomic_write
def booking_move(*, viewer: Viewer, booking_id: int, to_slot_id: int, expected_version: int) -> Booking:
    """The centre moves a booking to another slot of its own (with room for the group)."""
    if not viewer.has_perm("innovation.change_booking"):
        raise PermissionDenied(_("Your role does not manage bookings."))
    booking: Booking | None = Booking.objects.editable_by(viewer).select_for_update().filter(pk=booking_id).first()
    target = Slot.objects.editable_by(viewer).filter(pk=to_slot_id).first()
    if booking is None or target is None:
        raise ValidationError(_("This booking or slot is not in your scope."), code="gone")
    if booking.version != expected_version:
        raise ValidationError(_("Someone else changed this booking meanwhile; reload the page."), code="stale")
    if booking.status in HOLDING:
        if not _take_places(target.pk, booking.group_size):
            raise ValidationError(_("The slot has not enough free places."), code="full")
        _release_places(booking.slot_id, booking.group_size)
    before = booking.slot_id
    Booking.objects.filter(pk=booking.pk).update(slot=target, version=F("version") + 1)
    booking.slot = target
    booking.version += 1
    audit_bulk_write(
        actor=viewer, model=Booking, action=LogEntry.Action.UPDATE, rows=1, what="moved to another time",
        instance=booking, changes={"slot": [before, target.pk]},
    )  # fmt: skip
    return booking


# --- visitor cards and points


def cards_issue(
    *,
    viewer: Viewer,
    centre: Institution,
    count: int,
    school_name: str = "",
    class_label: str = "",
    rng: Random | None = None,
) -> list[Card]:
    """`count` new cards of the centre, each with a random number (`new_card_number`) and a secret code. The
    codes are stored hashed only: each card returned carries its plain `code` for printing, once."""
    if not viewer.has_perm("innovation.add_card"):
        raise PermissionDenied(_("Your role does not issue cards."))
    if not Institution.objects.editable_by(viewer).filter(pk=centre.pk).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    if not 1 <= count <= 200:
        raise ValidationError({"count": _("From 1 to 200 cards at once.")})
    return cards_make(centre=centre, count=count, school_name=school_name, class_label=class_label, rng=rng)


def cards_make(
    *,
    centre: Institution,
    count: int,
    school_name: str = "",
    class_label: str = "",
    rng: Random | None = None,
    issued_on: date | None = None,
) -> list[Card]:
    """Make `count` cards (random numbers, hashed codes; the plain code on each returned card as `code`): the
    rule behind `cards_issue` and the demonstration's cards. A number taken already is drawn again."""
    for _attempt in range(5):
        numbers: set[str] = set()
        while len(numbers) < count:
            numbers.add(new_card_number(rng))
        if Card.objects.filter(number__in=numbers).exists():
            continue  # one in a hundred million: draw again
        cards = []
        for number in sorted(numbers):
            card = Card(
                centre=centre,
                number=number,
                school_name=" ".join(school_name.split()),
                class_label=class_label.strip(),
                issued_on=issued_on or timezone.localdate(),
            )
            card.code = new_card_code(rng)
            card.code_hash = hash_card_code(card.code)
            cards.append(card)
        try:
            with transaction.atomic():
                return Card.objects.bulk_create(cards)
        except IntegrityError:  # a number drawn at the same moment by another issue: draw again
            continue
    raise ValidationError(_("The cards could not be numbered; try again."), code="numbers")


def points_record(*, viewer: Viewer, card: str, task: str, points: int) -> PointEntry:
    """Points for a task on a card of the viewer's centre; a 10-digit number whose check digit does not match is
    refused as mistyped."""
    if not viewer.has_perm("innovation.add_pointentry"):
        raise PermissionDenied(_("Your role does not record points."))
    number = "".join(ch for ch in card if ch.isdigit())
    if len(number) == CARD_DIGITS and not card_number_well_formed(number):
        raise ValidationError(_("The card number %s is mistyped: its last digit does not match.") % number, code="typo")
    found = Card.objects.editable_by(viewer).filter(number=number).first()
    if found is None:
        raise ValidationError(_("There is no card %s of your centre.") % (number or card[:12]), code="unknown")
    if not 1 <= points <= 1000:
        raise ValidationError({"points": _("From 1 to 1000 points.")})
    return PointEntry.objects.create(card=found, task=" ".join(task.split())[:120], points=points)


# --- the centre's own edits: activities, slots, visits, and the shared calendar's events


def _refuse_outside(viewer: Viewer, institution_id: int | None) -> None:
    if institution_id is None or not Institution.objects.editable_by(viewer).filter(pk=institution_id).exists():
        raise PermissionDenied(_("This centre is not in your scope."))


@atomic_write
def activity_save(
    *, viewer: Viewer, activity: Activity, expected_version: int | None, age_bands: Iterable[AgeBand]
) -> Activity:
    """Add or edit an activity of a centre in the viewer's scope, with its age bands; a stale edit is refused."""
    _refuse_outside(viewer, activity.centre_id)
    save_versioned(activity, expected_version=expected_version, many={"age_bands": age_bands})
    return activity


@atomic_write
def slot_save(*, viewer: Viewer, slot: Slot, expected_version: int | None) -> Slot:
    """Add or edit a bookable time of an activity of the viewer's centre."""
    _refuse_outside(viewer, slot.activity.centre_id)
    if slot.pk is not None:
        problem = slot_places_problem(places=slot.places, booked=slot.booked)
        if problem is not None:
            raise ValidationError({"places": problem})
    slot_room_book(slot=slot)
    save_versioned(slot, expected_version=expected_version)
    return slot


def slot_room_book(*, slot: Slot) -> None:
    """Take the slot's room of the centre for its time, inside the caller's transaction: the room is locked, so
    two slots saved at once cannot both take it; a room of another institution, or one another slot holds at an
    overlapping time, is refused. The slot's room text is the room's name."""
    if slot.space_id is None:
        return
    room = Room.objects.select_for_update().filter(pk=slot.space_id).first()
    if room is None or room.institution_id != slot.activity.centre_id:
        raise ValidationError({"space": _("Choose one of this centre's rooms.")})
    clash = space_clash(space_id=room.pk, day=slot.date, start=slot.start, end=slot.end, other_than=slot.pk)
    if clash is not None:
        raise ValidationError(
            {
                "space": _("%(room)s is booked from %(start)s to %(end)s for %(activity)s.")
                % {"room": room.name, "start": f"{clash.start:%H:%M}", "end": f"{clash.end:%H:%M}",
                   "activity": clash.activity.code}
            }
        )  # fmt: skip
    slot.room = room.name


@atomic_write
def visit_save(*, viewer: Viewer, visit: Visit, expected_version: int | None, led_by: Iterable[StaffMember]) -> Visit:
    """Record a visit of the viewer's centre; a booked group's visit marks its booking attended (its places stay
    held)."""
    _refuse_outside(viewer, visit.centre_id)
    save_versioned(visit, expected_version=expected_version, many={"led_by": led_by})
    if visit.booking_id is not None:
        booking = Booking.objects.select_for_update().get(pk=visit.booking_id)
        if booking.status != BookingStatus.ATTENDED:
            _set_status(booking, BookingStatus.ATTENDED)
    return visit


# --- the centre's programme


def _refuse_other_centres(centre_id: int, rows: Iterable[Any], what: str) -> list[Any]:
    """The rows a programme row links to are its own centre's (a company at a fair, a partner at an event)."""
    rows = list(rows)
    if any(row.centre_id != centre_id for row in rows):
        raise ValidationError({what: _("Choose rows of this centre only.")})
    return rows


@atomic_write
def student_company_save(*, viewer: Viewer, company: StudentCompany, expected_version: int | None) -> StudentCompany:
    """Add or edit a student company of a centre in the viewer's scope; its school, when linked, is named by the
    registry's name."""
    _refuse_outside(viewer, company.centre_id)
    if company.school_id is not None:
        company.school_name = Institution.objects.get(pk=company.school_id).name
    save_versioned(company, expected_version=expected_version)
    return company


@atomic_write
def fair_save(*, viewer: Viewer, fair: Fair, expected_version: int | None, companies: Iterable[StudentCompany]) -> Fair:
    """Add or edit a fair of a centre in the viewer's scope with the companies that took part (its own)."""
    _refuse_outside(viewer, fair.centre_id)
    save_versioned(
        fair,
        expected_version=expected_version,
        many={"companies": _refuse_other_centres(fair.centre_id, companies, "companies")},
    )
    return fair


@atomic_write
def programme_event_save(
    *, viewer: Viewer, event: ProgrammeEvent, expected_version: int | None, partners: Iterable[CentrePartner]
) -> ProgrammeEvent:
    """Add or edit a camp, hackathon, conference or seminar of a centre in the viewer's scope, with the partners
    that took part (its own)."""
    _refuse_outside(viewer, event.centre_id)
    save_versioned(
        event,
        expected_version=expected_version,
        many={"partners": _refuse_other_centres(event.centre_id, partners, "partners")},
    )
    return event


@atomic_write
def partner_save(
    *, viewer: Viewer, partner: CentrePartner, expected_version: int | None, projects: Iterable[Project]
) -> CentrePartner:
    """Add or edit a partner of a centre in the viewer's scope, with the centre's projects it shares (projects the
    centre takes part in only)."""
    _refuse_outside(viewer, partner.centre_id)
    projects = list(projects)
    own = set(Project.objects.taking_part(Institution.objects.get(pk=partner.centre_id)).values_list("pk", flat=True))
    if any(project.pk not in own for project in projects):
        raise ValidationError({"projects": _("Choose projects this centre takes part in.")})
    save_versioned(partner, expected_version=expected_version, many={"projects": projects})
    return partner


# --- kits and tablets lent to visiting groups


@atomic_write
def kits_lend(
    *, viewer: Viewer, centre_id: int, assets: Iterable[Asset], group: str, booking: Booking | None, on: date
) -> list[KitLoan]:
    """Lend the centre's kits or tablets to a visiting group (a booking's, or one named), all or none: each must be
    the centre's own and in stock (`assets.services.assets_lent_to_group`); they become `lent` until returned."""
    _refuse_outside(viewer, centre_id)
    assets = list(assets)
    if not assets:
        raise ValidationError({"assets": _("Choose at least one kit or device.")})
    if any(asset.institution_id != centre_id for asset in assets):
        raise ValidationError({"assets": _("Choose this centre's own kits and devices.")})
    if booking is not None and booking.slot.activity.centre_id != centre_id:
        raise ValidationError({"booking": _("Choose a booking of this centre.")})
    group = group.strip() or (f"{booking.school_name}, {booking.grade}" if booking is not None else "")
    if not group:
        raise ValidationError({"group": _("Name the group, or choose its booking.")})
    try:
        assets_lent_to_group(asset_ids=[a.pk for a in assets], on=on, viewer=viewer, group=group, lent=True)
    except ValidationError as error:
        raise ValidationError({"assets": error.messages}) from None
    loans = [KitLoan(centre_id=centre_id, asset=a, booking=booking, group=group, lent_on=on) for a in assets]
    for loan in loans:
        save_versioned(loan)
    return loans


@atomic_write
def kit_return(*, viewer: Viewer, loan_id: int, on: date, expected_version: int | None) -> KitLoan:
    """Record a kit back from its group on a day (not before it was lent); it is in stock again."""
    loan: KitLoan | None = KitLoan.objects.editable_by(viewer).select_for_update().filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied(_("This loan is not in your scope."))
    if loan.returned_on is not None:
        raise ValidationError(_("This kit was returned already."), code="returned")
    if on < loan.lent_on:
        raise ValidationError({"returned_on": _("A kit is returned on or after the day it was lent.")})
    loan.returned_on = on
    save_versioned(loan, expected_version=expected_version)
    assets_lent_to_group(asset_ids=[loan.asset_id], on=on, viewer=viewer, group=loan.group, lent=False)
    return loan

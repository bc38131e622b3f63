"""Rules of the innovation centre: booking a slot without ever exceeding its places (one conditional update in the
database, safe under concurrent bookings), the waiting list, cancelling by the teacher's link until 48 hours
before, and the centre's confirming, moving and cancelling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.scope import institution_scope
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.innovation.choices import CANCEL_HOURS, HOLDING, LANGUAGES, BookingStatus
from eduboard.innovation.models import Booking, Card, PointEntry, Slot, WaitingListEntry
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


def slot_begins(slot: Slot) -> datetime:
    return timezone.make_aware(datetime.combine(slot.date, slot.start))


def _take_places(slot_id: int, count: int) -> bool:
    """Hold `count` places of the slot if it has them: one UPDATE … WHERE booked + count <= places."""
    return bool(Slot.objects.filter(pk=slot_id, booked__lte=F("places") - count).update(booked=F("booked") + count))


def _release_places(slot_id: int, count: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gte=count).update(booked=F("booked") - count)


def book(*, slot: Slot, request: BookingRequest) -> Booking:
    """Book places for a group: refused (code `full`) when the slot has not enough free places, also when others
    book the last places at the same moment; refused for a slot that has begun or an unpublished activity."""
    if request.language not in LANGUAGES or request.language not in slot.activity.language_codes():
        raise ValidationError({"language": _("The activity is not held in this language.")})
    if request.group_size < 1:
        raise ValidationError({"group_size": _("A group has at least one person.")})
    if not slot.activity.published:
        raise ValidationError(_("This activity is not open for booking."), code="closed")
    if slot_begins(slot) <= timezone.now():
        raise ValidationError(_("This slot has begun; choose a later one."), code="past")
    with transaction.atomic():
        if not _take_places(slot.pk, request.group_size):
            raise ValidationError(
                _("The slot has not enough free places for a group of %d; join its waiting list or choose another.")
                % request.group_size,
                code="full",
            )
        booking = Booking(
            slot=slot,
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
        )
        booking.full_clean(exclude=["slot", "token"])
        booking.save()
    return booking


def join_waiting_list(*, slot: Slot, request: BookingRequest) -> WaitingListEntry:
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


def can_cancel(booking: Booking, *, now: datetime | None = None) -> bool:
    """The teacher may cancel until 48 hours before the slot begins."""
    now = now or timezone.now()
    return booking.status in HOLDING - {BookingStatus.ATTENDED} and slot_begins(booking.slot) - now >= timedelta(
        hours=CANCEL_HOURS
    )


@atomic_write
def cancel_by_teacher(*, token: str, now: datetime | None = None) -> Booking:
    booking = Booking.objects.select_for_update().select_related("slot").filter(token=token).first()
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
def change_status(*, booking_id: int, status: str, actor: Any, expected_version: int) -> Booking:
    """The centre confirms a booking, cancels it, or records that the group came or did not."""
    if not actor.has_perm("innovation.change_booking"):
        raise PermissionDenied(_("Your role does not manage bookings."))
    if status not in BookingStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    booking = Booking.objects.editable_by(actor).select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise ValidationError(_("This booking is not in your scope."), code="gone")
    if booking.version != expected_version:
        raise ValidationError(_("Someone else changed this booking meanwhile; reload the page."), code="stale")
    _set_status(booking, status)
    return booking


@atomic_write
def move(*, booking_id: int, to_slot_id: int, actor: Any, expected_version: int) -> Booking:
    """The centre moves a booking to another slot of its own (with room for the group)."""
    if not actor.has_perm("innovation.change_booking"):
        raise PermissionDenied(_("Your role does not manage bookings."))
    booking = Booking.objects.editable_by(actor).select_for_update().filter(pk=booking_id).first()
    target = Slot.objects.editable_by(actor).filter(pk=to_slot_id).first()
    if booking is None or target is None:
        raise ValidationError(_("This booking or slot is not in your scope."), code="gone")
    if booking.version != expected_version:
        raise ValidationError(_("Someone else changed this booking meanwhile; reload the page."), code="stale")
    if booking.status in HOLDING:
        if not _take_places(target.pk, booking.group_size):
            raise ValidationError(_("The slot has not enough free places."), code="full")
        _release_places(booking.slot_id, booking.group_size)
    Booking.objects.filter(pk=booking.pk).update(slot=target, version=F("version") + 1)
    booking.slot = target
    booking.version += 1
    return booking


# --- visitor cards and points


def issue_cards(*, centre: Any, actor: Any, count: int, school_name: str = "", class_label: str = "") -> list[Card]:
    """`count` new cards of the centre with numbers following the highest one (6 digits from 100001)."""
    if not actor.has_perm("innovation.add_card"):
        raise PermissionDenied(_("Your role does not issue cards."))
    if not Institution.objects.editable_by(actor).filter(pk=centre.pk).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    if not 1 <= count <= 200:
        raise ValidationError({"count": _("From 1 to 200 cards at once.")})
    with transaction.atomic():
        numbers = [int(n) for n in Card.objects.select_for_update().values_list("number", flat=True) if n.isdigit()]
        first = max(numbers, default=100000) + 1
        return Card.objects.bulk_create(
            Card(
                centre=centre,
                number=str(first + n),
                school_name=" ".join(school_name.split()),
                class_label=class_label.strip(),
                issued_on=timezone.localdate(),
            )
            for n in range(count)
        )


def record_points(*, actor: Any, card: str, task: str, points: int) -> PointEntry:
    """Points for a task on a card of the actor's centre."""
    if not actor.has_perm("innovation.add_pointentry"):
        raise PermissionDenied(_("Your role does not record points."))
    number = "".join(ch for ch in card if ch.isdigit())
    found = Card.objects.editable_by(actor).filter(number=number).first()
    if found is None:
        raise ValidationError(_("There is no card %s of your centre.") % (number or card[:12]), code="unknown")
    if not 1 <= points <= 1000:
        raise ValidationError({"points": _("From 1 to 1000 points.")})
    return PointEntry.objects.create(card=found, task=" ".join(task.split())[:120], points=points)


def card_total(card: Card) -> int:
    return int(PointEntry.objects.filter(card=card).aggregate(total=Sum("points"))["total"] or 0)


# --- the centre's own edits: activities, slots, visits, and the shared calendar's events


def _refuse_outside(actor: Any, institution_id: int | None) -> None:
    if institution_id is None or not Institution.objects.editable_by(actor).filter(pk=institution_id).exists():
        raise PermissionDenied(_("This centre is not in your scope."))


@atomic_write
def save_activity(activity: Any, *, actor: Any, expected_version: int | None, age_bands: Any) -> Any:
    """Add or edit an activity of a centre in the actor's scope, with its age bands; a stale edit is refused."""
    _refuse_outside(actor, activity.centre_id)
    save_versioned(activity, expected_version=expected_version, many={"age_bands": age_bands})
    return activity


@atomic_write
def save_slot(slot: Slot, *, actor: Any, expected_version: int | None) -> Slot:
    """Add or edit a bookable time of an activity of the actor's centre."""
    _refuse_outside(actor, slot.activity.centre_id)
    save_versioned(slot, expected_version=expected_version)
    return slot


@atomic_write
def save_visit(visit: Any, *, actor: Any, expected_version: int | None, led_by: Any) -> Any:
    """Record a visit of the actor's centre; a booked group's visit marks its booking attended (its places stay
    held)."""
    _refuse_outside(actor, visit.centre_id)
    save_versioned(visit, expected_version=expected_version, many={"led_by": led_by})
    if visit.booking_id is not None:
        booking = Booking.objects.select_for_update().get(pk=visit.booking_id)
        if booking.status != BookingStatus.ATTENDED:
            _set_status(booking, BookingStatus.ATTENDED)
    return visit


@atomic_write
def save_event(event: Any, *, actor: Any, expected_version: int | None) -> Any:
    """Add or edit an event of the shared calendar: an institution's by its roles, the board's own (no organiser)
    by the board only."""
    if event.organiser_id is None:
        if institution_scope(actor) is not None:
            raise ValidationError(
                {"organiser": _("Choose your institution: the board's own events are the board's to enter.")}
            )
    elif not Institution.objects.editable_by(actor).filter(pk=event.organiser_id).exists():
        raise ValidationError({"organiser": _("This institution is not in your scope.")})
    save_versioned(event, expected_version=expected_version)
    return event

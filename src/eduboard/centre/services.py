"""Rules of the innovation centre: booking a slot without ever exceeding its places (one conditional update in the
database, safe under concurrent bookings), what the public page confirms at once and what waits as `requested`
for the centre (a large group, a school beyond its share of the term, an address beyond its places of the day),
the waiting list, cancelling by the teacher's link until 48 hours before, the centre's confirming, moving and
cancelling, and visitor cards (random numbers with a check digit, a secret code kept hashed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from random import Random
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.centre.choices import (
    CANCEL_HOURS,
    HOLDING,
    LANGUAGES,
    PLACES_PER_ADDRESS_DAY,
    SCHOOL_TERM_SHARE_PERCENT,
    BookingStatus,
)
from eduboard.centre.models import Activity, Booking, Card, PointEntry, Slot, WaitingListEntry
from eduboard.centre.rules import slot_places_problem
from eduboard.core.audit import audit_bulk_write
from eduboard.core.public import count_up
from eduboard.core.versions import atomic_write, save_versioned
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


def term_of(day: date) -> tuple[date, date]:
    """The first and last day of the term `day` is in, as the centre plans them: September to December, or January
    to August."""
    if day.month >= 9:
        return date(day.year, 9, 1), date(day.year, 12, 31)
    return date(day.year, 1, 1), date(day.year, 8, 31)


def _school_key(name: str) -> str:
    """A school's name as the term share counts it: letters and digits only, case aside ("X vidusskola." and
    "x  Vidusskola" are one school)."""
    return "".join(character for character in name.casefold() if character.isalnum())


def school_term_places(*, centre_id: int, day: date, school: Institution | None, school_name: str) -> tuple[int, int]:
    """(the places a school holds, the places its centre offers) in the term of `day`: the slots of the centre's
    published activities in the term; the school's confirmed and attended bookings of them, the school known by
    its link to the registry or by its name (case, spaces and punctuation aside)."""
    first, last = term_of(day)
    slots = Slot.objects.filter(activity__centre_id=centre_id, activity__published=True, date__range=(first, last))
    offered = int(slots.aggregate(total=Sum("places"))["total"] or 0)
    key = _school_key(school_name)
    held = sum(
        size
        for school_id, name, size in Booking.objects.filter(slot__in=slots, status__in=HOLDING).values_list(
            "school_id", "school_name", "group_size"
        )
        if (school is not None and school_id == school.pk) or _school_key(name) == key
    )
    return held, offered


def school_term_allowance(*, offered: int, activity: Activity) -> int:
    """The places a school may hold in a term with bookings confirmed at once: SCHOOL_TERM_SHARE_PERCENT of the
    places offered, and at least one group up to the activity's `confirm_group_over`."""
    return max(math.ceil(offered * SCHOOL_TERM_SHARE_PERCENT / 100), activity.confirm_group_over)


def _waits_for_confirmation(slot: Slot, request: BookingRequest, address: str) -> bool:
    """Whether a public booking waits as `requested`: a group over the activity's `confirm_group_over`, a school
    beyond its share of the term, or an address beyond PLACES_PER_ADDRESS_DAY places confirmed at once in a day
    (that count is taken last, in the booking's transaction: a refused booking counts nothing)."""
    activity = slot.activity
    if request.group_size > activity.confirm_group_over:
        return True
    held, offered = school_term_places(
        centre_id=activity.centre_id, day=slot.date, school=request.school, school_name=request.school_name
    )
    if held + request.group_size > school_term_allowance(offered=offered, activity=activity):
        return True
    if address:
        return count_up("centre-places", address, seconds=86400, amount=request.group_size) > PLACES_PER_ADDRESS_DAY
    return False


def _refuse_full(size: int) -> ValidationError:
    return ValidationError(
        _("The slot has not enough free places for a group of %d; join its waiting list or choose another.") % size,
        code="full",
    )


def book(*, slot: Slot, request: BookingRequest, address: str = "") -> Booking:
    """Book places for a group from the public page (`address`: the client's, for its daily places). Confirmed at
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
            if not Slot.objects.filter(pk=slot.pk, booked__lte=F("places") - request.group_size).exists():
                raise _refuse_full(request.group_size)
        elif not _take_places(slot.pk, request.group_size):
            raise _refuse_full(request.group_size)
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
    cancellable = {BookingStatus.REQUESTED, BookingStatus.CONFIRMED}  # a request waiting for the centre too
    return booking.status in cancellable and slot_begins(booking.slot) - now >= timedelta(hours=CANCEL_HOURS)


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
    before = booking.status
    _set_status(booking, status)
    audit_bulk_write(
        actor=actor, model=Booking, action=LogEntry.Action.UPDATE, rows=1, what="status changed",
        instance=booking, changes={"status": [before, status]},
    )  # fmt: skip
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
    before = booking.slot_id
    Booking.objects.filter(pk=booking.pk).update(slot=target, version=F("version") + 1)
    booking.slot = target
    booking.version += 1
    audit_bulk_write(
        actor=actor, model=Booking, action=LogEntry.Action.UPDATE, rows=1, what="moved to another time",
        instance=booking, changes={"slot": [before, target.pk]},
    )  # fmt: skip
    return booking


# --- visitor cards and points


CARD_DIGITS = 10  # nine random digits (the first not 0) and a Luhn check digit
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a printed card without doubt
CODE_LENGTH = 8  # 40 bits, printed as two groups of four
CODE_ITERATIONS = 20_000  # PBKDF2-SHA256: quick enough for 200 cards at once, slow enough against a stolen table


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of `digits` (the one a card number ends with)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def card_number_well_formed(number: str) -> bool:
    """Whether a 10-digit card number's check digit matches (a mistyped digit or two swapped ones do not)."""
    return len(number) == CARD_DIGITS and number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def new_card_number(rng: Random | None = None) -> str:
    """A random card number: 9 random digits, the first not 0, and the Luhn check digit. No sequence: knowing one
    card tells nothing of the others."""
    rng = rng or secrets.SystemRandom()
    body = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _n in range(CARD_DIGITS - 2))
    return body + luhn_digit(body)


def new_card_code(rng: Random | None = None) -> str:
    """A secret code to print on a card: 8 characters of CODE_ALPHABET, shown as `ABCD-EFGH`."""
    rng = rng or secrets.SystemRandom()
    code = "".join(rng.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def _plain_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_card_code(code: str, *, salt: str | None = None) -> str:
    """The stored form of a code: `pbkdf2_sha256$iterations$salt$hash` (the code read without case, spaces or
    dashes)."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", _plain_code(code).encode(), salt.encode(), CODE_ITERATIONS)
    return f"pbkdf2_sha256${CODE_ITERATIONS}${salt}${base64.b64encode(digest).decode()}"


_NO_CARD = hash_card_code("-")  # checked against when there is no card, so a wrong number takes as long


def card_code_matches(card: Card | None, code: str) -> bool:
    """Whether `code` is the card's secret code, compared in constant time; a card without a code (issued before
    codes) matches none."""
    stored = card.code_hash if card is not None and card.code_hash else _NO_CARD
    try:
        _name, iterations, salt, expected = stored.split("$", 3)
        digest = hashlib.pbkdf2_hmac("sha256", _plain_code(code).encode(), salt.encode(), int(iterations))
    except ValueError:
        return False
    same = hmac.compare_digest(base64.b64encode(digest).decode(), expected)
    return same and card is not None and bool(card.code_hash)


def issue_cards(
    *,
    centre: Any,
    actor: Any,
    count: int,
    school_name: str = "",
    class_label: str = "",
    rng: Random | None = None,
) -> list[Card]:
    """`count` new cards of the centre, each with a random number (`new_card_number`) and a secret code. The
    codes are stored hashed only: each card returned carries its plain `code` for printing, once."""
    if not actor.has_perm("innovation.add_card"):
        raise PermissionDenied(_("Your role does not issue cards."))
    if not Institution.objects.editable_by(actor).filter(pk=centre.pk).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    if not 1 <= count <= 200:
        raise ValidationError({"count": _("From 1 to 200 cards at once.")})
    return make_cards(centre=centre, count=count, school_name=school_name, class_label=class_label, rng=rng)


def make_cards(
    *,
    centre: Any,
    count: int,
    school_name: str = "",
    class_label: str = "",
    rng: Random | None = None,
    issued_on: date | None = None,
) -> list[Card]:
    """Make `count` cards (random numbers, hashed codes; the plain code on each returned card as `code`): the
    rule behind `issue_cards` and the demonstration's cards. A number taken already is drawn again."""
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


def record_points(*, actor: Any, card: str, task: str, points: int) -> PointEntry:
    """Points for a task on a card of the actor's centre; a 10-digit number whose check digit does not match is
    refused as mistyped."""
    if not actor.has_perm("innovation.add_pointentry"):
        raise PermissionDenied(_("Your role does not record points."))
    number = "".join(ch for ch in card if ch.isdigit())
    if len(number) == CARD_DIGITS and not card_number_well_formed(number):
        raise ValidationError(_("The card number %s is mistyped: its last digit does not match.") % number, code="typo")
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
    if slot.pk is not None:
        problem = slot_places_problem(places=slot.places, booked=slot.booked)
        if problem is not None:
            raise ValidationError({"places": problem})
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

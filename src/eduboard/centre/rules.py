"""The centre's pure rules: what a slot's places allow (a page's service, an importer, the booking page and the
catalogue apply it, written once; its database form beside it), when a slot begins and which term a day is in, a
school's share of a term and the public page's share of a day (the settings that tune them), when a teacher may
still cancel, and visitor cards' numbers (random, with a Luhn check
digit) and secret codes (kept hashed). Nothing here reads or writes the database: the conditions it gives are
expressions for the selectors and services to use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from datetime import date, datetime, time, timedelta
from random import Random
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.centre.choices import (
    CANCEL_HOURS,
    DAY_SHARE_PERCENT,
    PLACES_PER_BLOCK_DAY,
    SCHOOL_TERM_SHARE_PERCENT,
    BookingStatus,
    VisitorKind,
    VisitPlace,
)

if TYPE_CHECKING:
    from eduboard.centre.models import Activity, Booking, Card, Slot


def slot_places_problem(*, places: int, booked: int) -> str | None:
    """A slot keeps at least the places already booked in it (the database holds it too: `innovation_slot_capacity`).
    The message, or None when the places are enough."""
    if places < booked:
        return _("%(booked)d places are booked already") % {"booked": booked}
    return None


def slot_fits(*, places: int, booked: int, group_size: int = 1) -> bool:
    """Whether a group of `group_size` fits in a slot's free places: the slot would still hold what is booked with
    the group (`slot_places_problem`). A slot with a free time is one a group of one fits in."""
    return slot_places_problem(places=places, booked=booked + group_size) is None


def slot_fits_condition(group_size: int = 1) -> Q:
    """`slot_fits` as a condition on slot rows: booked + group_size <= places. The booking's conditional update,
    the waiting list and the catalogue's free times use it; a test holds it to `slot_fits`."""
    return Q(booked__lte=F("places") - group_size)


def slot_begins(slot: Slot) -> datetime:
    return timezone.make_aware(datetime.combine(slot.date, slot.start))


def slot_not_begun_condition(now: datetime) -> Q:
    """Slots that have not begun at `now` (a slot is booked until it begins: `slot_begins`), as a condition on slot
    rows; a test holds it to `slot_begins`."""
    local = timezone.localtime(now)
    return Q(date__gt=local.date()) | Q(date=local.date(), start__gt=local.time())


def term_of(day: date) -> tuple[date, date]:
    """The first and last day of the term `day` is in, as the centre plans them: September to December, or January
    to August."""
    if day.month >= 9:
        return date(day.year, 9, 1), date(day.year, 12, 31)
    return date(day.year, 1, 1), date(day.year, 8, 31)


def school_term_allowance(*, offered: int, activity: Activity) -> int:
    """The places a school may hold in a term with bookings confirmed at once: CENTRE_SCHOOL_TERM_SHARE_PERCENT
    (default 10) of the places offered, rounded up, and at least one group up to the activity's
    `confirm_group_over`."""
    share = getattr(settings, "CENTRE_SCHOOL_TERM_SHARE_PERCENT", SCHOOL_TERM_SHARE_PERCENT)
    return max(math.ceil(offered * share / 100), activity.confirm_group_over)


def day_allowance(*, offered: int) -> int:
    """The places of a day of visits the public page confirms at once, whoever books: CENTRE_DAY_SHARE_PERCENT
    (default 50) of the places the centre offers that day, rounded down; the rest wait for the centre."""
    share = getattr(settings, "CENTRE_DAY_SHARE_PERCENT", DAY_SHARE_PERCENT)
    return offered * share // 100


def block_places_per_day() -> int:
    """The places the public page confirms at once for one address block (an IPv6 /64, an IPv4 /24) in a day:
    CENTRE_PLACES_PER_BLOCK_DAY (default 60)."""
    return int(getattr(settings, "CENTRE_PLACES_PER_BLOCK_DAY", PLACES_PER_BLOCK_DAY))


def can_cancel(booking: Booking, *, now: datetime | None = None) -> bool:
    """The teacher may cancel until 48 hours before the slot begins."""
    now = now or timezone.now()
    cancellable = {BookingStatus.REQUESTED, BookingStatus.CONFIRMED}  # a request waiting for the centre too
    return booking.status in cancellable and slot_begins(booking.slot) - now >= timedelta(hours=CANCEL_HOURS)


# --- visitor cards


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


#: The kinds of visitor a visit counts (`choices.VisitorKind`), each a count field of the visit of the same name.
VISITOR_KINDS: tuple[str, ...] = tuple(VisitorKind.values)


def visitors_of(counts: dict[str, int]) -> int:
    """A visit's visitors: every kind counted (`VISITOR_KINDS`), learners and teachers as families and seniors."""
    return sum(counts.get(kind) or 0 for kind in VISITOR_KINDS)


def visitors_expression() -> F | CombinedExpression:
    """`visitors_of` as a database expression over a visit's fields, for sums in the selectors."""
    total: F | CombinedExpression = F(VISITOR_KINDS[0])
    for kind in VISITOR_KINDS[1:]:
        total = total + F(kind)
    return total


def visit_place_problem(*, place: str, place_name: str) -> str | None:
    """An outside visit names the school or address it was taken to; a visit at the centre names none. The message,
    or None when the place is whole."""
    if place == VisitPlace.OUTSIDE and not place_name.strip():
        return _("Name the school or the address the visit was taken to.")
    if place == VisitPlace.CENTRE and place_name.strip():
        return _("A visit at the centre has no outside place: choose “outside the centre”, or leave this empty.")
    return None


def times_overlap(*, start: time, end: time, other_start: time, other_end: time) -> bool:
    """Two times of one day overlap when each begins before the other ends (one ending as the next begins do not)."""
    return start < other_end and other_start < end


def overlapping_condition(*, day: date, start: time, end: time) -> Q:
    """`times_overlap` as a condition on slot rows of `day`: the slots a room booked from `start` to `end` would
    clash with; a test holds it to `times_overlap`."""
    return Q(date=day, start__lt=end, end__gt=start)

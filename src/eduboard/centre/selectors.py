"""Figures of the innovation centre for a period (`innovation_stats visits`, `/api/innovation/stats/`): a handful of
grouped queries whatever the number of rows; scoped to the viewer's centre (the board: every centre)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from eduboard.centre.choices import HOLDING, BookingStatus, VisitPlace
from eduboard.centre.models import AgeBand, Booking, Card, Module, PointEntry, Slot, Visit
from eduboard.centre.rules import (
    VISITOR_KINDS,
    slot_fits_condition,
    slot_not_begun_condition,
    term_of,
    visitors_expression,
    visitors_of,
)
from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution


def school_key(name: str) -> str:
    """A school's name as it is counted: case and spacing do not make two schools."""
    return " ".join(name.casefold().split())


def innovation_figures(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """- `visits`: visits (booked, walk-in and events) on days from `date_from` to `date_to`;
    - `visitors`: their visitors of every kind (`rules.visitors_of`); `visitors_by_kind` {kind: visitors} (every
      kind of `choices.VisitorKind`); `visitors_by_age_band` {band: visitors} (every band, 0 where none);
    - `outreach_visits`: the visits taken outside the centre (to a school or another address);
    - `visits_by_module` {module code: visits}; `visits_by_municipality` {municipality: visits} (those named);
    - `schools_reached`: distinct schools among the visits (by name, case and spacing aside);
    - `bookings_by_status` {status: bookings of slots in the period} (every status);
    - `occupancy_percent`: places booked ÷ places offered in the period's slots, 2 decimals (None: no slots);
    - `points_total`: points recorded on cards in the period."""
    visits = Visit.objects.visible_to(visible_to).filter(date__gte=date_from, date__lte=date_to).order_by()
    totals = visits.aggregate(
        n=Count("pk"),
        outside=Count("pk", filter=Q(place=VisitPlace.OUTSIDE)),
        **{kind: Sum(kind) for kind in VISITOR_KINDS},
    )
    by_kind = {kind: totals[kind] or 0 for kind in VISITOR_KINDS}
    by_band = dict.fromkeys(AgeBand.objects.values_list("code", flat=True), 0)
    for code, visitors in (
        visits.filter(age_band__isnull=False)
        .values_list("age_band__code")
        .annotate(visitors=Sum(visitors_expression()))
        .values_list("age_band__code", "visitors")
    ):
        by_band[code] = visitors or 0
    by_module = dict.fromkeys(Module.objects.values_list("code", flat=True), 0)
    for code, n in (
        visits.filter(module__isnull=False)
        .values_list("module__code")
        .annotate(n=Count("pk"))
        .values_list("module__code", "n")
    ):
        by_module[code] = n
    by_municipality = dict(
        visits.exclude(municipality="")
        .values_list("municipality")
        .annotate(n=Count("pk"))
        .values_list("municipality", "n")
        .order_by("municipality")
    )
    schools = {school_key(name) for name in visits.exclude(school_name="").values_list("school_name", flat=True)}
    statuses = dict.fromkeys(BookingStatus.values, 0)
    for status, n in (
        Booking.objects.visible_to(visible_to)
        .filter(slot__date__gte=date_from, slot__date__lte=date_to)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        statuses[status] = n
    places = (
        Slot.objects.visible_to(visible_to)
        .filter(date__gte=date_from, date__lte=date_to)
        .aggregate(offered=Sum("places"), booked=Sum("booked"))
    )
    points = (
        PointEntry.objects.visible_to(visible_to)
        .filter(recorded_at__date__gte=date_from, recorded_at__date__lte=date_to)
        .aggregate(total=Sum("points"))["total"]
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "visits": totals["n"] or 0,
        "visitors": visitors_of(by_kind),
        "visitors_by_age_band": by_band,
        "visitors_by_kind": by_kind,
        "outreach_visits": totals["outside"],
        "visits_by_module": by_module,
        "visits_by_municipality": by_municipality,
        "schools_reached": len(schools),
        "bookings_by_status": statuses,
        "occupancy_percent": percent(places["booked"] or 0, places["offered"]) if places["offered"] else None,
        "points_total": points or 0,
    }


def published_activities(
    *, module: str | None = None, age_band: str | None = None, language: str | None = None, on: date | None = None
) -> Any:
    """The public catalogue: published activities (any reader, signed in or not), filtered by module code, age
    band code, language and a day with slots, in the catalogue's order."""
    from eduboard.centre.models import Activity

    activities = Activity.objects.filter(published=True)
    if module:
        activities = activities.filter(module__code=module)
    if age_band:
        activities = activities.filter(age_bands__code=age_band)
    if language:
        activities = activities.filter(languages__contains=language)
    if on:
        activities = activities.filter(slots__date=on)
    return (
        activities.distinct()
        .select_related("module")
        .prefetch_related("age_bands")
        .order_by("module__position", "code")
    )


def catalogue_activities(
    *,
    now: datetime,
    module: str | None = None,
    age_band: str | None = None,
    language: str | None = None,
    on: date | None = None,
) -> Any:
    """The public catalogue (`published_activities`, filtered alike), each activity with its free times, in the
    same one query: `next_free_date` and `next_free_start`, the first slot not begun at `now` with a free place
    (`slot_fits_condition`, a group of one) or None, and `has_times`, whether it has any slot not begun, free or
    full (full: the waiting list). With `on`, only that day's slots count."""
    times = Slot.objects.filter(slot_not_begun_condition(now), activity=OuterRef("pk"))
    if on:
        times = times.filter(date=on)
    free = times.filter(slot_fits_condition()).order_by("date", "start")
    return published_activities(module=module, age_band=age_band, language=language, on=on).annotate(
        next_free_date=Subquery(free.values("date")[:1]),
        next_free_start=Subquery(free.values("start")[:1]),
        has_times=Exists(times),
    )


def open_slots(*, activity_id: int, now: datetime, limit: int = 60) -> list[Slot]:
    """An activity's slots that have not begun at `now` (the ones a teacher may still book or wait for), first
    first."""
    slots = Slot.objects.filter(slot_not_begun_condition(now), activity_id=activity_id).order_by("date", "start")
    return list(slots[:limit])


def leaderboards(*, date_from: date, date_to: date, visible_to: Viewer, top: int = 20) -> dict[str, list[Any]]:
    """Points recorded in a period on cards given to a school: the `top` schools and the `top` classes (cards
    name no one)."""
    entries = (
        PointEntry.objects.visible_to(visible_to)
        .filter(recorded_at__date__gte=date_from, recorded_at__date__lte=date_to)
        .exclude(card__school_name="")
    )
    schools = entries.values("card__school_name").annotate(total=Sum("points"))
    classes = entries.values("card__school_name", "card__class_label").annotate(total=Sum("points"))
    return {
        "schools": list(schools.order_by("-total", "card__school_name")[:top]),
        "classes": list(classes.order_by("-total", "card__school_name", "card__class_label")[:top]),
    }


def user_centre(*, viewer: Viewer) -> Institution | None:
    """The innovation centre a user works for: the first one they may change (the board: the city's first), or
    None when their scope holds none. New activities, competitions, courses and materials are that centre's."""
    centres = Institution.objects.editable_by(viewer).filter(type=InstitutionType.INNOVATION_CENTRE)
    centre: Institution | None = centres.order_by("pk").first()
    return centre


def _term_share_key(name: str) -> str:
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
    key = _term_share_key(school_name)
    held = sum(
        size
        for school_id, name, size in Booking.objects.filter(slot__in=slots, status__in=HOLDING).values_list(
            "school_id", "school_name", "group_size"
        )
        if (school is not None and school_id == school.pk) or _term_share_key(name) == key
    )
    return held, offered


def card_total(*, card: Card) -> int:
    """The points recorded on a card."""
    return int(PointEntry.objects.filter(card=card).aggregate(total=Sum("points"))["total"] or 0)

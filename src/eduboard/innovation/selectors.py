"""Figures of the innovation centre for a period (`innovation_stats visits`, `/api/innovation/stats/`): a handful of
grouped queries whatever the number of rows; scoped to the viewer's centre (the board: every centre)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.innovation.choices import BookingStatus
from eduboard.innovation.models import AgeBand, Booking, Module, PointEntry, Slot, Visit
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution


def school_key(name: str) -> str:
    """A school's name as it is counted: case and spacing do not make two schools."""
    return " ".join(name.casefold().split())


def innovation_figures(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """- `visits`: visits (booked, walk-in and events) on days from `date_from` to `date_to`;
    - `visitors`: their learners + teachers; `visitors_by_age_band` {band: visitors} (every band, 0 where none);
    - `visits_by_module` {module code: visits}; `visits_by_municipality` {municipality: visits} (those named);
    - `schools_reached`: distinct schools among the visits (by name, case and spacing aside);
    - `bookings_by_status` {status: bookings of slots in the period} (every status);
    - `occupancy_percent`: places booked ÷ places offered in the period's slots, 2 decimals (None: no slots);
    - `points_total`: points recorded on cards in the period."""
    visits = Visit.objects.visible_to(visible_to).filter(date__gte=date_from, date__lte=date_to).order_by()
    totals = visits.aggregate(n=Count("pk"), learners=Sum("learners"), teachers=Sum("teachers"))
    by_band = dict.fromkeys(AgeBand.objects.values_list("code", flat=True), 0)
    for code, learners, teachers in (
        visits.filter(age_band__isnull=False)
        .values_list("age_band__code")
        .annotate(learners=Sum("learners"), teachers=Sum("teachers"))
        .values_list("age_band__code", "learners", "teachers")
    ):
        by_band[code] = (learners or 0) + (teachers or 0)
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
        "visitors": (totals["learners"] or 0) + (totals["teachers"] or 0),
        "visitors_by_age_band": by_band,
        "visits_by_module": by_module,
        "visits_by_municipality": by_municipality,
        "schools_reached": len(schools),
        "bookings_by_status": statuses,
        "occupancy_percent": percent(places["booked"] or 0, places["offered"]) if places["offered"] else None,
        "points_total": points or 0,
    }


def when_label(event: Any) -> str:
    """How an event's dates read in Latvian: 17.06.2024., 19.08.–05.09.2024., 27.08.2024. 10:00; or as written."""
    if event.when_text:
        return str(event.when_text)
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at) if event.ends_at else None
    if event.all_day:
        if end is None or end.date() == start.date():
            return f"{start:%d.%m.%Y}."
        if end.year == start.year:
            return f"{start:%d.%m.}–{end:%d.%m.%Y}."
        return f"{start:%d.%m.%Y}.–{end:%d.%m.%Y}."
    text = f"{start:%d.%m.%Y}. {start:%H:%M}"
    if end is not None:
        text += f"–{end:%H:%M}" if end.date() == start.date() else f"–{end:%d.%m.%Y}. {end:%H:%M}"
    return text


def events_between(*, start: date, end: date, visible_to: Viewer, public_only: bool = False) -> list[Any]:
    """Events in scope that take place (start, or go on) between `start` and `end`, in their order."""
    from eduboard.innovation.models import Event

    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end, time.max))
    events = (
        Event.objects.visible_to(visible_to)
        .filter(starts_at__lte=last)
        .filter(Q(ends_at__gte=first) | Q(ends_at__isnull=True, starts_at__gte=first))
    )
    if public_only:
        events = events.filter(public=True)
    return list(events.select_related("organiser").order_by("starts_at", "title"))


def school_year_events(*, as_of: date, visible_to: Viewer) -> list[Any]:
    """The events of the school year a readiness report dated `as_of` is for: from 1 June before it begins (the
    summer's deadlines and preparations) to the end of August it ends (seed 002, section IX)."""
    first_year = as_of.year if as_of.month >= 6 else as_of.year - 1
    return events_between(start=date(first_year, 6, 1), end=date(first_year + 1, 8, 31), visible_to=visible_to)


def published_activities(
    *, module: str | None = None, age_band: str | None = None, language: str | None = None, on: date | None = None
) -> Any:
    """The public catalogue: published activities (any reader, signed in or not), filtered by module code, age
    band code, language and a day with slots, in the catalogue's order."""
    from eduboard.innovation.models import Activity

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


def user_centre(*, viewer: Any) -> Institution | None:
    """The innovation centre a user works for: the first one they may change (the board: the city's first), or
    None when their scope holds none. New activities, competitions, courses and materials are that centre's."""
    return Institution.objects.editable_by(viewer).filter(type=InstitutionType.INNOVATION_CENTRE).order_by("pk").first()

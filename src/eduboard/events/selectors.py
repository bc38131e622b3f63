"""Reads of the events calendar: the events between two days in scope, a school year's events for the readiness
report, and how an event's dates read."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from eduboard.core.scope import Viewer
from eduboard.core.translated import text_in
from eduboard.events.models import Event


def when_label(event: Any) -> str:
    """How an event's dates read in Latvian: 17.06.2024., 19.08.–05.09.2024., 27.08.2024. 10:00; or as written."""
    if event.when_text:
        return text_in(event, "when_text")  # as written, in the reader's language where translated
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

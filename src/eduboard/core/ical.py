"""iCalendar (RFC 5545) written one way for every feed: CRLF line ends, text escaped, lines folded at 75 octets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded so that no line is longer than 75 octets (RFC 5545 3.1), never inside a character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for character in line:
        width = len(character.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += character
        size += width
    out.append(current)
    return "\r\n".join(out)


@dataclass
class CalendarEvent:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    location: str = ""
    description: str = ""
    url: str = ""


def _when(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"{name}:{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def calendar(name: str, events: Iterable[CalendarEvent]) -> str:
    """A VCALENDAR of `events`: times in UTC, whole days as DATE values (an end date is the day after)."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eduboard//calendar//LV", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]  # fmt: skip
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}", _when("DTSTART", event.start)]
        if event.end is not None:
            lines.append(_when("DTEND", event.end))
        lines.append(f"SUMMARY:{escape(event.summary)}")
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"

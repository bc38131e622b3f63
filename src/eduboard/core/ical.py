"""iCalendar (RFC 5545) written one way for every feed: CRLF line ends, text escaped, lines folded at 75 octets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone

# Every line break a reader may split on: CRLF, a lone LF or CR (RFC 5545 knows CRLF only, but readers differ), and
# what Python's str.splitlines breaks at besides (vertical tab, form feed, separators, NEL, U+2028, U+2029).
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The other control characters, which no TEXT value may hold (RFC 5545 3.3.11: only the tab among them).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every line break written as `\\n`
    (so no text can end a content line and start another, such as `BEGIN:VEVENT`), other control characters left
    out."""
    text = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _LINE_BREAK.sub("\\\\n", text))


def _uri(value: str) -> str:
    """A URI value as it is written (RFC 5545 3.3.13: not escaped), without the spaces and control characters no
    URI holds, so it stays one content line."""
    return "".join(character for character in value if character > " " and not _CONTROL.match(character))


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
            lines.append(f"URL:{_uri(event.url)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"

"""Feeds carry what people typed as text: an Atom summary is never HTML a feed reader renders, and an iCalendar
text can never end its line and start another (RFC 5545: escaped, folded at 75 octets, CRLF line ends)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.syndication.views import Feed
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from eduboard.core.feeds import TextAtom1Feed
from eduboard.core.ical import CalendarEvent, calendar, escape, fold
from eduboard.events.models import Event
from eduboard.people.models import PositionKind, Vacancy
from eduboard.people.positions import ensure_standard_positions
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.one_database

ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = "<script>alert(1)</script> <b>bold</b> & more"


def _soon(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), datetime.min.time()))


def _entries(content: bytes) -> list[ET.Element]:
    return ET.fromstring(content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed


# --- Atom: summaries as text


def test_the_feed_generator_writes_summaries_and_contents_as_text() -> None:
    feed = TextAtom1Feed(title="t", link="https://example.org/", description="d")
    feed.add_item(
        title="Vakance", link="https://example.org/1", description=MARKUP, content=MARKUP, unique_id="tag:x,2024:1"
    )
    xml = feed.writeString("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; more" in xml
    assert "<script>" not in xml and "<b>" not in xml and 'type="html"' not in xml
    (entry,) = _entries(xml.encode())
    summary, content = entry.find(f"{ATOM}summary"), entry.find(f"{ATOM}content")
    assert summary is not None and content is not None
    assert (summary.get("type"), summary.text) == ("text", MARKUP)
    assert (content.get("type"), content.text) == ("text", MARKUP)


@pytest.mark.django_db
def test_an_event_with_markup_in_the_public_atom_feed_is_text(english: None) -> None:
    Event.objects.create(title="Zinību diena", starts_at=_soon(3), place=MARKUP, public=True)
    response = Client().get("/events/feed.atom")
    assert response.status_code == 200
    assert b"<script>" not in response.content and b"<b>" not in response.content
    (entry,) = _entries(response.content)
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and summary.get("type") == "text"
    assert MARKUP in (summary.text or "")


@pytest.mark.django_db
def test_a_vacancy_description_with_markup_in_the_public_atom_feed_is_text() -> None:
    ensure_standard_positions()
    Vacancy.objects.create(
        institution=InstitutionFactory(),
        position=PositionKind.objects.get(code="subject_teacher"),
        fte="1",
        description=MARKUP,
        declared_on=date(2024, 8, 1),
        published_on=timezone.localdate() - timedelta(days=1),
    )
    response = Client().get("/vacancies/feed.atom")
    assert response.status_code == 200
    (entry,) = _entries(response.content)
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and (summary.get("type"), summary.text) == ("text", MARKUP)


def _feeds(patterns: list[Any]) -> list[Feed]:
    found: list[Feed] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _feeds(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and isinstance(pattern.callback, Feed):
            found.append(pattern.callback)
    return found


def test_every_feed_of_the_site_writes_text_summaries() -> None:
    feeds = _feeds(get_resolver().url_patterns)
    assert len(feeds) >= 2  # the events and the vacancies
    assert [type(feed).__name__ for feed in feeds if not issubclass(feed.feed_type, TextAtom1Feed)] == []


# --- iCalendar: escaped, folded, CRLF


INJECTION = "Sapulce\rBEGIN:VEVENT\rSUMMARY:Viltus\rEND:VEVENT\nBEGIN:VEVENT\r\nUID:x\u2028DTSTART:20240101"


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a\\b", "a\\\\b"),
        ("a;b,c", "a\\;b\\,c"),
        ("a\r\nb", "a\\nb"),
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\nb"),
        ("a\r\rb", "a\\n\\nb"),
        ("a\u2028b", "a\\nb"),
        ("a\tb", "a\tb"),
        ("a\x00\x1bb", "ab"),
        ("Zāle: 2. stāvs", "Zāle: 2. stāvs"),
    ],
)
def test_text_is_escaped_as_rfc_5545_says(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_lines_are_folded_at_75_octets_never_inside_a_character() -> None:
    line = "SUMMARY:" + "ēģīš" * 40
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1 and all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line  # each part decodes on its own
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_a_bare_carriage_return_cannot_add_an_event_to_a_calendar() -> None:
    body = calendar("Kalendārs", [CalendarEvent(uid="event-1@eduboard", summary=INJECTION, start=date(2024, 10, 1))])
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    assert [line for line in body.split("\r\n") if line.startswith("BEGIN:VEVENT")] == ["BEGIN:VEVENT"]
    lines = _unfold(body)
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert [line for line in lines if line.startswith("UID:")] == ["UID:event-1@eduboard"]


@pytest.mark.django_db
def test_an_event_title_with_a_bare_carriage_return_cannot_add_an_event_to_the_public_ics() -> None:
    Event.objects.create(title=INJECTION, starts_at=_soon(2), public=True, place="Zāle, 2;3")
    response = Client().get("/events/feed.ics")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.endswith("\r\n")
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")  # CRLF line ends only
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = _unfold(body)
    assert sum(line.startswith("BEGIN:VEVENT") for line in lines) == 1
    assert sum(line.startswith("SUMMARY:") for line in lines) == 1
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == (
        "SUMMARY:Sapulce\\nBEGIN:VEVENT\\nSUMMARY:Viltus\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:x\\nDTSTART:20240101"
    )
    assert "LOCATION:Zāle\\, 2\\;3" in lines

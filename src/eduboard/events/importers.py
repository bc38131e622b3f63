"""The events calendar's file format (all or nothing, idempotent): `title,starts_at,ends_at,place,organiser,
audience,public`; key: title and start. Listed with the innovation centre's formats (`import_innovation events`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    parse_required,
    parse_text,
    parse_yes_no,
)
from eduboard.events.models import Event
from eduboard.registry.models import Institution


@dataclass(frozen=True)
class EventRow:
    title: str
    starts_at: datetime
    values: tuple[tuple[str, Any], ...]


def parse_moment(values: dict[str, str], column: str, *, required: bool) -> tuple[datetime | None, bool]:
    """`YYYY-MM-DD` (a whole day) or `YYYY-MM-DD HH:MM` (local time): the moment and whether it is a whole day."""
    value = values.get(column, "").strip().replace("T", " ")
    if not value:
        if required:
            raise RowProblem(column, _("a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM) is required"))
        return None, True
    for pattern, whole in (("%Y-%m-%d", True), ("%Y-%m-%d %H:%M", False), ("%Y-%m-%d %H:%M:%S", False)):
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment), whole
    raise RowProblem(column, _("“%s” is not written YYYY-MM-DD or YYYY-MM-DD HH:MM") % value)


class EventImporter(ScopedImporter):
    """`title,starts_at,ends_at,place,organiser,audience,public`; key: title and start."""

    kind = "events"
    title = gettext_lazy("Events")
    permission = "events.add_event"
    columns: ClassVar[list[str]] = ["title", "starts_at", "ends_at", "place", "organiser", "audience", "public"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "title": gettext_lazy("the event's title"),
        "starts_at": gettext_lazy("YYYY-MM-DD (a whole day) or YYYY-MM-DD HH:MM"),
        "ends_at": gettext_lazy("the same way, or empty (a day's or a moment's event)"),
        "place": gettext_lazy("where (optional)"),
        "organiser": gettext_lazy("the organising institution's registration number; empty: the education board"),
        "audience": gettext_lazy("who it is for (optional)"),
        "public": gettext_lazy("yes|no (also 1|0, jā|nē): in the public feeds"),
    }
    example: ClassVar[list[str]] = [
        "Pedagogu Augusta konference", "2024-08-27 10:00", "2024-08-27 14:00", "Daugavpils Vienības nams",
        "", "pedagogi", "yes",
    ]  # fmt: skip

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))

    def parse(self, values: dict[str, str]) -> EventRow:
        title = " ".join(parse_required(values, "title", max_length=255).split())
        starts_at, whole = parse_moment(values, "starts_at", required=True)
        ends_at, whole_end = parse_moment(values, "ends_at", required=False)
        assert starts_at is not None  # noqa: S101 - required above
        if ends_at is not None and ends_at < starts_at:
            raise RowProblem("ends_at", _("an event ends after it starts"))
        if ends_at is not None and whole != whole_end:
            raise RowProblem("ends_at", _("write the end as the start is written (a date, or a date and time)"))
        number = values.get("organiser", "").strip()
        organiser = None
        if number:
            organiser = self.institutions.get(number)
            if organiser is None:
                raise RowProblem("organiser", _("unknown institution %s") % number)
            if not self.institution_allowed(organiser):
                raise RowProblem("organiser", _("institution %s is not in your scope") % number)
        elif self.scope is not None:
            raise RowProblem("organiser", _("the board's own events are the board's to enter; give your institution"))
        fields = {
            "ends_at": ends_at,
            "all_day": whole,
            "place": parse_text(values, "place", max_length=200),
            "organiser_id": organiser,
            "audience": parse_text(values, "audience", max_length=200),
            "public": parse_yes_no(values, "public"),
        }
        return EventRow(title, starts_at, tuple(fields.items()))

    def key(self, record: EventRow) -> Hashable:
        return (record.title.casefold(), record.starts_at)

    def describe(self, record: EventRow) -> str:
        return f"{record.starts_at:%Y-%m-%d} {record.title}"

    def write(self, records: list[EventRow], result: ImportResult) -> None:
        for record in records:
            values = dict(record.values)
            found = (
                Event.objects.select_for_update().filter(title__iexact=record.title, starts_at=record.starts_at).first()
            )
            if found is None:
                event = Event.objects.create(title=record.title, starts_at=record.starts_at, **values)
                self.counted(result, "created", record, label=event)
                continue
            if found.organiser_id is not None and not self.institution_allowed(found.organiser_id):
                raise RowProblem("title", _("this event is another institution's"))
            self.write_changes(result, record, found, values)


IMPORTERS: dict[str, type[ScopedImporter]] = {EventImporter.kind: EventImporter}

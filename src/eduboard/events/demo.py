"""Demonstration data of the events calendar: the 12 events of seed 002's section IX ("Administratīvā un
metodiskā darba pasākumi, kas plānoti augustā–novembrī"), as the board entered them, and a few institutions'."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from eduboard.events.models import Event
from eduboard.registry.models import Institution

# (first day, last day or None, when as written or "", title, kind, public)
SEED_002_EVENTS = [
    (
        "2024-06-17",
        None,
        "",
        "Pirmsskolas izglītības iestāžu pašnovērtējuma ziņojumu iesniegšana Daugavpils pilsētas Izglītības pārvaldē",
        "deadline",
        False,
    ),
    (
        "2024-08-29",
        None,
        "",
        "Skolu pašnovērtējuma ziņojumu iesniegšana Daugavpils pilsētas Izglītības pārvaldē",
        "deadline",
        False,
    ),
    (
        "2024-08-19",
        "2024-09-05",
        "",
        "Izglītības iestāžu apsekošana un tehniskās gatavības pieņemšana",
        "inspection",
        False,
    ),
    ("2024-08-27", None, "", "Pedagogu Augusta konference", "conference", True),
    ("2024-08-29", None, "", "Izglītības iestāžu vadītāju/direktoru darba sanāksme", "meeting", False),
    ("2024-08-29", None, "", "Izglītības iestāžu direktoru vietnieku izglītības jomā darba sanāksme", "meeting", False),
    (
        "2024-08-30",
        None,
        "",
        "Izglītības iestāžu vadītāju vietnieku pirmsskolas darba jautājumos darba sanāksme",
        "meeting",
        False,
    ),
    ("2024-09-02", None, "", "Zinību diena", "celebration", True),
    ("2024-09-02", "2024-09-27", "Līdz 27.09.2024.", "Administratīvā un metodiskā darba plānošana", "other", False),
    ("2024-10-03", None, "", "Skolotāju dienas pasākums", "celebration", True),
    (
        "2024-09-27",
        "2024-11-29",
        "27.09., 25.10., 29.11.2024.",
        "Izglītības iestāžu vadītāju/direktoru darba sanāksmes",
        "meeting",
        False,
    ),
    (
        "2024-10-01",
        "2024-11-30",
        "2024. gada oktobris–novembris",
        "Izglītības iestāžu vadītāju/direktoru sarunas ar Daugavpils pilsētas Izglītības pārvaldi par individuālo "
        "profesionālās darbības uzdevumu izpildes progresu",
        "meeting",
        False,
    ),
]


def _day(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def load(institutions: dict[str, Institution]) -> None:
    """Create the events once (a second run changes nothing)."""
    if Event.objects.exists():
        return
    Event.objects.bulk_create(
        Event(
            title=title,
            starts_at=_day(first),
            ends_at=_day(last) if last else None,
            all_day=True,
            when_text=when,
            kind=kind,
            public=public,
            audience="izglītības iestāžu vadītāji un pedagogi",
        )
        for first, last, when, title, kind, public in SEED_002_EVENTS
    )

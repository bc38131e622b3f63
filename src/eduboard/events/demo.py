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


#: The events' titles and dates as written, in English and Russian (Latvian → (English, Russian)).
TRANSLATIONS = {
    "Pirmsskolas izglītības iestāžu pašnovērtējuma ziņojumu iesniegšana Daugavpils pilsētas Izglītības pārvaldē": (
        "Preschools submit their self-assessment reports to the Daugavpils City Education Board",
        "Представление отчётов о самооценке дошкольных учреждений в Управление образования города Даугавпилс",
    ),
    "Skolu pašnovērtējuma ziņojumu iesniegšana Daugavpils pilsētas Izglītības pārvaldē": (
        "Schools submit their self-assessment reports to the Daugavpils City Education Board",
        "Представление отчётов о самооценке школ в Управление образования города Даугавпилс",
    ),
    "Izglītības iestāžu apsekošana un tehniskās gatavības pieņemšana": (
        "Inspection of the education institutions and acceptance of their technical readiness",
        "Обследование учебных заведений и приёмка их технической готовности",
    ),
    "Pedagogu Augusta konference": ("Teachers' August conference", "Августовская конференция педагогов"),
    "Izglītības iestāžu vadītāju/direktoru darba sanāksme": (
        "Working meeting of the heads/directors of education institutions",
        "Рабочее совещание руководителей/директоров учебных заведений",
    ),
    "Izglītības iestāžu direktoru vietnieku izglītības jomā darba sanāksme": (
        "Working meeting of the deputy directors for education",
        "Рабочее совещание заместителей директоров по учебной работе",
    ),
    "Izglītības iestāžu vadītāju vietnieku pirmsskolas darba jautājumos darba sanāksme": (
        "Working meeting of the deputy heads for preschool work",
        "Рабочее совещание заместителей руководителей по вопросам дошкольной работы",
    ),
    "Zinību diena": ("Knowledge Day", "День знаний"),
    "Administratīvā un metodiskā darba plānošana": (
        "Planning of administrative and methodological work",
        "Планирование административной и методической работы",
    ),
    "Skolotāju dienas pasākums": ("Teachers' Day event", "Мероприятие ко Дню учителя"),
    "Izglītības iestāžu vadītāju/direktoru darba sanāksmes": (
        "Working meetings of the heads/directors of education institutions",
        "Рабочие совещания руководителей/директоров учебных заведений",
    ),
    "Izglītības iestāžu vadītāju/direktoru sarunas ar Daugavpils pilsētas Izglītības pārvaldi par individuālo "
    "profesionālās darbības uzdevumu izpildes progresu": (
        "Talks of the heads/directors of education institutions with the Daugavpils City Education Board on the "
        "progress of their individual professional tasks",
        "Беседы руководителей/директоров учебных заведений с Управлением образования города Даугавпилс о ходе "
        "выполнения индивидуальных профессиональных задач",
    ),
    "Līdz 27.09.2024.": ("Until 27.09.2024", "До 27.09.2024"),
    "27.09., 25.10., 29.11.2024.": ("27.09, 25.10, 29.11.2024", "27.09, 25.10, 29.11.2024"),
    "2024. gada oktobris–novembris": ("October–November 2024", "октябрь–ноябрь 2024 года"),
}


def _day(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def load(institutions: dict[str, Institution]) -> None:
    """Create the events once (a second run changes nothing)."""
    if Event.objects.exists():
        return
    Event.objects.bulk_create(
        Event(
            title=title,
            title_en=TRANSLATIONS.get(title, ("", ""))[0],
            title_ru=TRANSLATIONS.get(title, ("", ""))[1],
            starts_at=_day(first),
            ends_at=_day(last) if last else None,
            all_day=True,
            when_text=when,
            when_text_en=TRANSLATIONS.get(when, ("", ""))[0],
            when_text_ru=TRANSLATIONS.get(when, ("", ""))[1],
            kind=kind,
            public=public,
            audience="izglītības iestāžu vadītāji un pedagogi",
        )
        for first, last, when, title, kind, public in SEED_002_EVENTS
    )

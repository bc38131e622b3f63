"""Demonstration data of the innovation centre (illustrative; seed 000 gives the modules and age bands, no list of
activities): 24 activities, 6 in each module, covering the five age bands; the autumn term of 2025 in slots on
school days; bookings from city schools and schools of the region; the past ones came (visits) or did not; visitor
cards (random numbers with a check digit and secret codes, drawn from a fixed seed: docs/innovation.md names the
first) with points; prizes at 50, 100 and 200 points."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from eduboard.centre.choices import HOLDING, BookingStatus, VisitKind, VisitPlace
from eduboard.centre.models import Activity, AgeBand, Booking, Module, PointEntry, Prize, Slot, Visit
from eduboard.centre.reference import ensure_reference
from eduboard.centre.services import cards_make
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

# (module, kind, bands, minutes, places, languages, Latvian, English, Russian)
ACTIVITIES = [
    (
        "physics_robotics",
        "workshop",
        "7-10;10-15",
        90,
        24,
        "lv;ru",
        "Robotikas darbnīca",
        "Robotics workshop",
        "Мастерская робототехники",
    ),
    (
        "physics_robotics",
        "lab_session",
        "15-19;19-25",
        120,
        16,
        "lv;en",
        "Zinātnieku laboratorija: elektriskās ķēdes",
        "Scientists' lab: circuits",
        "Лаборатория учёных: электрические цепи",
    ),
    (
        "physics_robotics",
        "route",
        "3-7;7-10",
        60,
        30,
        "lv;ru",
        "Ceļojums pa fizikas ekspozīciju",
        "A route through the physics exhibits",
        "Маршрут по физической экспозиции",
    ),
    (
        "physics_robotics",
        "lecture",
        "15-19;19-25",
        45,
        60,
        "lv;ru;en",
        "Astronomijas lekcija planetārijā",
        "Astronomy in the planetarium",
        "Лекция по астрономии в планетарии",
    ),
    (
        "physics_robotics",
        "study_visit",
        "10-15;15-19",
        180,
        28,
        "lv;ru",
        "Mācību vizīte: kustība un spēks",
        "Study visit: motion and force",
        "Учебный визит: движение и сила",
    ),
    (
        "physics_robotics",
        "camp",
        "10-15",
        240,
        20,
        "lv",
        "Robotikas nometnes diena",
        "Robotics camp day",
        "День лагеря робототехники",
    ),
    (
        "health_genetics",
        "lab_session",
        "10-15;15-19",
        90,
        16,
        "lv;ru",
        "Mikroskopija: šūnas",
        "Microscopy: cells",
        "Микроскопия: клетки",
    ),
    (
        "health_genetics",
        "workshop",
        "15-19;19-25",
        120,
        16,
        "lv;en",
        "DNS izdalīšana",
        "Extracting DNA",
        "Выделение ДНК",
    ),
    (
        "health_genetics",
        "route",
        "7-10;10-15",
        60,
        30,
        "lv;ru",
        "Cilvēka ķermeņa maršruts",
        "The human body route",
        "Маршрут «Тело человека»",
    ),
    (
        "health_genetics",
        "lecture",
        "19-25",
        45,
        60,
        "lv;en",
        "Tehnoloģijas medicīnā",
        "Technology in medicine",
        "Технологии в медицине",
    ),
    (
        "health_genetics",
        "study_visit",
        "10-15",
        150,
        28,
        "lv;ru",
        "Mācību vizīte: veselīgs uzturs",
        "Study visit: healthy food",
        "Учебный визит: здоровое питание",
    ),
    ("health_genetics", "workshop", "3-7", 45, 15, "lv;ru", "Mazie ārsti", "Little doctors", "Маленькие доктора"),
    ("ecology", "route", "3-7;7-10", 60, 30, "lv;ru", "Meža noslēpumi", "Secrets of the forest", "Тайны леса"),
    (
        "ecology",
        "lab_session",
        "10-15;15-19",
        90,
        16,
        "lv;ru",
        "Ūdens kvalitātes pētījums",
        "Testing water quality",
        "Исследование качества воды",
    ),
    ("ecology", "workshop", "7-10", 60, 20, "lv", "Otrreizējā izmantošana", "Recycling", "Вторичное использование"),
    (
        "ecology",
        "study_visit",
        "15-19",
        180,
        28,
        "lv;ru;en",
        "Ilgtspējīga mežsaimniecība",
        "Sustainable forestry",
        "Устойчивое лесное хозяйство",
    ),
    (
        "ecology",
        "lecture",
        "19-25",
        45,
        60,
        "lv;en",
        "Klimata pārmaiņas Latgalē",
        "Climate change in Latgale",
        "Изменение климата в Латгалии",
    ),
    (
        "ecology",
        "camp",
        "10-15",
        240,
        20,
        "lv;ru",
        "Daugavas ekspedīcija",
        "The Daugava expedition",
        "Экспедиция по Даугаве",
    ),
    (
        "entrepreneurship",
        "workshop",
        "15-19",
        120,
        24,
        "lv;ru",
        "Biznesa ideju darbnīca",
        "Business ideas workshop",
        "Мастерская бизнес-идей",
    ),
    (
        "entrepreneurship",
        "study_visit",
        "10-15",
        150,
        28,
        "lv",
        "Mana pirmā firma",
        "My first company",
        "Моя первая фирма",
    ),
    (
        "entrepreneurship",
        "lecture",
        "19-25",
        60,
        60,
        "lv;en",
        "Jaunuzņēmumu finansēšana",
        "Funding start-ups",
        "Финансирование стартапов",
    ),
    ("entrepreneurship", "route", "7-10", 60, 30, "lv;ru", "Tirgus diena", "Market day", "Рыночный день"),
    (
        "entrepreneurship",
        "lab_session",
        "15-19;19-25",
        90,
        16,
        "lv;ru",
        "Lēmumu spēle",
        "The decisions game",
        "Игра решений",
    ),
    ("entrepreneurship", "workshop", "3-7", 45, 15, "lv;ru", "Mazais veikals", "The little shop", "Маленький магазин"),
]
REGION = [
    ("Krāslavas Varavīksnes vidusskola", "Krāslavas novads"),
    ("Preiļu 1. pamatskola", "Preiļu novads"),
    ("Līvānu 1. vidusskola", "Līvānu novads"),
    ("Ilūkstes 1. vidusskola", "Augšdaugavas novads"),
    ("Rēzeknes 2. vidusskola", "Rēzeknes valstspilsēta"),
]
TERM = (date(2025, 9, 8), date(2025, 12, 19))
PRIZES = [
    (50, "Inovāciju centra uzlīme", "A centre sticker", "Наклейка центра"),
    (100, "Zinātnieka diploms", "A scientist's diploma", "Диплом учёного"),
    (200, "Bezmaksas laboratorijas nodarbība", "A free lab session", "Бесплатное лабораторное занятие"),
]


def load(institutions: dict[str, Institution]) -> None:
    """Create the catalogue and a term of its life once (a second run changes nothing)."""
    centre = next((i for i in institutions.values() if i.type == InstitutionType.INNOVATION_CENTRE), None)
    if centre is None or Activity.objects.exists():
        return
    ensure_reference()  # a flushed test database lost the migration's rows
    draw = random.Random(2025)  # noqa: S311  # demonstration data, the same on every machine
    modules = {m.code: m for m in Module.objects.all()}
    bands = {b.code: b for b in AgeBand.objects.all()}
    activities = []
    for index, (module, kind, ages, minutes, places, languages, lv, en, ru) in enumerate(ACTIVITIES):
        activity = Activity.objects.create(
            centre=centre,
            code=f"ic-{index + 1:02d}",
            kind=kind,
            module=modules[module],
            duration_min=minutes,
            places=places,
            languages=languages,
            title_lv=lv,
            title_en=en,
            title_ru=ru,
            published=True,
            description_lv=f"{lv}: nodarbība Inovāciju centrā.",
            description_en=f"{en}: a session at the Innovation Centre.",
            description_ru=f"{ru}: занятие в Центре инноваций.",
            price=None if index % 4 else 3,
        )
        activity.age_bands.set([bands[code] for code in ages.split(";")])
        activities.append(activity)
    city = [  # the city's schools working in the term (a school closed before it books nothing)
        i
        for i in institutions.values()
        if i.type in (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)
        and i.is_active_on(TERM[0])
    ]
    slots, day, n = [], TERM[0], 0
    while day <= TERM[1]:
        if day.weekday() < 5:
            for start in (time(9, 30), time(12, 30)):
                activity = activities[n % len(activities)]
                end_minutes = start.hour * 60 + start.minute + activity.duration_min
                slots.append(
                    Slot(
                        activity=activity,
                        date=day,
                        start=start,
                        end=time(end_minutes // 60, end_minutes % 60),
                        room="Zinātnes zāle" if n % 2 else "Laboratorija",
                        places=activity.places,
                    )
                )
                n += 1
        day += timedelta(days=1)
    # and the next four weeks from the day the demonstration is loaded, open for booking
    day = timezone.localdate() + timedelta(days=1)
    for _week_day in range(28):
        if day.weekday() < 5:
            activity = activities[n % len(activities)]
            end_minutes = 10 * 60 + activity.duration_min
            slots.append(
                Slot(
                    activity=activity,
                    date=day,
                    start=time(10),
                    end=time(end_minutes // 60, end_minutes % 60),
                    room="Zinātnes zāle",
                    places=activity.places,
                )
            )
            n += 1
        day += timedelta(days=1)
    Slot.objects.bulk_create(slots)
    bookings, visits, last_day = [], [], date(2025, 11, 28)  # up to then the groups came (or not)
    for index, slot in enumerate(Slot.objects.select_related("activity__module").order_by("date", "start")):
        if slot.date > TERM[1]:
            continue  # the weeks ahead: free for the demonstration's bookings
        if index % 5 == 4:
            continue  # some slots stay free
        local = index % 3 != 0
        school = city[index % len(city)] if local and city else None
        name, municipality = (school.name, "Daugavpils valstspilsēta") if school else REGION[index % len(REGION)]
        size = min(slot.places, 12 + draw.randint(0, 14))
        if slot.date <= last_day:
            status = BookingStatus.NO_SHOW if index % 17 == 0 else BookingStatus.ATTENDED
        else:
            status = (
                BookingStatus.CANCELLED
                if index % 11 == 0
                else BookingStatus.CONFIRMED
                if index % 2
                else BookingStatus.REQUESTED
            )
        band = slot.activity.age_bands.order_by("youngest").first()
        bookings.append(
            Booking(
                slot=slot,
                status=status,
                school=school,
                school_name=name,
                municipality=municipality,
                contact_name="Skolotājs",
                email=f"skolotajs{index}@example.lv",
                phone="+371 20000000",
                group_size=size,
                grade=str((band.youngest if band else 10) - 6 if band and band.youngest > 7 else 1),
                language="lv",
                token=secrets.token_urlsafe(24),
            )
        )
        if status == BookingStatus.ATTENDED:
            visits.append((len(bookings) - 1, slot, school, name, municipality, size, band))
    Booking.objects.bulk_create(bookings)
    held: dict[int, int] = {}
    for booking in bookings:
        if booking.status in HOLDING:  # a requested booking waits for the centre and holds no places
            held[booking.slot.pk] = held.get(booking.slot.pk, 0) + booking.group_size
    for slot in slots:
        if slot.pk in held:
            slot.booked = held[slot.pk]
    Slot.objects.bulk_update([s for s in slots if s.pk in held], ["booked"])
    saved = list(Booking.objects.order_by("pk"))
    Visit.objects.bulk_create(
        Visit(
            centre=centre,
            kind=VisitKind.BOOKED,
            booking=saved[position],
            activity=slot.activity,
            date=slot.date,
            school=school,
            school_name=name,
            municipality=municipality,
            grade=saved[position].grade,
            learners=size,
            teachers=2,
            module=slot.activity.module,
            age_band=band,
        )
        for position, slot, school, name, municipality, size, band in visits
    )
    Visit.objects.create(
        centre=centre,
        kind=VisitKind.WALK_IN,
        date=date(2025, 10, 11),
        learners=34,
        teachers=0,
        parents=21,  # seed 000: families with children, seniors and the public come too
        seniors=6,
        other_adults=5,
        children_under_school_age=11,
        note="Atvērto durvju diena",
    )
    # Seed 000: "izbraukuma laboratorijas, IC mini ekspozīciju ceļošana pa skolām" with the centre's mobile equipment.
    Visit.objects.create(
        centre=centre,
        kind=VisitKind.EVENT,
        date=date(2025, 11, 5),
        school_name="Krāslavas Varavīksnes vidusskola",
        municipality="Krāslavas novads",
        grade="5-6",
        learners=46,
        teachers=3,
        place=VisitPlace.OUTSIDE,
        place_name="Krāslavas Varavīksnes vidusskola",
        equipment_taken="Mobilā laboratorija: 12 mikroskopi, digitālie sensori, LEGO robotikas komplekti",
        module=modules["physics_robotics"],
        note="Izbraukuma laboratorija",
    )
    Visit.objects.create(
        centre=centre,
        kind=VisitKind.EVENT,
        date=date(2025, 12, 3),
        municipality="Augšdaugavas novads",
        learners=58,
        teachers=4,
        parents=9,
        place=VisitPlace.OUTSIDE,
        place_name="Naujenes pamatskola, Naujene",
        equipment_taken="Ceļojošā mini ekspozīcija “Ekoloģija un resursi”: 6 interaktīvi stendi",
        module=modules["ecology"],
        note="Ceļojošā izstāde",
    )
    Visit.objects.create(
        centre=centre,
        kind=VisitKind.EVENT,
        date=date(2025, 11, 14),
        learners=120,
        teachers=12,
        module=modules["physics_robotics"],
        note="Zinātnes nakts",
    )
    Prize.objects.bulk_create(Prize(points=p, name_lv=lv, name_en=en, name_ru=ru) for p, lv, en, ru in PRIZES)
    cards_draw = random.Random(37)  # noqa: S311  # the demonstration's cards, the same numbers and codes everywhere
    cards = [
        card
        for n in range(60)
        for card in cards_make(
            centre=centre,
            count=1,
            school_name=city[n % len(city)].name if city else "",
            class_label=f"{5 + n % 4}.a",
            rng=cards_draw,
            issued_on=date(2025, 10, 1),
        )
    ]
    tasks = ["Gravitācijas tornis", "Mikroskops", "Ūdens filtrs", "Robota labirints", "Tirgus spēle"]
    PointEntry.objects.bulk_create(
        PointEntry(
            card=card,
            task=tasks[(n + k) % len(tasks)],
            points=5 + draw.randint(0, 20),
            recorded_at=timezone.make_aware(datetime(2025, 10, 1 + (n + k) % 28, 11, 0)),
        )
        for n, card in enumerate(cards)
        for k in range(1 + n % 8)
    )

"""Demonstration data of the innovation centre (illustrative; seed 000 gives the modules and age bands, no list of
activities): 24 activities, 6 in each module, covering the five age bands; the autumn term of 2025 in slots on
school days; bookings from city schools and schools of the region; the past ones came (visits) or did not; visitor
cards (random numbers with a check digit and secret codes, drawn from a fixed seed: docs/innovation.md names the
first) with points; prizes at 50, 100 and 200 points."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from eduboard.assets.choices import AssetStatus
from eduboard.assets.models import Asset, AssetKind, Room
from eduboard.centre.choices import HOLDING, BookingStatus, VisitKind, VisitPlace
from eduboard.centre.models import (
    Activity,
    AgeBand,
    Booking,
    CentrePartner,
    Fair,
    KitLoan,
    Module,
    PointEntry,
    Prize,
    ProgrammeEvent,
    Slot,
    StudentCompany,
    Visit,
)
from eduboard.centre.reference import ensure_reference
from eduboard.centre.services import cards_make
from eduboard.projects.models import Project, ProjectProgramme
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
    spaces = equipment(centre)
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
                        space=spaces["Zinātnes zāle" if n % 2 else "Laboratorija"],
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
                    space=spaces["Zinātnes zāle"],
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
    programme(centre, city)


# Seed 000, 2.6–2.7: the centre's partners (named there) and what each does with it.
PARTNERS = [
    ("Tronheimas zinātnes centrs", "NO", "science_centre", date(2020, 9, 1),
     "Pieredzes un metožu apmaiņa; ekspertīze tematisko darbnīcu un eksponātu izstrādē; hakatonu un biznesa ideju "
     "pasākumu organizēšana."),
    ("Daugavpils Universitāte", "LV", "university", date(2020, 9, 1),
     "Skolotāju apmācības programmas, STEM mācību tehnoloģijas un tematiski eksponāti; studenti vada nodarbības "
     "IC laboratorijās."),
    ("Latgales plānošanas reģiona Latgales uzņēmējdarbības centrs", "LV", "public_body", date(2021, 1, 1),
     "Skolēnu mācību uzņēmumu gadatirgi un apmācības uzņēmējdarbībā."),
    ("Daugavpils pilsētas Attīstības departaments", "LV", "public_body", date(2021, 1, 1),
     "Skolēnu mācību uzņēmumu gadatirgi."),
]  # fmt: skip
# Student companies (SMU) of the city's secondary schools: demonstration data (seed 000 plans them, names none).
COMPANIES = [
    ("SMU “Koka rotaļas”", 5, "Koka rotaļlietas un galda spēles", date(2024, 10, 1)),
    ("SMU “Zaļā svece”", 4, "Sojas vaska sveces", date(2025, 9, 15)),
    ("SMU “RoboKits”", 6, "Robotikas komplekti iesācējiem", date(2025, 9, 22)),
    ("SMU “Latgales garša”", 3, "Zāļu tējas un medus", date(2023, 10, 1)),
]


def programme(centre: Institution, city: list[Institution]) -> None:
    """Seed 000's programme for the centre's year (2025/26 here): its partners and a project with Trondheim's
    science centre (demonstration data: the seed names the partner, not the project's number), student companies
    and their autumn fair, a regional conference and a seminar for teachers, a hackathon and a winter camp."""
    partners = [
        CentrePartner.objects.create(centre=centre, name=name, country=country, kind=kind, since=since,
                                     cooperation=cooperation)
        for name, country, kind, since, cooperation in PARTNERS
    ]  # fmt: skip
    project = Project.objects.create(
        reference="DEMO-IC-NORDPLUS-2025",
        programme=ProjectProgramme.objects.get(code="nordplus"),
        title="Zinātnes centru pieredze STEM izglītībā (demo)",
        title_en="Science centres' experience in STEM education (demo)",
        title_ru="Опыт научных центров в STEM-образовании (demo)",
        role="partner",
        coordinator="Tronheimas zinātnes centrs",
        coordinator_country="NO",
        start_date=date(2025, 8, 1),
        end_date=date(2026, 7, 31),
        status="running",
        grant=Decimal("0.00"),  # demonstration data: no amount
        city_share=Decimal("0.00"),
    )
    project.institutions.set([centre])
    partners[0].projects.set([project])
    secondary = [i for i in city if i.type in (InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)] or city
    companies = [
        StudentCompany.objects.create(
            centre=centre, name=name, school=school, school_name=school.name if school else "Līvānu 1. vidusskola",
            members=members, products=products, founded_on=founded,
            wound_up_on=date(2025, 6, 30) if founded.year == 2023 else None,
        )
        for (name, members, products, founded), school in zip(
            COMPANIES, [*secondary[:3], None], strict=True
        )
    ]  # fmt: skip
    fair = Fair.objects.create(
        centre=centre, title="SMU Ziemassvētku gadatirgus", date=date(2025, 12, 12), place="Inovāciju centrs",
        visitors=260,
    )  # fmt: skip
    fair.companies.set(companies[:3])
    events = [
        ("conference", "Reģionālā STEM un uzņēmējdarbības konference", date(2025, 10, 23), date(2025, 10, 23),
         {"teachers": 86, "other_adults": 14}, partners[:2]),
        ("seminar", "Pieredzes apmaiņas seminārs skolotājiem: STEM darbnīcas", date(2025, 11, 19),
         date(2025, 11, 19), {"teachers": 32}, partners[1:2]),
        ("seminar", "Uzņēmējdarbības skola: ideju prezentēšanas treniņš SMU dalībniekiem", date(2025, 10, 15),
         date(2025, 10, 15), {"learners": 26, "teachers": 3, "other_adults": 2}, partners[2:3]),
        ("hackathon", "Jauniešu biznesa ideju hakatons", date(2025, 11, 28), date(2025, 11, 29),
         {"learners": 48, "teachers": 6, "other_adults": 5}, partners[:1]),
        ("camp", "Ziemas STEM nometne", date(2026, 1, 5), date(2026, 1, 9), {"learners": 30, "teachers": 4}, []),
    ]  # fmt: skip
    for kind, title, first, last, counts, taking_part in events:
        event = ProgrammeEvent.objects.create(
            centre=centre, kind=kind, title=title, starts_on=first, ends_on=last, **counts
        )
        event.partners.set(taking_part)


# Seed 000, 2.2: the centre's spaces (the coworking space, the makerlab, the interactive digital classroom, the
# scientists' lab and the hall of exhibits) and equipment (tablets for visitors, construction kits, microscopes).
SPACES = [
    ("Zinātnes zāle", "hall", 60, 0),
    ("Laboratorija", "laboratory", 24, 0),
    ("Koprades telpa", "other", 30, 0),
    ("Koprades laboratorija (makerlab)", "workshop", 20, 4),
    ("Interaktīvā digitālā klase", "computer_room", 28, 28),
]
EQUIPMENT = [("tablet", "IC-PL", 24, "Planšetdators"), ("robotics_kit", "IC-RK", 12, "LEGO Education SPIKE Prime"),
             ("microscope", "IC-MK", 12, "Digitālais mikroskops")]  # fmt: skip


def equipment(centre: Institution) -> dict[str, Room]:
    """The centre's rooms and devices in the assets area (demonstration counts and models), and one set of tablets
    that went out with a visiting group and came back."""
    rooms = {
        name: Room.objects.create(institution=centre, name=name, kind=kind, places=places, computers=computers)
        for name, kind, places, computers in SPACES
    }
    kinds = {kind.code: kind for kind in AssetKind.objects.filter(code__in=[code for code, *_rest in EQUIPMENT])}
    devices = [
        Asset.objects.create(
            inventory_number=f"{prefix}-{n:02d}", kind=kinds[code], model=model, institution=centre,
            acquired_on=date(2025, 8, 20), status=AssetStatus.IN_STOCK, status_since=date(2025, 8, 20),
        )
        for code, prefix, count, model in EQUIPMENT
        if code in kinds
        for n in range(1, count + 1)
    ]  # fmt: skip
    KitLoan.objects.bulk_create(
        KitLoan(centre=centre, asset=device, group="Krāslavas Varavīksnes vidusskola, 5.–6. klase",
                lent_on=date(2025, 11, 5), returned_on=date(2025, 11, 5))
        for device in devices[:12]
    )  # fmt: skip
    return rooms

"""Demonstration data of the finance area, reproducing seed 002 (2024).

Seed figures the data gives back through the selectors: teaching-aid allocations and their spending
on 14 August 2024 (5.63 %, 24.51 %, 49.61 %, 34.33 %), the approved costs per learner, the meal rules,
and the inter-municipal settlements of 1 January – 31 August 2024 (800 in, 684 out, EUR 697246.87
receivable and EUR 517142.88 due). What the seed does not give is marked “demo” below.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F

from eduboard.finance.choices import CateringServes, CateringStatus, CostKind, DayOffScope, Direction, Purpose
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    DayOff,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealContract,
    MealRule,
    SettlementLine,
)
from eduboard.finance.sources import ensure_standard_sources
from eduboard.registry.boards import Board
from eduboard.registry.choices import InstitutionType, ProgrammeLevel
from eduboard.registry.models import Enrolment, Institution, Learner, Municipality

ALL_PRESCHOOLS = "visas pirmsskolas izglītības iestādes"
ALL_GENERAL_SCHOOLS = "visas vispārizglītojošās skolas"
#: The groups' names in English and Russian.
SET_NAMES = {
    ALL_PRESCHOOLS: ("all preschool education institutions", "все дошкольные учреждения"),
    ALL_GENERAL_SCHOOLS: ("all general education schools", "все школы общего образования"),
}
GENERAL_TYPES = (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)

# (set, source, purpose, allocated, expenditures as (date, document, amount, description))
# The spending up to 14.08.2024 adds up to the seed's figures; a later payment shows that "as of" matters.
ALLOCATIONS: list[tuple[str, str, str, str, list[tuple[date, str, str, str]]]] = [
    (
        ALL_PRESCHOOLS,
        "state",
        Purpose.TEACHING_AIDS,
        "61716.00",
        [
            (date(2024, 3, 12), "VB-PII-2024/01", "1210.40", "Mācību grāmatas"),
            (date(2024, 5, 21), "VB-PII-2024/02", "1475.18", "Attīstošās spēles"),
            (date(2024, 8, 2), "VB-PII-2024/03", "789.35", "Darba burtnīcas"),
            (date(2024, 8, 27), "VB-PII-2024/04", "15300.00", "Mācību līdzekļi jaunajam mācību gadam"),
        ],
    ),
    (
        ALL_PRESCHOOLS,
        "municipal",
        Purpose.TEACHING_AIDS,
        "55755.00",
        [
            (date(2024, 2, 8), "PB-PII-2024/01", "4120.55", "Kancelejas preces"),
            (date(2024, 4, 16), "PB-PII-2024/02", "5236.10", "Mākslas materiāli"),
            (date(2024, 7, 30), "PB-PII-2024/03", "4310.25", "Sporta inventārs"),
            (date(2024, 8, 22), "PB-PII-2024/04", "9800.00", "Mācību materiāli"),
        ],
    ),
    (
        ALL_GENERAL_SCHOOLS,
        "state",
        Purpose.TEACHING_AIDS,
        "348064.00",
        [
            (date(2024, 2, 20), "VB-VS-2024/01", "48250.00", "Mācību grāmatas 1.–4. klasei"),
            (date(2024, 4, 9), "VB-VS-2024/02", "61419.81", "Mācību grāmatas 5.–9. klasei"),
            (date(2024, 6, 18), "VB-VS-2024/03", "39000.00", "Mācību grāmatas 10.–12. klasei"),
            (date(2024, 8, 14), "VB-VS-2024/04", "24000.00", "Darba burtnīcas"),
            (date(2024, 8, 29), "VB-VS-2024/05", "52000.00", "Digitālie mācību līdzekļi"),
        ],
    ),
    (
        ALL_GENERAL_SCHOOLS,
        "municipal",
        Purpose.TEACHING_AIDS,
        "135225.00",
        [
            (date(2024, 3, 5), "PB-VS-2024/01", "18426.88", "Laboratorijas materiāli"),
            (date(2024, 5, 14), "PB-VS-2024/02", "16000.00", "Kancelejas preces"),
            (date(2024, 8, 9), "PB-VS-2024/03", "12000.00", "Sporta inventārs"),
            (date(2024, 8, 26), "PB-VS-2024/04", "21000.00", "Mācību līdzekļi"),
        ],
    ),
]
# Demo (not in the seed): monthly salary and upkeep spending, so that the computed cost per learner
# has something to be computed from. (set or registration number, monthly amount on the 10th, months)
MONTHLY_SPENDING: list[tuple[str, str, str]] = [
    (ALL_PRESCHOOLS, "1080000.00", "Atalgojums un uzturēšana"),
    (ALL_GENERAL_SCHOOLS, "1010000.00", "Atalgojums un uzturēšana"),
    ("9000000001", "21000.00", "Diennakts grupas papildu izmaksas"),
]

COST_RATES_2024 = {
    CostKind.PRESCHOOL_DAY: "300.18",
    CostKind.PRESCHOOL_24H: "474.09",
    CostKind.GENERAL: "93.24",
    CostKind.INTEREST: "24.23",
}

PRESCHOOL_MEAL_PRICE = Decimal("2.50")  # demo: seed 002 names the 100 % rules but not the price of a day
MEAL_RULES: list[dict[str, object]] = [
    {
        "code": "preschool_special_needs",
        "name": "Speciālās pirmsskolas programmas: 100 % pašvaldība",
        "name_en": "Special preschool programmes: 100 % municipality",
        "name_ru": "Специальные дошкольные программы: 100 % самоуправление",
        "rank": 10,
        "level": ProgrammeLevel.PRESCHOOL,
        "special_needs": True,
        "price_per_day": PRESCHOOL_MEAL_PRICE,
        "municipal_per_day": PRESCHOOL_MEAL_PRICE,
    },
    {
        "code": "preschool_preparatory_year",
        "name": "Sagatavošanas grupa (pēdējais gads), deklarēti pilsētā: 100 % pašvaldība līdz 31. maijam",
        "name_en": "Preparatory group (last year), declared in the city: 100 % municipality until 31 May",
        "name_ru": (
            "Подготовительная группа (последний год), задекларированы в городе: 100 % самоуправление до 31 мая"
        ),
        "rank": 11,
        "level": ProgrammeLevel.PRESCHOOL,
        "preparatory_year": True,
        "declared_in_city": True,
        "yearly_until": "05-31",
        "price_per_day": PRESCHOOL_MEAL_PRICE,
        "municipal_per_day": PRESCHOOL_MEAL_PRICE,
    },
    {
        "code": "preschool_large_family",
        "name": "3+ Ģimenes karte, deklarēti pilsētā: 100 % pašvaldība",
        "name_en": "3+ Family card, declared in the city: 100 % municipality",
        "name_ru": "Карта семьи 3+, задекларированы в городе: 100 % самоуправление",
        "rank": 12,
        "level": ProgrammeLevel.PRESCHOOL,
        "large_family": True,
        "declared_in_city": True,
        "price_per_day": PRESCHOOL_MEAL_PRICE,
        "municipal_per_day": PRESCHOOL_MEAL_PRICE,
    },
    {
        "code": "preschool_ukrainian",
        "name": "Ukrainas civiliedzīvotāji, izmitināti pilsētā: 100 % pašvaldība",
        "name_en": "Ukrainian civilians housed in the city: 100 % municipality",
        "name_ru": "Гражданские лица Украины, размещённые в городе: 100 % самоуправление",
        "rank": 13,
        "level": ProgrammeLevel.PRESCHOOL,
        "ukrainian_civilian": True,
        "declared_in_city": True,
        "price_per_day": PRESCHOOL_MEAL_PRICE,
        "municipal_per_day": PRESCHOOL_MEAL_PRICE,
    },
    {
        "code": "grades_1_4_lunch",
        "name": "1.–4. klase: pusdienas EUR 3,09 (valsts 1,545, pašvaldība 1,545)",
        "name_en": "Grades 1–4: lunch EUR 3.09 (state 1.545, municipality 1.545)",
        "name_ru": "1–4 классы: обед 3,09 EUR (государство 1,545, самоуправление 1,545)",
        "rank": 20,
        "level": ProgrammeLevel.BASIC,
        "grade_from": 1,
        "grade_to": 4,
        "price_per_day": Decimal("3.090"),
        "state_per_day": Decimal("1.545"),
        "municipal_per_day": Decimal("1.545"),
    },
    {
        "code": "grades_5_12_cofinancing",
        "name": "5.–12. klase ar līgumu: pašvaldības līdzfinansējums EUR 1,55 dienā",
        "name_en": "Grades 5–12 with a contract: municipal co-financing EUR 1.55 a day",
        "name_ru": "5–12 классы по договору: софинансирование самоуправления 1,55 EUR в день",
        "rank": 30,
        "grade_from": 5,
        "grade_to": 12,
        "requires_contract": True,
        "price_per_day": Decimal("1.550"),
        "municipal_per_day": Decimal("1.550"),
    },
    {
        # Seed 002, I.2: "Izglītojamie, kuru ēdināšanas izdevumi tiek segti 100% apmērā, tiek noteikti ar pašvaldības
        # saistošajiem noteikumiem par sociālās palīdzības un brīvprātīgo iniciatīvu pabalstiem." The seed gives no
        # price for it (demo: the grades 1-4 lunch's) and no learner of the demonstration is marked for it.
        "code": "social_assistance",
        "name": "Sociālā palīdzība, no 1. līdz 12. klasei: 100 % pašvaldība",
        "name_en": "Social assistance, grades 1 to 12: 100 % municipality",
        "name_ru": "Социальная помощь, с 1 по 12 класс: 100 % самоуправление",
        "rank": 5,
        "grade_from": 1,
        "grade_to": 12,
        "social_assistance": True,
        "price_per_day": Decimal("3.090"),
        "municipal_per_day": Decimal("3.090"),
        "grounds": "pašvaldības saistošajiem noteikumiem par sociālās palīdzības un brīvprātīgo iniciatīvu pabalstiem",
        "grounds_en": "the municipality's binding regulations on social assistance and voluntary initiative benefits",
        "grounds_ru": "обязательными правилами самоуправления о пособиях социальной помощи и добровольных инициатив",
    },
]

# Demo approximations of the days without school meals in 2023/2024 and 2024/2025.
DAYS_OFF: list[tuple[str, date, date, str]] = [
    ("Rudens brīvdienas", date(2023, 10, 23), date(2023, 10, 27), DayOffScope.SCHOOLS),
    ("Latvijas Republikas proklamēšanas diena", date(2023, 11, 20), date(2023, 11, 20), DayOffScope.ALL),
    ("Ziemassvētki", date(2023, 12, 25), date(2023, 12, 26), DayOffScope.ALL),
    ("Ziemas brīvdienas", date(2023, 12, 27), date(2024, 1, 5), DayOffScope.SCHOOLS),
    ("Jaunais gads", date(2024, 1, 1), date(2024, 1, 1), DayOffScope.ALL),
    ("Pavasara brīvdienas", date(2024, 3, 11), date(2024, 3, 15), DayOffScope.SCHOOLS),
    ("Lieldienas", date(2024, 3, 29), date(2024, 4, 1), DayOffScope.ALL),
    ("Darba svētki", date(2024, 5, 1), date(2024, 5, 1), DayOffScope.ALL),
    ("Neatkarības atjaunošanas diena", date(2024, 5, 6), date(2024, 5, 6), DayOffScope.ALL),
    ("Vasaras brīvdienas", date(2024, 6, 1), date(2024, 8, 31), DayOffScope.SCHOOLS),
    ("Līgo un Jāņi", date(2024, 6, 24), date(2024, 6, 24), DayOffScope.ALL),
    ("Rudens brīvdienas", date(2024, 10, 21), date(2024, 10, 25), DayOffScope.SCHOOLS),
    ("Latvijas Republikas proklamēšanas diena", date(2024, 11, 18), date(2024, 11, 18), DayOffScope.ALL),
    ("Ziemassvētki", date(2024, 12, 23), date(2024, 12, 26), DayOffScope.ALL),
    ("Ziemas brīvdienas", date(2024, 12, 27), date(2025, 1, 3), DayOffScope.SCHOOLS),
]

# Settlements of 1.01.–31.08.2024 (seed 002, section IV): (municipality, level, learners, months).
# Learners by level add up to 280 / 362 / 158 in and 116 / 408 / 160 out; the costs per learner per
# month are demo values chosen so that the amounts add up to the seed's EUR 697246.87 and 517142.88.
SETTLEMENT_PERIOD = (date(2024, 1, 1), date(2024, 8, 31))
INCOMING_COST = {"preschool": "215.55", "basic": "58.02", "secondary": "64.45"}  # Daugavpils' own
INCOMING: list[tuple[str, str, int, int]] = [
    ("Augšdaugavas novads", "preschool", 123, 8),
    ("Augšdaugavas novads", "preschool", 17, 5),
    ("Krāslavas novads", "preschool", 49, 8),
    ("Krāslavas novads", "preschool", 7, 6),
    ("Preiļu novads", "preschool", 49, 8),
    ("Preiļu novads", "preschool", 7, 4),
    ("Rēzeknes novads", "preschool", 25, 8),
    ("Rēzeknes novads", "preschool", 3, 3),
    ("Augšdaugavas novads", "basic", 159, 8),
    ("Augšdaugavas novads", "basic", 22, 5),
    ("Krāslavas novads", "basic", 64, 8),
    ("Krāslavas novads", "basic", 9, 6),
    ("Preiļu novads", "basic", 63, 8),
    ("Preiļu novads", "basic", 9, 4),
    ("Rēzeknes novads", "basic", 32, 8),
    ("Rēzeknes novads", "basic", 4, 3),
    ("Augšdaugavas novads", "secondary", 70, 8),
    ("Augšdaugavas novads", "secondary", 9, 5),
    ("Krāslavas novads", "secondary", 28, 8),
    ("Krāslavas novads", "secondary", 4, 6),
    ("Preiļu novads", "secondary", 28, 8),
    ("Preiļu novads", "secondary", 3, 4),
    ("Rēzeknes novads", "secondary", 14, 8),
    ("Rēzeknes novads", "secondary", 2, 3),
]
# (municipality, level, learners, months, that municipality's cost per learner per month)
OUTGOING: list[tuple[str, str, int, int, str]] = [
    ("Augšdaugavas novads", "preschool", 78, 8, "297.51"),
    ("Augšdaugavas novads", "preschool", 9, 4, "297.51"),
    ("Preiļu novads", "preschool", 26, 8, "198.30"),
    ("Preiļu novads", "preschool", 3, 6, "198.30"),
    ("Krāslavas novads", "basic", 272, 8, "63.90"),
    ("Krāslavas novads", "basic", 34, 2, "63.90"),
    ("Preiļu novads", "basic", 91, 8, "62.15"),
    ("Preiļu novads", "basic", 11, 5, "62.15"),
    ("Augšdaugavas novads", "secondary", 107, 8, "66.69"),
    ("Augšdaugavas novads", "secondary", 13, 7, "66.69"),
    ("Preiļu novads", "secondary", 36, 8, "69.20"),
    ("Preiļu novads", "secondary", 4, 3, "69.20"),
]


def _sets(institutions: dict[str, Institution]) -> dict[str, InstitutionSet]:
    members = {
        ALL_PRESCHOOLS: [i for i in institutions.values() if i.type == InstitutionType.PRESCHOOL],
        ALL_GENERAL_SCHOOLS: [i for i in institutions.values() if i.type in GENERAL_TYPES],
    }
    sets = {}
    for name, institutions_of_set in members.items():
        english, russian = SET_NAMES[name]
        institution_set, _created = InstitutionSet.objects.update_or_create(
            board=board_of(institutions), name=name, defaults={"name_en": english, "name_ru": russian}
        )
        institution_set.members.set(institutions_of_set)
        sets[name] = institution_set
    return sets


def _allocations(institutions: dict[str, Institution], sets: dict[str, InstitutionSet]) -> None:
    board = board_of(institutions)
    sources = {source.code: source for source in FundingSource.objects.of_board(board)}
    for set_name, source, purpose, amount, spending in ALLOCATIONS:
        allocation, _created = Allocation.objects.update_or_create(
            year=2024,
            institution_set=sets[set_name],
            purpose=purpose,
            source=sources[source],
            defaults={"amount": Decimal(amount)},
        )
        for day, document, spent, description in spending:
            Expenditure.objects.update_or_create(
                allocation=allocation,
                document=document,
                date=day,
                defaults={"amount": Decimal(spent), "description": description},
            )
    for recipient, monthly, description in MONTHLY_SPENDING:
        allocation, _created = Allocation.objects.update_or_create(
            year=2024,
            purpose=Purpose.OTHER,
            source=sources["municipal"],
            institution_set=sets.get(recipient),
            institution=None if recipient in sets else institutions[recipient],
            defaults={"amount": Decimal(monthly) * 12, "note": "demo"},
        )
        for month in range(1, 13):
            Expenditure.objects.update_or_create(
                allocation=allocation,
                document=f"ALG-{allocation.pk}-2024/{month:02d}",
                date=date(2024, month, 10),
                defaults={"amount": Decimal(monthly), "description": description},
            )
    for kind, cost in COST_RATES_2024.items():
        CostRate.objects.update_or_create(board=board, year=2024, kind=kind, defaults={"monthly_cost": Decimal(cost)})


def board_of(institutions: dict[str, Institution]) -> Board:
    """The board of the demonstration's institutions (Daugavpils'), whose reference data this is."""
    return next(iter(institutions.values())).board


def _meals(board: Board) -> None:
    for spec in MEAL_RULES:
        values = {"state_per_day": Decimal(0), "valid_from": date(2023, 9, 1), **spec}
        code = values.pop("code")
        MealRule.objects.update_or_create(board=board, code=code, defaults=values)
    for name, start, end, scope in DAYS_OFF:
        DayOff.objects.get_or_create(name=name, start=start, end=end, defaults={"applies_to": scope})
    # Demo: some learners hold a 3+ family card or the Ukrainian civilian status; most pupils of
    # grades 5–12 have a meal contract. Chosen by id, so a second run changes nothing.
    Learner.objects.annotate(rest=F("pk") % 17).filter(rest=0).update(large_family_card=True)
    Learner.objects.annotate(rest=F("pk") % 53).filter(rest=0).update(ukrainian_civilian=True)
    if not MealContract.objects.exists():
        pupils = (
            Enrolment.objects.open()
            .filter(group__grade__gte=5, group__school_year__code="2024/2025")
            .annotate(rest=F("learner_id") % 10)
            .filter(rest__lt=7)
            .values_list("learner_id", flat=True)
        )
        MealContract.objects.bulk_create(
            [MealContract(learner_id=learner_id, signed_on=date(2024, 9, 1)) for learner_id in pupils],
            batch_size=1000,
        )


def _settlements(board: Board) -> None:
    municipalities = {m.name: m for m in Municipality.objects.filter(is_home=False)}
    start, end = SETTLEMENT_PERIOD
    if SettlementLine.objects.of_board(board).filter(period_start=start, period_end=end).exists():
        return
    lines = [
        SettlementLine(
            board=board,
            municipality=municipalities[name],
            direction=Direction.INCOMING,
            level=level,
            period_start=start,
            period_end=end,
            learners=learners,
            months=months,
            monthly_cost=Decimal(INCOMING_COST[level]),
        )
        for name, level, learners, months in INCOMING
    ] + [
        SettlementLine(
            board=board,
            municipality=municipalities[name],
            direction=Direction.OUTGOING,
            level=level,
            period_start=start,
            period_end=end,
            learners=learners,
            months=months,
            monthly_cost=Decimal(cost),
        )
        for name, level, learners, months, cost in OUTGOING
    ]
    SettlementLine.objects.bulk_create(lines)


#: Seed 002: the preschools' catering applied for (3 years, EUR 14,480,941); the general schools' contracts concluded
#: after an open competition for 5 years.
CATERING = [
    {
        "serves": CateringServes.PRESCHOOLS,
        "status": CateringStatus.PLANNED,
        "decided_on": date(2024, 7, 15),
        "years": 3,
        "total_amount": Decimal("14480941.00"),
        "procedure": "Pieteikums pašvaldības Centralizēto iepirkumu nodaļā",
        "procedure_en": "Application to the municipality's Central Procurement Department",
        "procedure_ru": "Заявка в отдел централизованных закупок самоуправления",
    },
    {
        "serves": CateringServes.GENERAL_SCHOOLS,
        "status": CateringStatus.CONCLUDED,
        "decided_on": date(2023, 8, 1),
        "years": 5,
        "total_amount": None,
        "procedure": "Atklāts konkurss",
        "procedure_en": "Open competition",
        "procedure_ru": "Открытый конкурс",
    },
]


def _catering(board: Board) -> None:
    for spec in CATERING:
        values = dict(spec)
        CateringContract.objects.update_or_create(
            board=board, serves=values.pop("serves"), decided_on=values.pop("decided_on"), defaults=values
        )


def load(institutions: dict[str, Institution]) -> None:
    """Create or refresh the demonstration finance data (idempotent)."""
    board = board_of(institutions)
    ensure_standard_sources(board=board)
    sets = _sets(institutions)
    _allocations(institutions, sets)
    _meals(board)
    _catering(board)
    _settlements(board)

"""Small finance worlds for selector, page and API tests: every figure in them can be worked out by hand.

`base_world` — a preschool with a day, a 24-hour and a special-needs group, a secondary school and a basic
school with classes, three municipalities, the standard funding sources; school year 2023/2024.
`money_world` — allocations (to an institution and to a group of institutions) with spending, approved costs
and learners enrolled on known dates, for utilisation and the cost per learner as of 2024-03-15.
`meal_world` — the seed's meal rules, days off and learners of May 2024 for the monthly compensation.
`settlement_world` — settlement lines of 1.01.–31.08.2024 and one outside that period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.finance import demo as finance_demo
from eduboard.finance.models import (
    Allocation,
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
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, Programme
from eduboard.registry.synthetic import PersonalCodes

CODES = PersonalCodes()
PRESCHOOL, SCHOOL, OTHER_SCHOOL = "9000000001", "9000000011", "9000000015"
SEPT_2023 = date(2023, 9, 1)


@dataclass
class Base:
    preschool: Institution
    school: Institution
    other_school: Institution
    home: Municipality
    augsdaugava: Municipality
    preili: Municipality
    groups: dict[str, Group]
    sources: dict[str, FundingSource]


def base_world() -> Base:
    ensure_standard_sources()
    year = school_year_get_or_create(code="2023/2024")
    home, _ = Municipality.objects.get_or_create(name="Daugavpils", defaults={"is_home": True})
    augsdaugava, _ = Municipality.objects.get_or_create(name="Augšdaugavas novads")
    preili, _ = Municipality.objects.get_or_create(name="Preiļu novads")
    preschool_programme, _ = Programme.objects.get_or_create(
        code="01011111", defaults={"name": "Vispārējās pirmsskolas izglītības programma", "level": "preschool"}
    )
    special_programme, _ = Programme.objects.get_or_create(
        code="01015511",
        defaults={"name": "Speciālā pirmsskolas programma", "level": "preschool", "special_needs": "language"},
    )
    basic, _ = Programme.objects.get_or_create(
        code="21011111", defaults={"name": "Pamatizglītības programma", "level": "basic"}
    )
    secondary, _ = Programme.objects.get_or_create(
        code="31011011", defaults={"name": "Vispārējās vidējās izglītības programma", "level": "secondary"}
    )
    preschool, _ = Institution.objects.get_or_create(
        registration_number=PRESCHOOL, defaults={"name": "Daugavpils Ruģeļu PII", "type": "preschool"}
    )
    school, _ = Institution.objects.get_or_create(
        registration_number=SCHOOL, defaults={"name": "Daugavpils Zinātņu vidusskola", "type": "secondary"}
    )
    other_school, _ = Institution.objects.get_or_create(
        registration_number=OTHER_SCHOOL, defaults={"name": "Daugavpils Centra pamatskola", "type": "basic"}
    )
    specs = [
        ("Bitītes", preschool, preschool_programme, None, "day"),
        ("Pūcītes", preschool, preschool_programme, None, "24h"),
        ("Logopēdiskā", preschool, special_programme, None, "day"),
        ("1.a", school, basic, 1, "day"),
        ("2.a", school, basic, 2, "day"),
        ("3.a", school, basic, 3, "day"),
        ("6.a", school, basic, 6, "day"),
        ("10.a", school, secondary, 10, "day"),
        ("3.b", other_school, basic, 3, "day"),
    ]
    groups = {}
    for name, institution, programme, grade, kind in specs:
        groups[name], _ = Group.objects.get_or_create(
            institution=institution,
            school_year=year,
            name=name,
            defaults={"programme": programme, "grade": grade, "kind": kind},
        )
    sources = {source.code: source for source in FundingSource.objects.all()}
    return Base(preschool, school, other_school, home, augsdaugava, preili, groups, sources)


def learner(
    first: str,
    last: str,
    birth: date,
    municipality: Municipality | None = None,
    **flags: bool,
) -> Learner:
    return Learner.objects.create(
        personal_code=CODES.for_birth_date(birth),
        first_name=first,
        last_name=last,
        birth_date=birth,
        declared_municipality=municipality,
        **flags,
    )


def enrol(who: Learner, group: Group, enrolled_on: date = SEPT_2023, left_on: date | None = None) -> Enrolment:
    return Enrolment.objects.create(learner=who, group=group, enrolled_on=enrolled_on, left_on=left_on)


def allocation(
    base: Base,
    *,
    amount: str,
    source: str,
    purpose: str = "teaching_aids",
    institution: Institution | None = None,
    institution_set: InstitutionSet | None = None,
    year: int = 2024,
) -> Allocation:
    return Allocation.objects.create(
        year=year,
        institution=institution,
        institution_set=institution_set,
        purpose=purpose,
        source=base.sources[source],
        amount=Decimal(amount),
    )


def spend(target: Allocation, day: date, amount: str, document: str) -> Expenditure:
    return Expenditure.objects.create(allocation=target, date=day, amount=Decimal(amount), document=document)


# --- money: allocations, spending, approved costs, learner-months


MONEY_AS_OF = date(2024, 3, 15)  # month firsts counted: 1 January, 1 February, 1 March
APPROVED_2024 = {
    "preschool_day": Decimal("300.18"),
    "preschool_24h": Decimal("474.09"),
    "general": Decimal("93.24"),
    "interest": Decimal("24.23"),
}


@dataclass
class MoneyWorld:
    base: Base
    everyone: InstitutionSet
    to_school: Allocation  # state, 2000.00: 246.90 spent by the date, 1000.00 after it
    to_everyone: Allocation  # municipal, 3400.00 to the group of all three: 1700.00 spent
    to_preschool: Allocation  # municipal, other, 1000.00: 100.00 spent
    eu_to_school: Allocation  # eu_funds, other, 100.00: 0.02 spent
    last_year: Allocation  # 2023, not counted in 2024
    learners: dict[str, Learner] = field(default_factory=dict)


def money_world() -> MoneyWorld:
    base = base_world()
    everyone = InstitutionSet.objects.create(name="all institutions")
    everyone.members.set([base.preschool, base.school, base.other_school])
    g = base.groups
    people = {
        # preschool day group: 3 + 2 + 1 learner-months on 1.01, 1.02, 1.03
        "d1": (g["Bitītes"], SEPT_2023, None),
        "d2": (g["Bitītes"], date(2024, 2, 1), None),
        "d3": (g["Bitītes"], SEPT_2023, date(2024, 2, 1)),  # left on 1.02: counted on 1.01 only
        # preschool 24-hour group: 3
        "n1": (g["Pūcītes"], SEPT_2023, None),
        # the school: 3 + 3 (grade 1) + 2 (grade 10, from 15.01) = 8 general
        "s1": (g["1.a"], SEPT_2023, None),
        "s2": (g["1.a"], SEPT_2023, None),
        "s3": (g["10.a"], date(2024, 1, 15), None),
        # enrolled after the date: not counted
        "late": (g["1.a"], date(2024, 4, 1), None),
    }
    learners = {}
    for index, (key, (group, enrolled_on, left_on)) in enumerate(people.items()):
        learners[key] = learner("Bērns", key, date(2018, 1, 1 + index), base.home)
        enrol(learners[key], group, enrolled_on, left_on)
    to_school = allocation(base, amount="2000.00", source="state", institution=base.school)
    spend(to_school, date(2024, 2, 5), "246.90", "VB-1")
    spend(to_school, date(2024, 4, 2), "1000.00", "VB-2")  # after the date
    to_everyone = allocation(base, amount="3400.00", source="municipal", institution_set=everyone)
    spend(to_everyone, date(2024, 2, 10), "1700.00", "PB-1")
    to_preschool = allocation(base, amount="1000.00", source="municipal", purpose="other", institution=base.preschool)
    spend(to_preschool, date(2024, 1, 20), "100.00", "PB-2")
    eu_to_school = allocation(base, amount="100.00", source="eu_funds", purpose="other", institution=base.school)
    spend(eu_to_school, date(2024, 3, 15), "0.02", "ES-1")  # on the date itself: counted
    last_year = allocation(base, amount="5000.00", source="state", institution=base.school, year=2023)
    spend(last_year, date(2023, 12, 1), "4000.00", "VB-2023")
    for kind, cost in APPROVED_2024.items():
        CostRate.objects.create(year=2024, kind=kind, monthly_cost=cost)
    CostRate.objects.create(year=2023, kind="general", monthly_cost=Decimal("88.00"))
    return MoneyWorld(base, everyone, to_school, to_everyone, to_preschool, eu_to_school, last_year, learners)


# --- meals in May 2024


MAY = date(2024, 5, 1)
DAYS_OFF_MAY = [
    ("Darba svētki", date(2024, 5, 1), date(2024, 5, 1), "all"),
    ("Neatkarības atjaunošanas diena", date(2024, 5, 6), date(2024, 5, 6), "all"),
    ("Projektu nedēļa skolās", date(2024, 5, 27), date(2024, 5, 31), "schools"),
]


def seed_meal_rules() -> dict[str, MealRule]:
    """The seed's rules, as the demonstration data stores them."""
    rules = {}
    for spec in finance_demo.MEAL_RULES:
        values = {"state_per_day": Decimal(0), "valid_from": SEPT_2023, **spec}
        rules[str(values["code"])] = MealRule.objects.create(**values)
    return rules


@dataclass
class MealWorld:
    base: Base
    rules: dict[str, MealRule]
    learners: dict[str, Learner]


def meal_world() -> MealWorld:
    base = base_world()
    rules = seed_meal_rules()
    for name, start, end, scope in DAYS_OFF_MAY:
        DayOff.objects.create(name=name, start=start, end=end, applies_to=scope)
    g = base.groups
    people = {
        "grade2": learner("Anna", "Otrā", date(2016, 3, 3), base.home),
        "grade6_contract": learner("Pēteris", "Sestais", date(2012, 4, 4), base.home),
        "grade6_no_contract": learner("Juris", "Bezlīguma", date(2012, 5, 5), base.home),
        "preparatory": learner("Laura", "Sagatavošana", date(2017, 4, 4), base.home),
        "preparatory_elsewhere": learner("Oskars", "Novadnieks", date(2017, 6, 6), base.augsdaugava),
        "special_needs": learner("Mia", "Logopēde", date(2019, 2, 2), base.augsdaugava),
        "two_schools": learner("Toms", "Divskolu", date(2015, 7, 7), base.home),
    }
    enrol(people["grade2"], g["2.a"])
    enrol(people["grade6_contract"], g["6.a"])
    MealContract.objects.create(learner=people["grade6_contract"], signed_on=date(2024, 5, 13))
    enrol(people["grade6_no_contract"], g["6.a"])
    enrol(people["preparatory"], g["Bitītes"])
    enrol(people["preparatory_elsewhere"], g["Bitītes"])
    enrol(people["special_needs"], g["Logopēdiskā"])
    # in the other school until 15 May (the first day no longer there), in this one from 13 May
    enrol(people["two_schools"], g["3.b"], SEPT_2023, date(2024, 5, 15))
    enrol(people["two_schools"], g["3.a"], date(2024, 5, 13))
    return MealWorld(base, rules, people)


# --- settlements


SETTLEMENT_FROM, SETTLEMENT_TO = date(2024, 1, 1), date(2024, 8, 31)
# (municipality attribute, direction, level, learners, months, monthly cost)
SETTLEMENT_LINES = [
    ("augsdaugava", "incoming", "preschool", 10, 8, "215.55"),
    ("augsdaugava", "incoming", "basic", 4, 5, "58.02"),
    ("preili", "incoming", "basic", 5, 4, "58.02"),
    ("preili", "outgoing", "secondary", 3, 8, "69.20"),
    ("augsdaugava", "outgoing", "basic", 2, 3, "63.90"),
]


def settlement_world() -> Base:
    base = base_world()
    for attribute, direction, level, learners, months, cost in SETTLEMENT_LINES:
        SettlementLine.objects.create(
            municipality=getattr(base, attribute),
            direction=direction,
            level=level,
            period_start=SETTLEMENT_FROM,
            period_end=SETTLEMENT_TO,
            learners=learners,
            months=months,
            monthly_cost=Decimal(cost),
        )
    # the autumn before: outside the period
    SettlementLine.objects.create(
        municipality=base.preili,
        direction="incoming",
        level="preschool",
        period_start=date(2023, 9, 1),
        period_end=date(2023, 12, 31),
        learners=99,
        months=4,
        monthly_cost=Decimal("200.00"),
    )
    return base

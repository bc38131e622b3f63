"""A synthetic country for benchmarks and tests: institutions, groups, learners and enrolments of one school year.

`generate(scale="national")` makes about 1,200 institutions and 330,000 learners, shaped like Latvia's
education system (about 500 preschools, 550 general schools, the rest vocational, interest-education
and other institutions), all of the deployment's one board. `generate(scale="country")` makes the country as
one deployment of 43 boards, one per municipality (the deployment's board is Daugavpils'; the others get codes
`n-<municipality>`): about 1,500 institutions, 224,000 pupils of general education and 90,000 preschool children,
Riga's board holding about a quarter of them, each learner declared mostly in their institution's municipality.
Everything is made with bulk inserts in batches inside one transaction, with no query per row. Registration
numbers are `800000NNNN` (the demonstration uses `90000000NN`), so a generated set never mixes with other data and
can be found, refused or replaced as a whole.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

from eduboard.core.imports import analyze_tables
from eduboard.core.latvian import paused_search_index
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import parse_school_year_code, school_year_get_or_create
from eduboard.registry.boards import Board, first_board
from eduboard.registry.choices import GroupKind, InstitutionType, ProgrammeLevel, SpecialNeeds
from eduboard.registry.importers import is_home_municipality
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Licence, Municipality, Programme
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

PREFIX = "800000"  # + 4 digits: the generated registration numbers
HOME = "Daugavpils"
BATCH = 20_000  # learners built and inserted per round (with their enrolments)

Report = Callable[[str], None]


@dataclass(frozen=True)
class Scale:
    """How many institutions of each type a scale has, and how big their groups are."""

    preschools: int
    basic_schools: int
    secondary_schools: int
    gymnasiums: int
    vocational: int
    interest: int
    other: int
    preschool_groups: tuple[int, int]  # groups per preschool
    classes_per_grade: tuple[int, int]  # parallel classes per grade in a secondary school
    vocational_groups: tuple[int, int]  # groups per course (year) in a vocational school
    interest_groups: tuple[int, int]  # groups per interest-education institution
    boards: int = 1  # 1: every institution in the deployment's board; more: one board per municipality

    @property
    def institutions(self) -> int:
        """Institutions of all types."""
        return (
            self.preschools
            + self.basic_schools
            + self.secondary_schools
            + self.gymnasiums
            + self.vocational
            + self.interest
            + self.other
        )


SCALES: dict[str, Scale] = {
    # About 1,200 institutions and 330,000 learners: the whole of Latvia.
    "national": Scale(500, 190, 310, 50, 60, 70, 20, (7, 12), (1, 3), (3, 5), (8, 14)),
    # About 40 institutions and 15,000 learners: a city like Daugavpils.
    "city": Scale(16, 4, 11, 1, 2, 4, 2, (8, 14), (2, 4), (3, 5), (8, 14)),
    # 5 institutions and about 500 learners: for tests.
    "small": Scale(2, 1, 1, 0, 0, 1, 0, (2, 3), (1, 1), (1, 1), (2, 3)),
    # About 1,500 institutions of 43 boards, 224,000 pupils and 90,000 preschool children: the country.
    "country": Scale(660, 205, 345, 55, 65, 130, 40, (5, 9), (1, 3), (3, 5), (8, 14), boards=43),
    # 3 boards of 3 institutions: for tests of the country's shape.
    "boards": Scale(3, 2, 2, 0, 0, 1, 1, (2, 3), (1, 1), (1, 1), (2, 3), boards=3),
}
#: Each board's share of the country's institutions (weights; the others share the rest alike): Riga the biggest.
BOARD_WEIGHTS: dict[str, float] = {
    "Rīga": 26.0, "Daugavpils": 4.0, "Liepāja": 3.2, "Jelgava": 2.6, "Jūrmala": 2.0, "Ventspils": 1.4, "Rēzekne": 1.3,
}  # fmt: skip
OTHER_BOARD_WEIGHT = 1.45
GENERATED_BOARD_PREFIX = "n-"

# code, name, level, special-needs category (codes as in the demonstration, so both can coexist)
PROGRAMMES: dict[str, tuple[str, str, str]] = {
    "01011111": ("Vispārējās pirmsskolas izglītības programma", ProgrammeLevel.PRESCHOOL, SpecialNeeds.NONE),
    "01015511": (
        "Speciālā pirmsskolas izglītības programma izglītojamajiem ar valodas traucējumiem",
        ProgrammeLevel.PRESCHOOL,
        SpecialNeeds.LANGUAGE,
    ),
    "01015611": (
        "Speciālā pirmsskolas izglītības programma izglītojamajiem ar jauktiem attīstības traucējumiem",
        ProgrammeLevel.PRESCHOOL,
        SpecialNeeds.MIXED,
    ),
    "21011111": ("Pamatizglītības programma", ProgrammeLevel.BASIC, SpecialNeeds.NONE),
    "21015611": (
        "Speciālā pamatizglītības programma izglītojamajiem ar mācīšanās traucējumiem",
        ProgrammeLevel.BASIC,
        SpecialNeeds.LEARNING,
    ),
    "21015811": (
        "Speciālā pamatizglītības programma izglītojamajiem ar garīgās attīstības traucējumiem",
        ProgrammeLevel.BASIC,
        SpecialNeeds.INTELLECTUAL,
    ),
    "31011011": ("Vispārējās vidējās izglītības programma", ProgrammeLevel.SECONDARY, SpecialNeeds.NONE),
    "33214011": ("Dizains (profesionālā vidējā izglītība)", ProgrammeLevel.VOCATIONAL, SpecialNeeds.NONE),
    "33481011": ("Programmēšana (profesionālā vidējā izglītība)", ProgrammeLevel.VOCATIONAL, SpecialNeeds.NONE),
    "33541011": (
        "Ēdināšanas pakalpojumi (profesionālā vidējā izglītība)",
        ProgrammeLevel.VOCATIONAL,
        SpecialNeeds.NONE,
    ),
    "20000001": ("Interešu izglītības programma (sintētiska)", ProgrammeLevel.INTEREST, SpecialNeeds.NONE),
}
VOCATIONAL_CODES = ["33214011", "33481011", "33541011"]

# The 43 municipalities of Latvia since 2021: 7 state cities and 36 municipalities (novadi).
MUNICIPALITIES = [
    "Daugavpils", "Jelgava", "Jūrmala", "Liepāja", "Rēzekne", "Rīga", "Ventspils",
    "Aizkraukles novads", "Alūksnes novads", "Augšdaugavas novads", "Ādažu novads", "Balvu novads",
    "Bauskas novads", "Cēsu novads", "Dienvidkurzemes novads", "Dobeles novads", "Gulbenes novads",
    "Jelgavas novads", "Jēkabpils novads", "Krāslavas novads", "Kuldīgas novads", "Ķekavas novads",
    "Limbažu novads", "Līvānu novads", "Ludzas novads", "Madonas novads", "Mārupes novads", "Ogres novads",
    "Olaines novads", "Preiļu novads", "Rēzeknes novads", "Ropažu novads", "Salaspils novads", "Saldus novads",
    "Saulkrastu novads", "Siguldas novads", "Smiltenes novads", "Talsu novads", "Tukuma novads", "Valkas novads",
    "Valmieras novads", "Varakļānu novads", "Ventspils novads",
]  # fmt: skip
TYPE_NAMES: dict[str, str] = {
    InstitutionType.PRESCHOOL: "pirmsskolas izglītības iestāde",
    InstitutionType.BASIC_SCHOOL: "pamatskola",
    InstitutionType.SECONDARY_SCHOOL: "vidusskola",
    InstitutionType.GYMNASIUM: "ģimnāzija",
    InstitutionType.VOCATIONAL: "tehnikums",
    InstitutionType.INTEREST_EDUCATION: "bērnu un jauniešu centrs",
    InstitutionType.INNOVATION_CENTRE: "inovāciju centrs",
}
OTHER_MUNICIPALITY_SHARE = 0.07  # learners declared in another municipality than the board's own
NO_DECLARATION_SHARE = 0.01  # learners whose declared municipality is not known


class GeneratedDataExists(Exception):
    """A generated set is in the database already: replace it explicitly."""


@dataclass
class PlannedGroup:
    """A group to make, with how many learners it gets and the year they were born in."""

    group: Group
    learners: int
    birth_year: int


def registration_number(index: int) -> str:
    """The registration number of the `index`-th generated institution (1-based)."""
    return f"{PREFIX}{index:04d}"


def generated_institutions() -> QuerySet[Institution]:
    """Institutions of a generated set (any scale, any seed)."""
    return Institution.objects.filter(registration_number__startswith=PREFIX)


@transaction.atomic
def remove_generated() -> dict[str, int]:
    """Delete a generated set: its learners, enrolments, groups, licences and institutions.

    Raw deletes (one statement per table, no signals, no audit entries): deleting 330,000 learners
    through the ORM's collector would load every row and write an audit entry for each.
    Learners who also have an enrolment in a group that is not generated are kept.
    """
    institutions = generated_institutions()
    groups = Group.objects.filter(institution__in=institutions)
    learners = Learner.objects.filter(pk__in=Enrolment.objects.filter(group__in=groups).values("learner_id")).exclude(
        pk__in=Enrolment.objects.exclude(group__in=groups).values("learner_id")
    )
    # Foreign keys are checked at commit (Django makes them deferrable), so learners may go first.
    removed = {"learners": learners._raw_delete(learners.db)}
    enrolments = Enrolment.objects.filter(group__in=groups)
    removed["enrolments"] = enrolments._raw_delete(enrolments.db)
    removed["groups"] = groups._raw_delete(groups.db)
    licences = Licence.objects.filter(institution__in=institutions)
    removed["licences"] = licences._raw_delete(licences.db)
    removed["institutions"] = institutions._raw_delete(institutions.db)
    boards = Board.objects.filter(code__startswith=GENERATED_BOARD_PREFIX).exclude(institutions__isnull=False)
    removed["boards"], _by_model = boards.delete()
    return removed


def _programmes() -> dict[str, Programme]:
    """The programmes generated groups use, created when missing (one query when they all exist)."""
    found = {programme.code: programme for programme in Programme.objects.filter(code__in=list(PROGRAMMES))}
    missing = [
        Programme(code=code, name=name, level=level, special_needs=special)
        for code, (name, level, special) in PROGRAMMES.items()
        if code not in found
    ]
    Programme.objects.bulk_create(missing)
    if missing:
        found = {programme.code: programme for programme in Programme.objects.filter(code__in=list(PROGRAMMES))}
    return found


def _municipalities() -> tuple[Municipality, list[Municipality]]:
    """The board's own municipality and the others, created when missing."""
    found = {m.name: m for m in Municipality.objects.filter(name__in=MUNICIPALITIES)}
    missing = [
        Municipality(name=name, is_home=is_home_municipality(name)) for name in MUNICIPALITIES if name not in found
    ]
    if missing:
        Municipality.objects.bulk_create(missing)
        found = {m.name: m for m in Municipality.objects.filter(name__in=MUNICIPALITIES)}
    return found[HOME], [m for name, m in found.items() if name != HOME]


def board_code(municipality: str) -> str:
    """The code of a generated board: `n-` and the municipality's name in ASCII ("Rēzeknes novads":
    n-rezeknes-novads)."""
    ascii_name = unicodedata.normalize("NFKD", municipality).encode("ascii", "ignore").decode()
    return GENERATED_BOARD_PREFIX + "-".join(ascii_name.lower().split())


def _country_boards(types: list[InstitutionType], home: Municipality, rng: random.Random, count: int) -> list[Board]:
    """The board of every institution to make, among the first `count` municipalities: the deployment's board is
    the home municipality's (Daugavpils'), each other municipality gets a generated board (made once, kept for the
    next set); institutions are dealt by the boards' weights, every board getting a preschool and a school."""
    from eduboard.registry.board_services import board_create

    # The deployment's own board (made as a deployment's first board is, when there is none yet) is the home one.
    boards: dict[str, Board] = {home.name: Board.objects.order_by("pk").first() or first_board()}
    names = MUNICIPALITIES[:count]  # Daugavpils first
    for name in names:
        if name in boards:
            continue
        found = Board.objects.filter(code=board_code(name)).first()
        boards[name] = found or board_create(code=board_code(name), municipality=name)
    weights = [BOARD_WEIGHTS.get(name, OTHER_BOARD_WEIGHT) for name in names]
    dealt: list[Board] = []
    schooled = 0  # boards given a school so far, in the order of `names`
    for kind in dict.fromkeys(types):
        count = types.count(kind)
        # Each kind dealt on its own: a board's share of preschools is its share of schools too.
        chosen = rng.choices(names, weights=weights, k=count)
        # Every board has a preschool and a school (a basic or a secondary one).
        if kind == InstitutionType.PRESCHOOL:
            chosen[: len(names)] = names[:count]
        elif kind in (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL):
            take = min(count, len(names) - schooled)
            chosen[:take] = names[schooled : schooled + take]
            schooled += take
        dealt += [boards[name] for name in chosen]
    return dealt


def _institution_types(size: Scale) -> list[InstitutionType]:
    """The type of every institution to make, in registration-number order."""
    return (
        [InstitutionType.PRESCHOOL] * size.preschools
        + [InstitutionType.BASIC_SCHOOL] * size.basic_schools
        + [InstitutionType.SECONDARY_SCHOOL] * size.secondary_schools
        + [InstitutionType.GYMNASIUM] * size.gymnasiums
        + [InstitutionType.VOCATIONAL] * size.vocational
        + [InstitutionType.INTEREST_EDUCATION] * size.interest
        + [InstitutionType.INNOVATION_CENTRE] * size.other
    )


def _plan_groups(
    institution: Institution, size: Scale, rng: random.Random, programmes: dict[str, Programme], year: SchoolYear
) -> list[PlannedGroup]:
    """The groups of one institution for the school year, with their learners' count and birth year."""
    start = year.start_date.year
    planned: list[PlannedGroup] = []

    def add(name: str, code: str, learners: int, birth_year: int, **values: object) -> None:
        group = Group(institution=institution, school_year=year, programme=programmes[code], name=name, **values)
        planned.append(PlannedGroup(group, learners, birth_year))

    def preschool_groups(count: int, prefix: str = "") -> None:
        for number in range(count):
            age = 1 + number % 6  # 1½ to 7 years old
            special = number == count - 1 and count > 2 and rng.random() < 0.25
            learners = rng.randint(8, 14) if special else rng.randint(14, 24)
            add(
                f"{prefix}{number + 1}. grupa",
                rng.choice(["01015511", "01015611"]) if special else "01011111",
                learners,
                start - age - 1,
                age_band=f"{age}–{age + 1}",
                kind=GroupKind.TWENTY_FOUR_HOUR if rng.random() < 0.02 else GroupKind.DAY,
                capacity=learners + rng.randint(0, 4),
            )

    def classes(first: int, last: int, per_grade: tuple[int, int], class_size: tuple[int, int]) -> None:
        for grade in range(first, last + 1):
            parallel = rng.randint(*per_grade) if grade <= 9 else max(1, rng.randint(*per_grade) - 1)
            for letter in "abcdef"[:parallel]:
                add(
                    f"{grade}.{letter}",
                    "21011111" if grade <= 9 else "31011011",
                    rng.randint(*class_size),
                    start - 6 - grade,
                    grade=grade,
                    capacity=30,
                )
            if grade in (3, 6) and rng.random() < 0.12:  # a special class
                code = "21015611" if rng.random() < 0.7 else "21015811"
                add(f"{grade}.s", code, rng.randint(6, 12), start - 6 - grade, grade=grade, capacity=12)

    kind = institution.type
    if kind == InstitutionType.PRESCHOOL:
        preschool_groups(rng.randint(*size.preschool_groups))
    elif kind == InstitutionType.BASIC_SCHOOL:
        if rng.random() < 0.3:
            preschool_groups(rng.randint(1, 2), prefix="PII ")
        classes(1, 9, (1, 1), (8, 22))
    elif kind == InstitutionType.SECONDARY_SCHOOL:
        if rng.random() < 0.15:
            preschool_groups(rng.randint(1, 2), prefix="PII ")
        classes(1, 12, size.classes_per_grade, (18, 28))
    elif kind == InstitutionType.GYMNASIUM:
        classes(7, 12, (size.classes_per_grade[0] + 1, size.classes_per_grade[1] + 1), (22, 30))
    elif kind == InstitutionType.VOCATIONAL:
        for course in range(1, 5):
            for number in range(rng.randint(*size.vocational_groups)):
                code = VOCATIONAL_CODES[number % len(VOCATIONAL_CODES)]
                add(f"{course}. kurss {code[-4:]}-{number + 1}", code, rng.randint(18, 30), start - 15 - course)
    elif kind == InstitutionType.INTEREST_EDUCATION:
        for number in range(rng.randint(*size.interest_groups)):
            add(f"Pulciņš {number + 1}", "20000001", rng.randint(8, 16), start - rng.randint(7, 17))
    return planned


def generate(
    *, scale: str, seed: int = 1, year_code: str = "2024/2025", report: Report | None = None
) -> dict[str, int]:
    """Make a synthetic set of `scale` for the school year `year_code`; returns how many rows of each kind.

    Raises GeneratedDataExists when a generated set is there already (see `remove_generated`).
    """
    say = report or (lambda _message: None)
    size = SCALES[scale]
    started = time.perf_counter()
    with transaction.atomic():
        if generated_institutions().exists():
            raise GeneratedDataExists(
                f"Generated institutions (registration numbers {PREFIX}NNNN) exist already; "
                "remove them first (generate_dataset --replace)."
            )
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        year = school_year_get_or_create(code=year_code)
        programmes = _programmes()
        home, others = _municipalities()

        types = _institution_types(size)
        if size.boards > 1:
            board_of = _country_boards(types, home, rng, size.boards)
        else:
            board = Board.objects.for_new_institution()  # the deployment's only board (bulk_create skips save())
            if board is None:
                raise GeneratedDataExists("Several boards: the generated institutions would belong to none of them.")
            board_of = [board] * len(types)
        institutions = [
            Institution(
                board=board_of[index - 1],
                registration_number=registration_number(index),
                name=f"Sintētiskā {index}. {TYPE_NAMES[kind]}",
                short_name=f"S{index}",
                type=kind,
                address=f"{rng.choice(MUNICIPALITIES)}, Skolas iela {index}",
                opened_on=date(1950 + rng.randrange(70), 9, 1),
            )
            for index, kind in enumerate(types, start=1)
        ]
        Institution.objects.bulk_create(institutions, batch_size=1000)
        say(f"{len(institutions)} institutions ({time.perf_counter() - started:.1f} s)")

        planned = [p for institution in institutions for p in _plan_groups(institution, size, rng, programmes, year)]
        Group.objects.bulk_create([p.group for p in planned], batch_size=2000)
        pairs = {(p.group.institution_id, p.group.programme_id) for p in planned}
        licences = [
            Licence(
                institution_id=institution_id,
                programme_id=programme_id,
                number=f"L-{institution_id}-{programme_id}",
                issued_on=date(year.start_date.year - 5, 6, 1),
            )
            for institution_id, programme_id in sorted(pairs)
        ]
        Licence.objects.bulk_create(licences, batch_size=2000)
        say(f"{len(planned)} groups, {len(licences)} licences ({time.perf_counter() - started:.1f} s)")

        enrolled_from = year.start_date.replace(month=8, day=15)
        municipality_of = {board.pk: board.municipality for board in board_of if board.municipality is not None}
        homes = {institution.pk: municipality_of.get(institution.board_id, home) for institution in institutions}
        learners = _make_learners(planned, rng, homes, others, enrolled_from, started, say)
    # Planner statistics for the tables just filled, so that the figures are fast at once (see docs/performance.md).
    analyze_tables(Municipality, Programme, Institution, Group, Licence, Learner, Enrolment)
    say(f"planner statistics refreshed (ANALYZE) ({time.perf_counter() - started:.1f} s)")
    elapsed = time.perf_counter() - started
    counts = {
        "institutions": len(institutions),
        "groups": len(planned),
        "licences": len(licences),
        "learners": learners,
        "enrolments": learners,
    }
    say(f"{learners} learners and enrolments; done in {elapsed:.1f} s")
    return counts


def _make_learners(
    planned: list[PlannedGroup],
    rng: random.Random,
    homes: dict[int, Municipality],
    others: list[Municipality],
    enrolled_from: date,
    started: float,
    say: Report,
) -> int:
    """Learners with valid personal codes and one enrolment each, inserted `BATCH` at a time; most declared in
    the municipality of their institution's board (`homes`: institution id -> municipality)."""
    codes = PersonalCodes()
    codes.used.update(Learner.objects.values_list("personal_code", flat=True))  # beside other data (the demo's)
    learners: list[Learner] = []
    groups: list[Group] = []
    entered: list[date] = []
    made = 0

    def flush() -> None:
        with paused_search_index(Learner):  # indexed for search in one statement (core.latvian)
            Learner.objects.bulk_create(learners, batch_size=5000)
        Enrolment.objects.bulk_create(
            [
                Enrolment(learner_id=learner.pk, group_id=group.pk, enrolled_on=enrolled_on)
                for learner, group, enrolled_on in zip(learners, groups, entered, strict=True)
            ],
            batch_size=5000,
        )
        learners.clear()
        groups.clear()
        entered.clear()

    for plan in planned:
        home = homes[plan.group.institution_id]
        for _number in range(plan.learners):
            first, last = random_name(rng)
            birth = random_birth_date(rng, plan.birth_year)
            draw = rng.random()
            municipality = (
                None if draw < NO_DECLARATION_SHARE else rng.choice(others) if draw < OTHER_MUNICIPALITY_SHARE else home
            )
            learners.append(
                Learner(
                    personal_code=codes.for_birth_date(birth),
                    first_name=first,
                    last_name=last,
                    birth_date=birth,
                    declared_municipality=municipality,
                    large_family_card=rng.random() < 0.12,
                    ukrainian_civilian=rng.random() < 0.02,
                )
            )
            groups.append(plan.group)
            entered.append(enrolled_from + timedelta(days=rng.randrange(17)))  # before 1 September: counted all year
        made += plan.learners
        if len(learners) >= BATCH:
            flush()
            say(f"{made} learners ({time.perf_counter() - started:.1f} s)")
    flush()
    return made


def birth_year_of(group: Group, start_year: int, rng: random.Random) -> int:
    """The birth year of a learner who fits `group` (its grade, course or age band)."""
    level = group.programme.level
    if level == ProgrammeLevel.PRESCHOOL:
        age = int(group.age_band.split("–")[0]) if group.age_band else 3
        return start_year - age - 1
    if level in (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY):
        return start_year - 6 - (group.grade or 1)
    if level == ProgrammeLevel.VOCATIONAL:
        return start_year - 15 - (group.grade or 1)
    return start_year - rng.randint(7, 17)


def learner_rows(*, count: int, seed: int = 2, year_code: str = "2024/2025") -> Iterator[list[str]]:
    """Rows of a learners import file for new learners in the generated groups (no personal code repeats one in
    the database), in `LearnerImporter.columns` order: for benchmarks of the import."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    start_year = parse_school_year_code(year_code)
    codes = PersonalCodes()
    for code in Learner.objects.values_list("personal_code", flat=True).iterator(chunk_size=10_000):
        codes.used.add(code)
    groups = list(
        Group.objects.filter(institution__in=generated_institutions(), school_year__code=year_code)
        .select_related("institution", "programme")
        .order_by("pk")
    )
    if not groups:
        raise ValueError(f"No generated groups in {year_code}: run generate_dataset first.")
    names = [name for name in MUNICIPALITIES if name != HOME]
    for _number in range(count):
        group = rng.choice(groups)
        first, last = random_name(rng)
        birth = random_birth_date(rng, birth_year_of(group, start_year, rng))
        draw = rng.random()
        municipality = (
            "" if draw < NO_DECLARATION_SHARE else rng.choice(names) if draw < OTHER_MUNICIPALITY_SHARE else HOME
        )
        yield [
            codes.for_birth_date(birth),
            first,
            last,
            birth.isoformat(),
            municipality,
            group.institution.registration_number,
            year_code,
            group.name,
            date(start_year, 8, rng.randint(15, 31)).isoformat(),
            "",
        ]

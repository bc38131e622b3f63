"""Demonstration data of the registry: Daugavpils as seed 002 describes it on 2024-08-20.

Names, types, reorganisations, group counts and every figure of seed 002 section I come out of
`registry_stats --as-of 2024-08-20` from these rows. Registration numbers are made up for the
demonstration (10 digits, 9-prefixed so they never collide with the real register); where the seed
does not name all institutions (9 preschools, 11 general schools) the rest are named here and marked
"(demo)" in their short name. Learners are synthetic: invented names, personal codes of valid form.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from eduboard.core.imports import insert_rows
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.registry import reference_texts
from eduboard.registry.boards import Board
from eduboard.registry.choices import GroupKind, LeavingReason
from eduboard.registry.choices import InstitutionType as T
from eduboard.registry.leaving import infer_leaving_reasons
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    Learner,
    Licence,
    Municipality,
    PriorityGround,
    Programme,
    ResidentsElsewhere,
)
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

AS_OF = date(2024, 8, 20)
YEAR, PREVIOUS_YEAR = "2024/2025", "2023/2024"
HOME = "Daugavpils"
OTHER_MUNICIPALITIES = ["Augšdaugavas novads", "Krāslavas novads", "Preiļu novads", "Rēzeknes novads"]

# (registration number, name, short name, type)
INSTITUTIONS: list[tuple[str, str, str, str]] = [
    ("9000000001", "Daugavpils Ruģeļu pirmsskolas izglītības iestāde", "Ruģeļu PII", T.PRESCHOOL),
    ("9000000002", "Daugavpils pilsētas 4. pirmsskolas izglītības iestāde", "4. PII", T.PRESCHOOL),
    ("9000000003", "Daugavpils pilsētas 9. pirmsskolas izglītības iestāde", "9. PII", T.PRESCHOOL),
    ("9000000004", "Daugavpils pilsētas 15. pirmsskolas izglītības iestāde", "15. PII", T.PRESCHOOL),
    ("9000000005", "Daugavpils pilsētas 24. pirmsskolas izglītības iestāde", "24. PII", T.PRESCHOOL),
    ("9000000006", "Daugavpils pilsētas 27. pirmsskolas izglītības iestāde", "27. PII", T.PRESCHOOL),
    ("9000000007", "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestāde", "Ķīmijas apkaimes PII", T.PRESCHOOL),
    ("9000000008", "Daugavpils pilsētas 13. pirmsskolas izglītības iestāde", "13. PII (demo)", T.PRESCHOOL),
    ("9000000009", "Daugavpils pilsētas 26. pirmsskolas izglītības iestāde", "26. PII (demo)", T.PRESCHOOL),
    ("9000000011", "Daugavpils Zinātņu vidusskola", "Zinātņu vsk.", T.SECONDARY_SCHOOL),
    ("9000000012", "Daugavpils Valstspilsētas vidusskola", "Valstspilsētas vsk.", T.SECONDARY_SCHOOL),
    ("9000000013", "Daugavpils Draudzīgā aicinājuma vidusskola", "Draudzīgā aicinājuma vsk.", T.SECONDARY_SCHOOL),
    ("9000000014", "Daugavpils Iespēju vidusskola", "Iespēju vsk.", T.SECONDARY_SCHOOL),
    ("9000000015", "Daugavpils Centra vidusskola", "Centra vsk.", T.SECONDARY_SCHOOL),
    ("9000000016", "Daugavpils Stropu pamatskola-attīstības centrs", "SPAC", T.BASIC_SCHOOL),
    ("9000000017", "Daugavpils Vienības pamatskola", "Vienības psk.", T.BASIC_SCHOOL),
    ("9000000018", "Daugavpils Saskaņas pamatskola", "Saskaņas psk.", T.BASIC_SCHOOL),
    ("9000000019", "J. Pilsudska Daugavpils valsts poļu ģimnāzija", "Poļu ģimnāzija", T.GYMNASIUM),
    ("9000000024", "Daugavpils Krievu vidusskola-licejs", "Krievu vsk.-licejs (demo)", T.SECONDARY_SCHOOL),
    ("9000000025", "Daugavpils 9. vidusskola", "9. vsk. (demo)", T.SECONDARY_SCHOOL),
    (
        "9000000021",
        "Mākslu izglītības kompetences centrs “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
        "Saules skola",
        T.VOCATIONAL,
    ),
    ("9000000031", "Daugavpils pilsētas Bērnu un jauniešu centrs “Jaunība”", "BJC “Jaunība”", T.INTEREST_EDUCATION),
    ("9000000041", "Daugavpils Inovāciju centrs", "Inovāciju centrs", T.INNOVATION_CENTRE),
    ("9000000051", "Daugavpils 11. pamatskola", "11. psk.", T.BASIC_SCHOOL),
    ("9000000052", "J. Raiņa Daugavpils 6. pamatskola", "6. psk.", T.BASIC_SCHOOL),
]
CENTRE, CENTRE_PARENT, CENTRE_ADDRESS = "9000000041", "9000000031", "Vienības iela 30, Daugavpils"
# Closed by the council's decisions of 22 February 2024 and joined to other schools (seed 002).
REORGANISATIONS = {
    "9000000051": ("9000000013", "Domes 22.02.2024. lēmums Nr. 112"),
    "9000000052": ("9000000015", "Domes 22.02.2024. lēmums Nr. 113"),
}
#: The decisions in English and Russian.
REORGANISATION_NOTES = {
    "Domes 22.02.2024. lēmums Nr. 112": ("Council decision No. 112 of 22.02.2024", "Решение Думы от 22.02.2024 № 112"),
    "Domes 22.02.2024. lēmums Nr. 113": ("Council decision No. 113 of 22.02.2024", "Решение Думы от 22.02.2024 № 113"),
}
CLOSED_ON = date(2024, 8, 31)

# code, name, level, special needs
PROGRAMMES: list[tuple[str, str, str, str]] = [
    ("01011111", "Vispārējās pirmsskolas izglītības programma", "preschool", "none"),
    ("01015111", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar redzes traucējumiem", "preschool", "visual"),
    ("01015411", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar somatiskām saslimšanām", "preschool", "somatic"),
    ("01015511", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar valodas traucējumiem", "preschool", "language"),
    ("01015611", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar jauktiem attīstības traucējumiem", "preschool", "mixed"),
    ("01015711", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar garīgās veselības traucējumiem", "preschool", "mental_health"),
    ("01015811", "Speciālā pirmsskolas izglītības programma izglītojamajiem ar garīgās attīstības traucējumiem", "preschool", "intellectual"),
    ("21011111", "Pamatizglītības programma", "basic", "none"),
    ("21015111", "Speciālā pamatizglītības programma izglītojamajiem ar redzes traucējumiem", "basic", "visual"),
    ("21015311", "Speciālā pamatizglītības programma izglītojamajiem ar fiziskās attīstības traucējumiem", "basic", "physical"),
    ("21015411", "Speciālā pamatizglītības programma izglītojamajiem ar somatiskām saslimšanām", "basic", "somatic"),
    ("21015511", "Speciālā pamatizglītības programma izglītojamajiem ar valodas traucējumiem", "basic", "language"),
    ("21015611", "Speciālā pamatizglītības programma izglītojamajiem ar mācīšanās traucējumiem", "basic", "learning"),
    ("21015711", "Speciālā pamatizglītības programma izglītojamajiem ar garīgās veselības traucējumiem", "basic", "mental_health"),
    ("21015811", "Speciālā pamatizglītības programma izglītojamajiem ar garīgās attīstības traucējumiem", "basic", "intellectual"),
    ("21015911", "Speciālā pamatizglītības programma izglītojamajiem ar smagiem garīgās attīstības traucējumiem", "basic", "severe_intellectual"),
    ("31011011", "Vispārējās vidējās izglītības programma", "secondary", "none"),
    ("33214011", "Dizains (profesionālā vidējā izglītība)", "vocational", "none"),
]  # fmt: skip

# Special programmes per institution, as seed 002 lists them.
SPECIAL_LICENCES: dict[str, list[str]] = {
    "9000000001": ["01015511"],
    "9000000002": ["01015511", "01015411", "01015711"],
    "9000000003": ["01015111", "01015611"],
    "9000000004": ["01015511", "01015611"],
    "9000000005": ["01015511"],
    "9000000006": ["01015511", "01015611"],
    "9000000007": ["01015511"],
    "9000000015": ["01015511", "01015611", "21015611", "21015511", "21015411"],
    "9000000013": ["01015511", "01015611", "21015611", "21015511", "21015111", "21015311"],
    "9000000016": ["01015611", "01015811", "01015711", "21015811", "21015911", "21015711"],
    "9000000012": ["21015611", "21015511"],
    "9000000017": ["21015611", "21015511"],
    "9000000019": ["21015311"],
}

# Preschool groups: registration number -> (groups, children, free places) for 2024/2025, then 2023/2024.
PRESCHOOL_GROUPS: dict[str, tuple[tuple[int, int, int], tuple[int, int]]] = {
    "9000000001": ((14, 252, 8), (15, 290)),
    "9000000002": ((12, 216, 7), (13, 253)),
    "9000000003": ((13, 234, 8), (14, 273)),
    "9000000004": ((12, 216, 7), (13, 254)),
    "9000000005": ((11, 198, 7), (12, 233)),
    "9000000006": ((13, 234, 8), (13, 254)),
    "9000000007": ((12, 216, 7), (13, 253)),
    "9000000008": ((12, 218, 6), (12, 235)),
    "9000000009": ((12, 216, 7), (13, 255)),
    "9000000011": ((12, 222, 10), (12, 240)),
    "9000000012": ((10, 186, 9), (11, 220)),
    "9000000013": ((26, 484, 23), (27, 543)),
    "9000000014": ((8, 150, 7), (9, 181)),
    "9000000016": ((4, 56, 4), (4, 60)),
    "9000000015": ((35, 672, 30), (37, 764)),
}
AGE_BANDS = [("1,5–3", 2), ("3–4", 3), ("4–5", 4), ("5–6", 5), ("6–7", 6)]

# General schools: registration number -> weight of its pupils; secondary grades only where it teaches them.
SCHOOL_WEIGHTS = {
    "9000000011": 9, "9000000012": 12, "9000000013": 14, "9000000014": 8, "9000000015": 16, "9000000016": 2,
    "9000000017": 6, "9000000018": 5, "9000000019": 6, "9000000024": 10, "9000000025": 9,
}  # fmt: skip
SECONDARY_SCHOOLS = [
    "9000000011",
    "9000000012",
    "9000000013",
    "9000000014",
    "9000000015",
    "9000000019",
    "9000000024",
    "9000000025",
]
# Pupils per grade (1–12) in all general schools: 2024/2025 gives 8819 (859 first graders, 564 in grade 10),
# 2023/2024 gives 9233 (886 first graders, 503 in grade 10), as seed 002 says (414 fewer, 27 fewer, 61 more).
PUPILS_BY_GRADE = {
    YEAR: [859, 810, 805, 800, 805, 800, 805, 800, 796, 564, 500, 475],
    PREVIOUS_YEAR: [886, 850, 845, 846, 845, 845, 845, 844, 844, 503, 560, 520],
}
CLASS_SIZE = 28
VOCATIONAL_LEARNERS = 352  # Saules skola, four courses
# Learners from other municipalities (seed 002, section IV) and residents learning elsewhere.
FROM_OTHER_MUNICIPALITIES = {"preschool": 280, "basic": 362, "secondary": 158}
RESIDENTS_ELSEWHERE = {"preschool": 116, "basic": 408, "secondary": 160}
PRIORITY_GROUNDS = [
    ("sibling", "Brālis vai māsa apmeklē to pašu iestādi", 1),
    ("large_family", "Daudzbērnu ģimene", 2),
    ("special_needs", "Speciālās vajadzības", 3),
]


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` split by `weights` (largest remainder), so the parts add up exactly."""
    weight_sum = sum(weights)
    parts = [total * w // weight_sum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % weight_sum))
    for index in remainders[: total - sum(parts)]:
        parts[index] += 1
    return parts


class _Builder:
    """Creates groups and learners for one school year, reusing last year's learners where they continue."""

    def __init__(self, rng: random.Random, codes: PersonalCodes, home: Municipality) -> None:
        self.rng, self.codes, self.home = rng, codes, home
        self.learners: list[Learner] = []
        self.enrolments: list[tuple[Learner, Group, date, date | None]] = []

    def new_learner(self, birth_year: int) -> Learner:
        first, last = random_name(self.rng)
        birth_date = random_birth_date(self.rng, birth_year)
        learner = Learner(
            personal_code=self.codes.for_birth_date(birth_date),
            first_name=first,
            last_name=last,
            birth_date=birth_date,
            declared_municipality=self.home,
        )
        self.learners.append(learner)
        return learner

    def fill(
        self, group: Group, count: int, pool: list[Learner], birth_year: int, enrolled_on: date, left_on: date | None
    ) -> list[Learner]:
        taken = [pool.pop() for _ in range(min(count, len(pool)))]
        taken += [self.new_learner(birth_year) for _ in range(count - len(taken))]
        for learner in taken:
            self.enrolments.append((learner, group, enrolled_on, left_on))
        return taken


def _load_groups_and_learners(institutions: dict[str, Institution]) -> None:
    rng = random.Random(20240820)  # noqa: S311 - reproducible demonstration data, not security
    home, _created = Municipality.objects.get_or_create(name=HOME, defaults={"is_home": True})
    others = [
        Municipality.objects.get_or_create(name=name, defaults={"is_home": False})[0] for name in OTHER_MUNICIPALITIES
    ]
    programmes = {p.code: p for p in Programme.objects.all()}
    years = {code: school_year_get_or_create(code=code) for code in (PREVIOUS_YEAR, YEAR)}
    builder = _Builder(rng, PersonalCodes(), home)
    groups: list[Group] = []
    # learners of this year by (institution, grade or age band index), to find them again a year before
    continuing: dict[tuple[str, int], list[Learner]] = defaultdict(list)
    by_level: dict[str, list[Learner]] = defaultdict(list)

    def make_group(number: str, year: SchoolYear, programme: str, name: str, **fields: Any) -> Group:
        group = Group(
            institution=institutions[number], school_year=year, programme=programmes[programme], name=name, **fields
        )
        groups.append(group)
        return group

    for year_code in (YEAR, PREVIOUS_YEAR):
        year = years[year_code]
        start = year.start_date.year
        enrolled_on, left_on = (
            (date(2024, 8, 15), None) if year_code == YEAR else (date(2023, 8, 15), date(2024, 8, 15))
        )
        # Preschool groups (special programmes in the last groups of an institution that has them).
        for number, (current, previous) in PRESCHOOL_GROUPS.items():
            count, children, free = current if year_code == YEAR else (*previous, 0)
            specials = [code for code in SPECIAL_LICENCES.get(number, []) if code.startswith("01")]
            sizes = _split(children, [1] * count)
            frees = _split(free, [1] * count)
            for index in range(count):
                band, age = AGE_BANDS[index % len(AGE_BANDS)]
                special_index = index - (count - len(specials))
                programme = specials[special_index] if special_index >= 0 else "01011111"
                kind = GroupKind.TWENTY_FOUR_HOUR if number == "9000000001" and index == 0 else GroupKind.DAY
                group = make_group(
                    number,
                    year,
                    programme,
                    f"{index + 1}. grupa",
                    age_band=band,
                    kind=kind,
                    capacity=sizes[index] + frees[index],
                )
                pool = continuing.get((number, -age - 1), []) if year_code == PREVIOUS_YEAR else []
                taken = builder.fill(group, sizes[index], pool, start - age, enrolled_on, left_on)
                if year_code == YEAR:
                    continuing[(number, -age)].extend(taken)
                    by_level["preschool"].extend(taken)
        # Classes of the general schools, grade by grade.
        schools = list(SCHOOL_WEIGHTS)
        for grade, pupils in enumerate(PUPILS_BY_GRADE[year_code], start=1):
            in_school = [n for n in schools if grade <= 9 or n in SECONDARY_SCHOOLS]
            for number, school_pupils in zip(
                in_school, _split(pupils, [SCHOOL_WEIGHTS[n] for n in in_school]), strict=True
            ):
                classes = max(1, -(-school_pupils // CLASS_SIZE))
                for letter, size in zip("abcdefghijklmnop", _split(school_pupils, [1] * classes), strict=False):
                    programme = "21011111" if grade <= 9 else "31011011"
                    group = make_group(number, year, programme, f"{grade}.{letter}", grade=grade)
                    pool = continuing.get((number, grade + 1), []) if year_code == PREVIOUS_YEAR else []
                    taken = builder.fill(group, size, pool, start - 6 - grade, enrolled_on, left_on)
                    if year_code == YEAR:
                        continuing[(number, grade)].extend(taken)
                        by_level["basic" if grade <= 9 else "secondary"].extend(taken)
        # Saules skola: vocational courses (this year only).
        if year_code == YEAR:
            for course, size in enumerate(_split(VOCATIONAL_LEARNERS, [1, 1, 1, 1]), start=1):
                group = make_group("9000000021", year, "33214011", f"{course}. kurss", grade=course)
                builder.fill(group, size, [], start - 15 - course, enrolled_on, left_on)

    for level, count in FROM_OTHER_MUNICIPALITIES.items():
        for learner in rng.sample(by_level[level], count):
            learner.declared_municipality = rng.choice(others)
    Group.objects.bulk_create(groups, batch_size=500)
    # The learners and enrolments as plain rows (core.imports.insert_rows, as the learners import writes them):
    # bulk_create's model instances took most of load_demo's time, which the tests pay once per module.
    learner_rows = [
        (
            learner.personal_code,
            learner.first_name,
            learner.last_name,
            learner.birth_date,
            learner.declared_municipality_id,
        )
        for learner in builder.learners
    ]
    fields = ["personal_code", "first_name", "last_name", "birth_date", "declared_municipality"]
    ids = insert_rows(Learner, fields, learner_rows, with_ids=True)
    if ids is None:  # SQLite: read back by personal code
        by_code = dict(Learner.objects.values_list("personal_code", "pk"))
        ids = [by_code[row[0]] for row in learner_rows]
    for learner, pk in zip(builder.learners, ids, strict=True):
        learner.pk = pk
    insert_rows(
        Enrolment,
        ["learner", "group", "enrolled_on", "left_on"],
        [(learner.pk, group.pk, start, end) for learner, group, start, end in builder.enrolments],
    )
    _record_leaving_reasons(rng)
    for (level, count), municipality in zip(
        RESIDENTS_ELSEWHERE.items(), [others[0], others[1], others[0]], strict=True
    ):
        parts = _split(count, [3, 1])
        for part, target in zip(parts, (municipality, others[2]), strict=True):
            ResidentsElsewhere.objects.update_or_create(
                board=Board.objects.order_by("pk").first(),  # the demonstration's board, Daugavpils'
                school_year=years[YEAR],
                municipality=target,
                level=level,
                defaults={"learners": part},
            )


#: The reasons the schools recorded for the learners of 2023/2024 who did not continue in the city's institutions
#: (the rest of the year's leavers completed their programme or moved up a grade, and are inferred so): weights.
RECORDED_REASONS = {
    LeavingReason.MOVED_MUNICIPALITY: 52,
    LeavingReason.MOVED_ABROAD: 24,
    LeavingReason.TRANSFERRED: 14,  # to a school the city's registry does not hold (a state gymnasium, a college)
    LeavingReason.OTHER: 4,
    LeavingReason.DROPPED_OUT: 4,
    LeavingReason.UNKNOWN: 2,  # not recorded: stays inferred
}


def _record_leaving_reasons(rng: random.Random) -> None:
    """Leaving reasons as the schools would record them: every leaving inferred by the one rule first
    (`registry.leaving`), then the leavers whose reason the rule cannot know get the one their school recorded."""
    infer_leaving_reasons()
    unknown = list(
        Enrolment.objects.filter(leaving_reason=LeavingReason.UNKNOWN, leaving_reason_inferred=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reasons = rng.choices(list(RECORDED_REASONS), weights=list(RECORDED_REASONS.values()), k=len(unknown))
    given = [
        Enrolment(pk=pk, leaving_reason=reason, leaving_reason_inferred=False)
        for pk, reason in zip(unknown, reasons, strict=True)
        if reason != LeavingReason.UNKNOWN
    ]
    Enrolment.objects.bulk_update(given, ["leaving_reason", "leaving_reason_inferred"], batch_size=500)


def load() -> dict[str, Institution]:
    """Create or refresh the demonstration registry; learners are made once (a second run keeps them)."""
    institutions = {}
    for number, name, short_name, kind in INSTITUTIONS:
        institution, _created = Institution.objects.update_or_create(
            registration_number=number,
            defaults={
                "name": name,
                "short_name": short_name,
                "type": kind,
                "address": "Daugavpils",
                "opened_on": date(1990, 9, 1),
            },
        )
        institutions[number] = institution
    # Seed 000, 2.6: the innovation centre works in the municipality's building at Vienības iela 30, a unit of
    # BJC “Jaunība”.
    Institution.objects.filter(registration_number=CENTRE).update(
        address=CENTRE_ADDRESS, part_of=institutions[CENTRE_PARENT]
    )
    centre = institutions[CENTRE]
    centre.address, centre.part_of = CENTRE_ADDRESS, institutions[CENTRE_PARENT]
    for number, (target, note) in REORGANISATIONS.items():
        english, russian = REORGANISATION_NOTES[note]
        Institution.objects.filter(registration_number=number).update(
            closed_on=CLOSED_ON,
            joined_to=institutions[target],
            reorganisation_note=note,
            reorganisation_note_en=english,
            reorganisation_note_ru=russian,
        )
        # and on the rows handed to the other areas' generators, which leave a closed school out of what happens
        # after its closing day: on a first load they were created open, a second load read them closed
        closed = institutions[number]
        closed.closed_on, closed.joined_to, closed.reorganisation_note = CLOSED_ON, institutions[target], note
    for code, name, level, special_needs in PROGRAMMES:
        Programme.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "special_needs": special_needs}
        )
    for number, codes in SPECIAL_LICENCES.items():
        for code in codes:
            Licence.objects.get_or_create(institution=institutions[number], programme=Programme.objects.get(code=code))
    for code, name, rank in PRIORITY_GROUNDS:
        PriorityGround.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})
    reference_texts.fill()
    if not Group.objects.filter(school_year__code=YEAR, institution=institutions["9000000011"]).exists():
        _load_groups_and_learners(institutions)
    return institutions

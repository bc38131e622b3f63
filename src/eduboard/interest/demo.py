"""Demonstration data of interest education: BJC “Jaunība” as seed 002 describes it for 2024/2025.

`interest_figures(as_of=2024-08-19)` (and any later day of 2024/2025, which the pages show by default) gives seed
002's figures from these rows: 49 interest programmes (13 in STEM), 171 groups (pulciņu grupas), 6 neighbourhood
leisure clubs, 62 pedagogues among 120 employments at BJC “Jaunība”. The staff are the people area's demo staff
(`people.demo`), topped up here only where they fall short. Participants are pupils of the city's schools (children
attend both a school and a club), each group 8–15 of them. Programme codes are the municipality's own 8-digit codes,
made up for the demonstration; a few municipal licences are added, one for a private provider outside the registry
and some expired. Of BJC's 120 employments on AS_OF, 19 are fixed-term (101 permanent: "Pastāvīgais darbs ... 84%
darbiniekiem"). The XIII song and dance festival of 2025: seed 002's 60 collectives and 1350 participants, 17 dance
groups from 7 institutions, 2 mixed choirs, 5 school choirs, S. Broka's girls' choir and Iespēju vidusskola's wind
orchestra; the rest of the split (kinds, institutions, participants) is illustrative.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db.models import Q

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.interest.models import CollectiveKind, FestivalParticipation
from eduboard.people.models import Employment, EmploymentTerms, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.choices import InterestField as F
from eduboard.registry.choices import MunicipalLicenceKind, ProgrammeLevel
from eduboard.registry.models import Club, Enrolment, Group, Institution, Learner, MunicipalLicence, Programme
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

AS_OF = date(2024, 8, 19)
YEAR = "2024/2025"
JAUNIBA = "9000000031"
INNOVATION_CENTRE = "9000000041"
#: Seed 002: "Daugavpils Inovāciju centrā radošās nodarbības vada 3 izglītojošo nodarbību organizatori."
CENTRE_ORGANISERS = 3
ENROLLED_ON = date(2024, 8, 15)  # as the registry demo enrols the year's learners
PROGRAMMES_TOTAL, STEM_TOTAL, GROUPS_TOTAL, CLUBS_TOTAL = 49, 13, 171, 6
PEDAGOGUES, EMPLOYMENTS = 62, 120
GROUP_SIZES = (8, 15)
PARTICIPANT_POOL = 1500  # pupils drawn for the groups; some attend two
FIXED_TERM = 19  # of the 120 employments: 101 permanent, 84 % (seed 002)

FESTIVAL, FESTIVAL_YEAR = "XIII Latvijas Skolu jaunatnes dziesmu un deju svētki", 2025
BROKA, VIENIBAS_NAMS = "S. Broka Daugavpils Mūzikas vidusskola", "Daugavpils Vienības nams"
K = CollectiveKind
# (registration number or "", other body or "", kind, collectives, participants). Seed 002: 17 dance groups from 7
# institutions, 2 mixed choirs, 5 school choirs, S. Broka's girls' choir, Iespēju vidusskola's wind orchestra.
FESTIVAL_ROWS: list[tuple[str, str, str, int, int]] = [
    (JAUNIBA, "", K.DANCE_GROUP, 6, 180),
    ("9000000011", "", K.DANCE_GROUP, 2, 44),
    ("9000000012", "", K.DANCE_GROUP, 2, 48),
    ("9000000013", "", K.DANCE_GROUP, 2, 50),
    ("9000000015", "", K.DANCE_GROUP, 2, 46),
    ("9000000017", "", K.DANCE_GROUP, 1, 24),
    ("9000000019", "", K.DANCE_GROUP, 2, 52),
    (JAUNIBA, "", K.MIXED_CHOIR, 1, 60),
    ("9000000021", "", K.MIXED_CHOIR, 1, 48),
    ("9000000011", "", K.SCHOOL_CHOIR, 1, 40),
    ("9000000012", "", K.SCHOOL_CHOIR, 1, 38),
    ("9000000013", "", K.SCHOOL_CHOIR, 1, 42),
    ("9000000015", "", K.SCHOOL_CHOIR, 1, 36),
    ("9000000019", "", K.SCHOOL_CHOIR, 1, 44),
    ("", BROKA, K.GIRLS_CHOIR, 1, 36),
    ("9000000014", "", K.WIND_ORCHESTRA, 1, 34),
    (JAUNIBA, "", K.VOCAL_ENSEMBLE, 8, 96),
    ("9000000014", "", K.VOCAL_ENSEMBLE, 2, 20),
    ("9000000017", "", K.VOCAL_ENSEMBLE, 2, 20),
    ("9000000018", "", K.VOCAL_ENSEMBLE, 2, 22),
    ("9000000021", "", K.VOCAL_ENSEMBLE, 2, 18),
    (JAUNIBA, "", K.FOLK_GROUP, 3, 45),
    ("9000000019", "", K.FOLK_GROUP, 1, 14),
    ("", VIENIBAS_NAMS, K.FOLK_GROUP, 2, 40),
    (JAUNIBA, "", K.OTHER, 8, 180),
    ("9000000021", "", K.OTHER, 4, 73),
]

# name, field, STEM
PROGRAMMES: list[tuple[str, str, bool]] = [
    ("Robotika", F.TECHNICAL, True),
    ("Lego pulciņš", F.TECHNICAL, True),
    ("Vide un tehnoloģijas", F.SCIENCE, True),
    ("Jaunie tehniķi", F.TECHNICAL, True),
    ("Programmēšana bērniem", F.TECHNICAL, True),
    ("3D modelēšana un druka", F.TECHNICAL, True),
    ("Elektronika iesācējiem", F.TECHNICAL, True),
    ("Automodelisms", F.TECHNICAL, True),
    ("Aviomodelisms", F.TECHNICAL, True),
    ("Jaunie dabaszinātnieki", F.SCIENCE, True),
    ("Eksperimentu laboratorija", F.SCIENCE, True),
    ("Matemātikas skola “Pī”", F.SCIENCE, True),
    ("Astronomijas pulciņš “Zvaigžņu ceļš”", F.SCIENCE, True),
    ("Vizuālās mākslas studija “Vīzija”", F.ARTS, False),
    ("Keramika", F.ARTS, False),
    ("Rokdarbi “Čaklās rokas”", F.ARTS, False),
    ("Dizaina studija", F.ARTS, False),
    ("Foto pulciņš", F.ARTS, False),
    ("Floristika", F.ARTS, False),
    ("Kokapstrāde “Meistars”", F.ARTS, False),
    ("Animācijas studija", F.ARTS, False),
    ("Vokālais ansamblis", F.MUSIC, False),
    ("Bērnu koris “Jaunība”", F.MUSIC, False),
    ("Kokļu ansamblis", F.MUSIC, False),
    ("Akordeona spēle", F.MUSIC, False),
    ("Ģitāras spēle", F.MUSIC, False),
    ("Estrādes dziedāšana", F.MUSIC, False),
    ("Pūtēju orķestris", F.MUSIC, False),
    ("Tautas deju kolektīvs “Dzīpariņš”", F.DANCE, False),
    ("Mūsdienu deju studija", F.DANCE, False),
    ("Sporta dejas", F.DANCE, False),
    ("Breika dejas", F.DANCE, False),
    ("Baleta studija", F.DANCE, False),
    ("Teātra studija “Spogulis”", F.THEATRE, False),
    ("Leļļu teātris", F.THEATRE, False),
    ("Runas māksla", F.THEATRE, False),
    ("Šahs", F.SPORTS, False),
    ("Galda teniss", F.SPORTS, False),
    ("Vieglatlētika", F.SPORTS, False),
    ("Florbols", F.SPORTS, False),
    ("Orientēšanās sports", F.SPORTS, False),
    ("Jauniešu iniciatīvas grupa “Esi aktīvs!”", F.CIVIC, False),
    ("Jauno līderu skola", F.CIVIC, False),
    ("Safari valodas bērniem", F.LANGUAGES, False),
    ("Latviešu dzīves ziņas “Sprīdītis”", F.LANGUAGES, False),
    ("Angļu valoda rotaļās", F.LANGUAGES, False),
    ("Folkloras kopa “Vērpetīte”", F.LANGUAGES, False),
    ("Jauno žurnālistu skola", F.OTHER, False),
    ("Kulinārijas pulciņš", F.OTHER, False),
]

# name, address, opened on
CLUBS: list[tuple[str, str, date]] = [
    ("Apkaimes brīvā laika klubs “Ruģeļi”", "Ruģeļu iela 32, Daugavpils", date(2012, 9, 1)),
    ("Apkaimes brīvā laika klubs “Ķīmija”", "Ķīmiķu iela 10, Daugavpils", date(2013, 9, 1)),
    ("Apkaimes brīvā laika klubs “Jaunbūve”", "Jātnieku iela 87, Daugavpils", date(2014, 9, 1)),
    ("Apkaimes brīvā laika klubs “Gajoks”", "Aveņu iela 11, Daugavpils", date(2015, 9, 1)),
    ("Apkaimes brīvā laika klubs “Forštate”", "Valkas iela 4, Daugavpils", date(2016, 9, 1)),
    ("Apkaimes brīvā laika klubs “Grīva”", "Zemgales iela 2, Daugavpils", date(2018, 9, 1)),
]

COMMISSION = "Licencēšanas komisijas protokols Nr. {}"
# number, kind, programme, field, hours, provider (registration number in the demo registry, or None), provider's
# name and number outside the registry, issued on, valid until
LICENCES: list[tuple[str, str, str, str, int, str | None, str, str, date, date | None]] = [
    ("IP-2022/04", MunicipalLicenceKind.INTEREST, "Jauno tehniķu skola", F.TECHNICAL, 120, JAUNIBA, "", "",
     date(2022, 8, 15), None),
    ("IP-2024/11", MunicipalLicenceKind.INTEREST, "Robotika bērniem (7–12 gadi)", F.TECHNICAL, 64, None,
     "SIA “Robotikas akadēmija”", "40203123456", date(2024, 6, 10), date(2027, 6, 9)),
    ("IP-2023/09", MunicipalLicenceKind.INTEREST, "Šahs iesācējiem", F.SPORTS, 80, None,
     "Biedrība “Daugavpils šaha klubs”", "40008012345", date(2023, 9, 5), date(2025, 9, 4)),
    ("PI-2021/02", MunicipalLicenceKind.ADULT, "Digitālā fotogrāfija pieaugušajiem", F.ARTS, 40, "9000000021", "",
     "", date(2021, 5, 12), date(2024, 5, 11)),
    ("PI-2024/05", MunicipalLicenceKind.ADULT, "Latviešu valoda pieaugušajiem (A2)", F.LANGUAGES, 160, None,
     "SIA “Valodu mācību centrs Latgale”", "41503098765", date(2024, 3, 1), date(2027, 2, 28)),
]  # fmt: skip


def _programmes() -> list[Programme]:
    """The 49 programmes, by their municipal codes 80031001…80031049 (created or refreshed)."""
    made = []
    for index, (name, field, stem) in enumerate(PROGRAMMES, start=1):
        programme, _created = Programme.objects.update_or_create(
            code=f"80031{index:03d}",
            defaults={"name": name, "level": ProgrammeLevel.INTEREST, "field": field, "stem": stem},
        )
        made.append(programme)
    return made


def _clubs(jauniba: Institution) -> list[Club]:
    return [
        Club.objects.update_or_create(
            institution=jauniba, name=name, defaults={"address": address, "opened_on": opened_on}
        )[0]
        for name, address, opened_on in CLUBS
    ]


def _staff(jauniba: Institution) -> list[int]:
    """Top BJC's staff up to 62 pedagogues and 120 employments holding on AS_OF (the people demo has them already:
    then nothing is added); the ids of the teachers who lead groups."""
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    active = Employment.objects.active_on(AS_OF).filter(institution=jauniba)
    pedagogues = active.pedagogical().values("staff_member").distinct().count()
    missing_pedagogues = max(PEDAGOGUES - pedagogues, 0)
    missing_others = max(EMPLOYMENTS - active.count() - missing_pedagogues, 0)
    if missing_pedagogues or missing_others:
        rng = random.Random(31)  # noqa: S311 - reproducible demonstration data
        codes = PersonalCodes()
        codes.used.update(StaffMember.objects.values_list("personal_code", flat=True))
        wanted = [("subject_teacher", "interešu izglītība")] * missing_pedagogues + [("other", "")] * missing_others
        people = []
        for _position in wanted:
            first, last = random_name(rng)
            birth = random_birth_date(rng, rng.randint(1965, 1998))
            people.append(StaffMember(personal_code=codes.for_birth_date(birth), first_name=first, last_name=last))
        StaffMember.objects.bulk_create(people)
        people = list(StaffMember.objects.filter(personal_code__in=[p.personal_code for p in people]))
        by_code = {p.personal_code: p for p in people}
        Employment.objects.bulk_create(
            Employment(
                staff_member=by_code[person.personal_code],
                institution=jauniba,
                position=positions[code],
                subject=subject,
                fte=Decimal("1"),
                start_date=date(2019, 9, 1),
            )
            for person, (code, subject) in zip(people, wanted, strict=True)
        )
    teachers = active.filter(position__code="subject_teacher").order_by("staff_member_id")
    leaders = list(teachers.values_list("staff_member_id", flat=True).distinct())
    if not leaders:
        leaders = list(active.pedagogical().order_by("staff_member_id").values_list("staff_member_id", flat=True))
    return sorted(set(leaders))


def _pupils(rng: random.Random, count: int) -> list[int]:
    """Ids of `count` pupils of the city's schools in 2024/2025 declared in the city (the registry demo's), made here
    when the registry holds too few."""
    year_groups = Group.objects.filter(
        school_year__code=YEAR, programme__level__in=[ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY]
    )
    pool = sorted(
        set(
            Enrolment.objects.open()
            .filter(group__in=year_groups)
            .filter(Q(learner__declared_municipality__isnull=True) | Q(learner__declared_municipality__is_home=True))
            .values_list("learner_id", flat=True)
        )
    )
    chosen = rng.sample(pool, count) if len(pool) >= count else pool
    missing = count - len(chosen)
    if missing:
        codes = PersonalCodes()
        codes.used.update(Learner.objects.values_list("personal_code", flat=True))
        made = []
        for _index in range(missing):
            first, last = random_name(rng)
            birth = random_birth_date(rng, rng.randint(2007, 2017))
            made.append(
                Learner(personal_code=codes.for_birth_date(birth), first_name=first, last_name=last, birth_date=birth)
            )
        Learner.objects.bulk_create(made)
        chosen += list(
            Learner.objects.filter(personal_code__in=[m.personal_code for m in made]).values_list("pk", flat=True)
        )
    return chosen


def _groups(jauniba: Institution, programmes: list[Programme], clubs: list[Club], leaders: list[int]) -> None:
    """171 groups of 2024/2025 over the 49 programmes (3 or 4 each), each led by a BJC teacher, every fourth meeting
    in a club, each with 8–15 pupils; only the groups missing are made (and filled)."""
    rng = random.Random(20240819)  # noqa: S311 - reproducible demonstration data
    year = school_year_get_or_create(code=YEAR)
    extra = set(rng.sample(range(len(programmes)), GROUPS_TOTAL - 3 * len(programmes)))
    planned: list[tuple[str, Programme]] = []
    for index, programme in enumerate(programmes):
        for number in range(1, (4 if index in extra else 3) + 1):
            planned.append((f"{programme.name[:70]} {number}", programme))
    existing = set(Group.objects.filter(institution=jauniba, school_year=year).values_list("name", flat=True))
    new = [
        Group(
            institution=jauniba,
            school_year=year,
            programme=programme,
            name=name,
            leader_id=leaders[index % len(leaders)] if leaders else None,
            club=clubs[(index // 4) % len(clubs)] if index % 4 == 1 else None,
        )
        for index, (name, programme) in enumerate(planned)
        if name not in existing
    ]
    if not new:
        return
    Group.objects.bulk_create(new)
    made = list(Group.objects.filter(institution=jauniba, school_year=year, name__in=[g.name for g in new]))
    pupils = _pupils(rng, PARTICIPANT_POOL)
    enrolments = [
        Enrolment(learner_id=learner_id, group=group, enrolled_on=ENROLLED_ON)
        for group in sorted(made, key=lambda g: g.name)
        for learner_id in rng.sample(pupils, rng.randint(*GROUP_SIZES))
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=500)


def _licences(institutions: dict[str, Institution]) -> None:
    for number, kind, programme, field, hours, provider, name, registration, issued, until in LICENCES:
        institution = institutions.get(provider) if provider else None
        MunicipalLicence.objects.update_or_create(
            number=number,
            defaults={
                "kind": kind,
                "programme_name": programme,
                "field": field,
                "hours": hours,
                "provider": institution,
                "provider_name": institution.name if institution else name,
                "provider_registration_number": institution.registration_number if institution else registration,
                "decision": COMMISSION.format(f"{issued.year}/{issued.month}"),
                "issued_on": issued,
                "valid_until": until,
            },
        )


def _centre_organisers(centre: Institution) -> None:
    """The innovation centre's organisers of educational activities (pedagogues: they lead the centre's lessons, in
    the pedagogical position `education_organiser`), employed on AS_OF, up to CENTRE_ORGANISERS."""
    missing = CENTRE_ORGANISERS - Employment.objects.active_on(AS_OF).filter(institution=centre).count()
    if missing <= 0:
        return
    rng = random.Random(41)  # noqa: S311 - reproducible demonstration data
    codes = PersonalCodes()
    codes.used.update(StaffMember.objects.values_list("personal_code", flat=True))
    ensure_standard_positions()
    organiser = PositionKind.objects.get(code="education_organiser")
    for _number in range(missing):
        first, last = random_name(rng)
        birth = random_birth_date(rng, rng.randint(1975, 1998))
        person = StaffMember.objects.create(personal_code=codes.for_birth_date(birth), first_name=first, last_name=last)
        Employment.objects.create(
            staff_member=person, institution=centre, position=organiser, fte=Decimal("1"), start_date=date(2021, 9, 1)
        )


def _terms(jauniba: Institution) -> None:
    """Seed 002: "Pastāvīgais darbs BJC “Jaunība” ir 84% darbiniekiem": of its 120 employments holding on AS_OF, 19
    are fixed-term (101 permanent, 84.17 %); which ones is chosen by the staff's personal codes."""
    active = Employment.objects.active_on(AS_OF).filter(institution=jauniba)
    fixed = list(active.order_by("-staff_member__personal_code", "pk").values_list("pk", flat=True)[:FIXED_TERM])
    active.exclude(pk__in=fixed).exclude(terms=EmploymentTerms.PERMANENT).update(terms=EmploymentTerms.PERMANENT)
    active.filter(pk__in=fixed).exclude(terms=EmploymentTerms.FIXED_TERM).update(terms=EmploymentTerms.FIXED_TERM)


#: The festival's name in English and Russian, for the reports in those languages.
FESTIVAL_EN = "XIII Latvian School Youth Song and Dance Festival"
FESTIVAL_RU = "XIII Праздник песни и танца школьной молодёжи Латвии"


def _festival(institutions: dict[str, Institution]) -> None:
    """Seed 002's XIII song and dance festival (2025): 60 collectives from 10 institutions of the registry, the
    S. Broka music school (a state school outside the registry, marked as an education institution: the seed's 11th)
    and Daugavpils Vienības nams (neither in the registry), 1350 participants (the split over
    the institutions and the kinds beyond those the seed names is illustrative). Rows are kept by their natural key."""
    for number, body, kind, collectives, participants in FESTIVAL_ROWS:
        institution = institutions.get(number) if number else None
        if number and institution is None:
            continue
        FestivalParticipation.objects.update_or_create(
            festival=FESTIVAL,
            year=FESTIVAL_YEAR,
            institution=institution,
            body=body,
            kind=kind,
            defaults={
                "collectives": collectives,
                "participants": participants,
                "festival_en": FESTIVAL_EN,
                "festival_ru": FESTIVAL_RU,
                "body_is_institution": body == BROKA,
            },
        )


def load(institutions: dict[str, Institution]) -> None:
    """Create or refresh the interest-education demonstration data (idempotent: a second run changes nothing).
    Runs after `registry.demo.load` and `people.demo.load`, whose pupils and staff it uses."""
    jauniba = institutions[JAUNIBA]
    programmes = _programmes()
    clubs = _clubs(jauniba)
    leaders = _staff(jauniba)
    if INNOVATION_CENTRE in institutions:
        _centre_organisers(institutions[INNOVATION_CENTRE])
    _groups(jauniba, programmes, clubs, leaders)
    _licences(institutions)
    _terms(jauniba)
    _festival(institutions)

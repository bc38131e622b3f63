"""Demonstration data of institution evaluation (issue 18): seed 003's technical school and seed 002's heads.

- Daugavpils tehnikums (reg. No. 2734003068, a state school, seed 003): its programmes, 32 groups of vocational
  secondary programmes with 644 learners, the other programmes (58 in arodizglītība, 18 and 17 in two more), and
  88 pedagogues, all in the 2024/2025 school year; its published self-assessment of 2024/2025 on the 7-area
  framework with seed 003's level per criterion and a short text per criterion from the seed; its accreditations.
  The learners and staff join on 1 September 2024, after the board's readiness figures of 19-20 August (seed 002
  counts the city's schools), so those stay as the seed gives them. Names, personal codes and qualifications are
  made up; the counts are the seed's.
- The heads of the 11 municipal general schools: their professional evaluation of 31 May 2024 (seed 002: 2 izcili,
  1 ļoti labi, 3 labi, 5 jāpilnveido) and the unified-school status of 30 September 2023 (environment 9 meet the
  recommendations, 1 partly, 1 not; heads 6 ensured it, 5 partly).
- Zinātņu vidusskola: a draft self-assessment of 2024/2025 on Cabinet Regulation No. 325's framework, which the
  demo head (user `head`) can go on with.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from eduboard.core.imports import insert_rows
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.people.models import Employment, PositionKind, Qualification, StaffMember
from eduboard.quality.choices import (
    FRAMEWORK_AREAS7,
    FRAMEWORK_HEADS,
    FRAMEWORK_MK325,
    QualityLevel,
    SelfAssessmentStatus,
    UnifiedSchoolEnvironment,
    UnifiedSchoolHead,
)
from eduboard.quality.frameworks import OVERALL, ensure_frameworks
from eduboard.quality.models import (
    Accreditation,
    Framework,
    FrameworkCriterion,
    HeadEvaluation,
    HeadEvaluationLevel,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.quality.rules import accreditation_expiry
from eduboard.registry.choices import Founder, InstitutionType, ProgrammeLevel
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, Programme
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

TEHNIKUMS = "2734003068"
TEHNIKUMS_MADE_UP_NUMBER = "9000000071"  # the number earlier demo data gave it
TEHNIKUMS_NAME = "Daugavpils tehnikums"
TEHNIKUMS_ADDRESS = "Strādnieku iela 16, Daugavpils, LV-5404"
LOGISTICS = "33345121"  # seed 003's accredited programme
LOGISTICS_MADE_UP_CODE = "33344011"  # the code earlier demo data gave it
YEAR = "2024/2025"
JOINED_ON = date(2024, 9, 1)
ZINATNU = "9000000011"
GENERAL_SCHOOLS = [
    "9000000011", "9000000012", "9000000013", "9000000014", "9000000015", "9000000016",
    "9000000017", "9000000018", "9000000019", "9000000024", "9000000025",
]  # fmt: skip

# Seed 003, "2020./2021. mācību gadā tehnikums īsteno šādas mācības": programme (code, name) and its
# qualifications with learners and groups. The codes are illustrative except the accredited programme's, 33345121,
# which the seed gives (a vocational code: its digits 3-5 are the field, so its fifth digit 5 is not a special
# programme's); the counts are the seed's.
PROGRAMMES: list[tuple[str, str, list[tuple[str, int, int]]]] = [
    ("33840011", "Dzelzceļa transports", [
        ("Lokomotīvju saimniecības tehniķis", 28, 1), ("Transporta vagonu tehniķis", 5, 1),
    ]),
    ("33840021", "Dzelzceļa pakalpojumi", [
        ("Dzelzceļa transporta pārvadājumu organizācijas un kustības drošības tehniķis", 6, 1),
        ("Dzelzceļa transporta automātikas, telemehānikas un sakaru tehniķis", 48, 2),
    ]),
    ("33481011", "Datorsistēmas, datubāzes un datortīkli", [("Datorsistēmu tehniķis", 91, 5)]),
    ("33484011", "Programmēšana", [("Programmēšanas tehniķis", 75, 4)]),
    ("33341011", "Komerczinības", [("Transporta pārvadājumu komercdarbinieks", 24, 1)]),
    ("33346011", "Administratīvie un sekretāra pakalpojumi", [("Klientu apkalpošanas speciālists", 94, 4)]),
    ("33521011", "Autotransports", [("Automehāniķis", 103, 5)]),
    ("33522011", "Enerģētika un elektrotehnika", [("Elektrotehniķis", 83, 4)]),
    ("33542011", "Šūto izstrādājumu ražošanas tehnoloģija", [("Tērpu izgatavošanas un stila speciālists", 14, 1)]),
    ("33521021", "Inženiertehnika, mehānika un mašīnbūves tehnoloģija", [("Mašīnbūves tehniķis", 24, 1)]),
    (LOGISTICS, "Telemehānika un loģistika", [("Loģistikas darbinieks", 49, 2)]),
    ("32815011", "Frizieru pakalpojumi", [("Frizieris", 58, 3)]),
    ("35522011", "Enerģētika un elektrotehnika", [("Elektromontieris", 18, 1)]),
    ("22542011", "Šūto izstrādājumu ražošanas tehnoloģija", [("Šuvēja palīgs", 17, 1)]),
]  # fmt: skip
# Learners of a qualification by course where the seed gives them: "II kursā 28, I kursā 21 audzēknis".
BY_COURSE = {"Loģistikas darbinieks": [21, 28]}
PEDAGOGUES = 88  # "pedagoģisko darbu veic 88 pedagoģiskie darbinieki"
QUALIFICATIONS = [  # (title, pedagogues holding it): illustrative
    ("Maģistra grāds", 51),
    ("Bakalaura grāds", 29),
    ("Profesionālā kvalifikācija (koledžas izglītība)", 8),
]
VL, LB = QualityLevel.VERY_GOOD.value, QualityLevel.GOOD.value
# Seed 003: criterion, level ("" where the seed gives none), description, strengths, next steps (short, from the seed).
ENTRIES: list[tuple[str, str, str, str, str]] = [
    ("1", VL,
     "Izglītības programmas sastādītas atbilstoši valsts profesionālās izglītības standartam, profesiju standartiem "
     "un normatīvo aktu prasībām; mācību priekšmetu programmas saskaņotas metodiskajās komisijās.",
     "Jaunu programmu izstrāde un īstenošana; piecas modulārās profesionālās vidējās izglītības programmas.",
     "Turpināt modulāro programmu aprobāciju un darba vidē balstītas mācības."),
    ("2.1", LB,
     "Pedagogi katrai mācību stundai un praktiskajam darbam izvirza mērķus un uzdevumus; stundas apmeklē metodiķis "
     "un nodaļu vadītāji.",
     "Nodrošināta pedagogu darba kvalitātes kontrole; notiek pedagogu pieredzes apmaiņa.",
     "Modulāro programmu aprobācijas turpināšana, DVB mācību īstenošana, sadarbība ar NVA."),
    ("2.2", "",
     "Mācību grāmatu un literatūras izvēle ir mērķtiecīga; audzēkņi raksta valstī paredzētos diagnosticējošos darbus.",
     "", ""),
    ("2.3", LB,
     "Vienota vērtēšanas kārtība; vērtējumus pedagogi ieraksta e-žurnālā; vērtēšana izmantota mācību procesa "
     "pilnveidei.",
     "", ""),
    ("3.1", "",
     "Grupu audzinātāji seko līdzi izglītojamo sekmībai; konsultācijas pēc grafika katram skolotājam.",
     "Godalgotas vietas konkursos, piemēram, XXV International Hairstyling Festival – 1. un 2. vieta.", ""),
    ("3.2", "",
     "Centralizēto eksāmenu rezultāti salīdzināti ar profesionālās izglītības iestāžu un valsts rezultātiem.",
     "", ""),
    ("4.1", VL,
     "Psiholoģisko un sociālpedagoģisko atbalstu sniedz psihologs un sociālais pedagogs; datus par veselību apkopo "
     "medicīnas darbinieks.",
     "", ""),
    ("4.2", VL,
     "Izglītojamajiem veic ievadapmācības un instruktāžas darba vietā; personāls apmācīts pirmās palīdzības "
     "sniegšanā.",
     "", ""),
    ("4.3", VL,
     "Audzēkņu parlaments, interešu izglītības pulciņi un sporta sekcijas; patriotiskā audzināšana.",
     "", ""),
    ("4.4", VL,
     "Izstrādāta karjeras izglītības programma; karjeras jautājumi integrēti mācību priekšmetos un moduļos.",
     "Veiksmīga ESF projekta „Karjeras atbalsts izglītojamiem” realizācija; 13 projekta pasākumi.",
     "Popularizēt individuālās karjeras konsultācijas un attīstīt to kvalitāti."),
    ("4.5", VL,
     "Individuālais darbs ar audzēkņiem; konsultācijas talantīgajiem un tiem, kam mācības sagādā grūtības.",
     "", ""),
    ("4.6", "",
     "Tehnikums ir gatavs uzņemt izglītojamos ar speciālām vajadzībām; programmas piemērojamas viņiem.",
     "", ""),
    ("4.7", VL,
     "Vecāku sapulces vismaz reizi mācību gadā; saziņa e-klasē; vecāki iesaistīti tehnikuma pasākumos.",
     "", ""),
    ("5.1", VL,
     "Tehnikumam ir savas tradīcijas un simbolika; iekšējās kārtības noteikumi zināmi visiem.",
     "", ""),
    ("5.2", VL,
     "Trīs mācību korpusi un automobiļu diagnostikas darbnīca pēc ERAF projekta renovācijas.",
     "", ""),
    ("6.1", VL,
     "55 mācību kabineti, 10 datoru klases, 17 mācību darbnīcas un laboratorijas.",
     "", ""),
    ("6.2", LB,
     "Visi pedagogi ir ar atbilstošu izglītību un profesionālo kvalifikāciju; ir profesionālās pilnveides plāns.",
     "", ""),
    ("7.1", VL,
     "Katra mācību gada beigās tiek sagatavots iestādes pašvērtējums; pedagogi veic sava darba pašizvērtēšanu.",
     "", ""),
    ("7.2", VL,
     "Mācību process organizēts atbilstoši normatīvajiem aktiem; vadības sanāksmes un metodiskās komisijas.",
     "", ""),
    ("7.3", VL,
     "Sadarbība ar Daugavpils izglītības pārvaldi, VISC, darba devējiem un ārvalstu partneriem.",
     "", ""),
]  # fmt: skip
PRIORITIES = (
    "Profesionālās izglītības kompetences centra statusa saglabāšana.\n"
    "Mācību procesa pilnveidošana, izmantojot IT un ERAF projekta ietvaros veiktos infrastruktūras uzlabojumus.\n"
    "Audzēkņu sekmju līmeņa uzlabošana, jaunu mācību metožu ieviešana.\n"
    "Izglītības iestādes audzēkņu skaita stabilizēšana.\n"
    "Sadarbība ar darba devējiem, DVB mācību īstenošana."
)
# Seed 002: the heads' professional evaluation (2 izcili, 1 ļoti labi, 3 labi, 5 jāpilnveido) and the
# unified-school status (9/1/1 environment; 6/5 heads), one entry per general school in GENERAL_SCHOOLS' order.
EVALUATED_ON = date(2024, 5, 31)
HEAD_LEVELS = [
    QualityLevel.EXCELLENT, QualityLevel.EXCELLENT, QualityLevel.VERY_GOOD, QualityLevel.GOOD, QualityLevel.GOOD,
    QualityLevel.GOOD, QualityLevel.NEEDS_IMPROVEMENT, QualityLevel.NEEDS_IMPROVEMENT,
    QualityLevel.NEEDS_IMPROVEMENT, QualityLevel.NEEDS_IMPROVEMENT, QualityLevel.NEEDS_IMPROVEMENT,
]  # fmt: skip
ASSESSED_ON = date(2023, 9, 30)
ENVIRONMENT = [UnifiedSchoolEnvironment.MEETS] * 9 + [
    UnifiedSchoolEnvironment.PARTLY,
    UnifiedSchoolEnvironment.DOES_NOT_MEET,
]
HEAD_TRANSITION = [UnifiedSchoolHead.ENSURED] * 6 + [UnifiedSchoolHead.PARTLY] * 5
# Accreditations: (institution, programme code or "", accredited on, term, decision). The tehnikums was
# accredited until 1 December 2021 (seed 003); the rest is illustrative.
ACCREDITATIONS = [
    (TEHNIKUMS, "", date(2015, 12, 1), 6, "IKVD lēmums (līdz 01.12.2021.)"),
    (TEHNIKUMS, "", date(2021, 11, 30), 6, "IKVD lēmums Nr. 2021/112"),
    (TEHNIKUMS, LOGISTICS, date(2020, 11, 20), 6, "IKVD lēmums Nr. 2020/418"),
    (ZINATNU, "", date(2021, 3, 15), 6, "IKVD lēmums Nr. 2021/37"),
    ("9000000012", "", date(2023, 5, 10), 6, "IKVD lēmums Nr. 2023/61"),
]


def tehnikums_institution() -> Institution:
    """The tehnikums under its real registration number (renamed from the made-up one of earlier demo data)."""
    if not Institution.objects.filter(registration_number=TEHNIKUMS).exists():
        Institution.objects.filter(registration_number=TEHNIKUMS_MADE_UP_NUMBER).update(registration_number=TEHNIKUMS)
    institution, _created = Institution.objects.update_or_create(
        registration_number=TEHNIKUMS,
        defaults={
            "name": TEHNIKUMS_NAME,
            "short_name": "Tehnikums",
            "type": InstitutionType.VOCATIONAL,
            "founder": Founder.STATE,
            "address": TEHNIKUMS_ADDRESS,
        },
    )
    return institution


def _learners(tehnikums: Institution, rng: random.Random) -> None:
    year = school_year_get_or_create(code=YEAR)
    if Group.objects.filter(institution=tehnikums, school_year=year).exists():
        return
    home = Municipality.objects.filter(is_home=True).first()
    codes = PersonalCodes()
    codes.used = set(
        Learner.objects.filter(birth_date__year__gte=2003, birth_date__year__lte=2009).values_list(
            "personal_code", flat=True
        )
    )
    groups: list[Group] = []
    sizes: list[int] = []
    for code, name, qualifications in PROGRAMMES:
        programme, _created = Programme.objects.update_or_create(
            code=code, defaults={"name": name, "level": ProgrammeLevel.VOCATIONAL}
        )
        for qualification, learners, group_count in qualifications:
            per_group = BY_COURSE.get(qualification) or [
                learners // group_count + (1 if n < learners % group_count else 0) for n in range(group_count)
            ]
            for index, size in enumerate(per_group, start=1):
                short = "".join(word[0] for word in qualification.split()[:3]).upper()
                groups.append(
                    Group(
                        institution=tehnikums,
                        school_year=year,
                        programme=programme,
                        name=f"{short}-{index} ({code})",
                        grade=min(index, 4),
                        qualification=qualification,
                    )
                )
                sizes.append(size)
    Group.objects.bulk_create(groups)
    if Group.objects.filter(institution=tehnikums, school_year=year).count() != len(groups):  # pragma: no cover
        raise RuntimeError("the tehnikums's groups were not all saved")
    saved = {g.name: g.pk for g in Group.objects.filter(institution=tehnikums, school_year=year)}
    rows, enrolments = [], []
    for group, size in zip(groups, sizes, strict=True):
        for _n in range(size):
            first, last = random_name(rng)
            birth = random_birth_date(rng, 2009 - (group.grade or 1))
            code = codes.for_birth_date(birth)
            rows.append((code, first, last, birth, home.pk if home else None))
            enrolments.append((code, saved[group.name]))
    ids = insert_rows(
        Learner,
        ["personal_code", "first_name", "last_name", "birth_date", "declared_municipality"],
        rows,
        with_ids=True,
    )
    if ids is None:  # SQLite: read back by personal code
        by_code = dict(
            Learner.objects.filter(personal_code__in=[r[0] for r in rows]).values_list("personal_code", "pk")
        )
        ids = [by_code[row[0]] for row in rows]
    insert_rows(
        Enrolment,
        ["learner", "group", "enrolled_on", "left_on"],
        [(pk, group_pk, JOINED_ON, None) for pk, (_code, group_pk) in zip(ids, enrolments, strict=True)],
    )


def _staff(tehnikums: Institution, rng: random.Random) -> None:
    if Employment.objects.filter(institution=tehnikums).exists():
        return
    positions = {p.code: p for p in PositionKind.objects.all()}
    codes = PersonalCodes()
    codes.used = set(StaffMember.objects.values_list("personal_code", flat=True))
    plan = ["head"] + ["deputy_head"] * 3 + ["psychologist"] + ["subject_teacher"] * (PEDAGOGUES - 5)
    subjects = ["matemātika", "latviešu valoda", "angļu valoda", "elektrotehnika", "programmēšana", "automehānika"]
    people = []
    for _position in plan:
        first, last = random_name(rng)
        birth = random_birth_date(rng, rng.randint(1962, 1995))
        people.append(StaffMember(personal_code=codes.for_birth_date(birth), first_name=first, last_name=last))
    StaffMember.objects.bulk_create(people)
    made = list(StaffMember.objects.filter(personal_code__in=[p.personal_code for p in people]).order_by("pk"))
    Employment.objects.bulk_create(
        Employment(
            staff_member=person,
            institution=tehnikums,
            position=positions[position],
            subject=subjects[index % len(subjects)] if position == "subject_teacher" else "",
            fte=Decimal("1"),
            start_date=JOINED_ON,
        )
        for index, (person, position) in enumerate(zip(made, plan, strict=True))
    )
    titles = [title for title, count in QUALIFICATIONS for _n in range(count)]
    Qualification.objects.bulk_create(
        Qualification(
            staff_member=person,
            title=title,
            document=f"Diploms Nr. DT-{index:04d}",
            issued_on=date(rng.randint(1990, 2020), 6, 20),
        )
        for index, (person, title) in enumerate(zip(made, titles, strict=True))
    )


def _criteria(code: str) -> dict[str, FrameworkCriterion]:
    framework = Framework.objects.filter(code=code).order_by("-version").first()
    return {c.code: c for c in FrameworkCriterion.objects.filter(framework=framework)}


def _self_assessments(tehnikums: Institution, institutions: dict[str, Institution]) -> None:
    year = school_year_get_or_create(code=YEAR)
    areas7 = Framework.objects.filter(code=FRAMEWORK_AREAS7).order_by("-version").first()
    published_at = timezone.make_aware(datetime(2025, 9, 25, 12, 0))
    assessment, created = SelfAssessment.objects.get_or_create(
        institution=tehnikums,
        school_year=year,
        defaults={
            "framework": areas7,
            "status": SelfAssessmentStatus.PUBLISHED,
            "priorities": PRIORITIES,
            "submitted_at": published_at.replace(day=15),
            "agreed_at": published_at.replace(day=22),
            "published_at": published_at,
        },
    )
    if created:
        criteria = _criteria(FRAMEWORK_AREAS7)
        SelfAssessmentEntry.objects.bulk_create(
            SelfAssessmentEntry(
                self_assessment=assessment,
                criterion=criteria[code],
                level=level,
                description=description,
                strengths=strengths,
                next_steps=next_steps,
            )
            for code, level, description, strengths, next_steps in ENTRIES
        )
    mk325 = Framework.objects.filter(code=FRAMEWORK_MK325).order_by("-version").first()
    draft, created = SelfAssessment.objects.get_or_create(
        institution=institutions[ZINATNU],
        school_year=year,
        defaults={"framework": mk325, "priorities": "Mācīšanās lietpratībai; iekļaujoša vide."},
    )
    if created:  # a row per criterion, as a draft the service starts has; 1.1 filled in
        SelfAssessmentEntry.objects.bulk_create(
            SelfAssessmentEntry(self_assessment=draft, criterion=criterion)
            for criterion in _criteria(FRAMEWORK_MK325).values()
        )
        draft.entries.filter(criterion__code="1.1").update(
            level=QualityLevel.GOOD,
            description="Skolēnu sasniegumi valsts pārbaudes darbos ir virs valsts vidējā.",
        )


def _heads(institutions: dict[str, Institution]) -> None:
    framework = Framework.objects.filter(code=FRAMEWORK_HEADS).order_by("-version").first()
    criteria = _criteria(FRAMEWORK_HEADS)
    heads = {
        e.institution_id: e.staff_member
        for e in Employment.objects.filter(
            institution__registration_number__in=GENERAL_SCHOOLS, position__code="head"
        ).select_related("staff_member")
    }
    for number, level, environment, transition in zip(
        GENERAL_SCHOOLS, HEAD_LEVELS, ENVIRONMENT, HEAD_TRANSITION, strict=True
    ):
        school = institutions[number]
        head = heads.get(school.pk)
        if head is None:
            continue
        evaluation, created = HeadEvaluation.objects.get_or_create(
            head=head,
            institution=school,
            evaluated_on=EVALUATED_ON,
            defaults={"framework": framework, "overall_level": level},
        )
        if created:
            HeadEvaluationLevel.objects.bulk_create(
                HeadEvaluationLevel(evaluation=evaluation, criterion=criterion, level=level)
                for code, criterion in criteria.items()
                if code != OVERALL
            )
        UnifiedSchoolStatus.objects.get_or_create(
            institution=school,
            assessed_on=ASSESSED_ON,
            defaults={"head": head, "environment": environment, "head_transition": transition},
        )


def _accreditations(institutions: dict[str, Institution]) -> None:
    areas7 = Framework.objects.filter(code=FRAMEWORK_AREAS7).order_by("-version").first()
    for number, programme_code, accredited_on, term, decision in ACCREDITATIONS:
        institution = institutions.get(number) or Institution.objects.get(registration_number=number)
        programme = Programme.objects.filter(code=programme_code).first() if programme_code else None
        Accreditation.objects.get_or_create(
            institution=institution,
            programme=programme,
            accredited_on=accredited_on,
            defaults={
                "term_years": term,
                "expires_on": accreditation_expiry(accredited_on=accredited_on, term_years=term),
                "decision": decision,
                "framework": areas7,
            },
        )


def load(institutions: dict[str, Institution]) -> Institution:
    """Create the evaluation demo once (a second run changes nothing); returns the tehnikums."""
    ensure_frameworks()  # the migration's frameworks, again if the database was emptied since (safe to repeat)
    rng = random.Random(2734003068)  # noqa: S311 - reproducible demonstration data
    tehnikums = tehnikums_institution()
    if not Programme.objects.filter(code=LOGISTICS).exists():  # demo data loaded before it had the seed's code
        Programme.objects.filter(code=LOGISTICS_MADE_UP_CODE).update(code=LOGISTICS)
    _learners(tehnikums, rng)
    _staff(tehnikums, rng)
    _self_assessments(tehnikums, institutions)
    _heads(institutions)
    _accreditations({**institutions, TEHNIKUMS: tehnikums})
    return tehnikums

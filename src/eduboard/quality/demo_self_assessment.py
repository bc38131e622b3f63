"""Demonstration data of the self-assessment report's tables (issue 40): Daugavpils tehnikums's tables of seed 003
as the seed gives them, of the years the seed gives (its report of 2020/2021 counts 2019/2020), so the report of
2024/2025 shows them labelled with their year.

- Table 1: the licence of the accredited programme 33345121 “Telemehānika un loģistika” (run since 1 September
  2019); its accreditation is `demo_evaluation`'s, its learners (21 in the first course, 28 in the second) too.
- Table 4: the qualification exams of 2019/2020, 17 rows (260 qualified, 1 lower, 1 not; 262 examined).
- Table 5: the learners in the clubs and sports sections in 2019/2020, 9 rows (150 in all).
- Table 6: the graduates of 2019/2020 and what they do, 14 rows (215 graduates). The seed's total of "work in
  another field" is 56 while its rows add up to 58: the rows are kept, so the report's total is 58.
- Table 7: the six opinions of the fire and rescue service and the health inspectorate on the three teaching
  buildings, 2020 (the seed's "Strādienu iela 16" is Strādnieku iela 16, its address elsewhere in the seed).
- Section 3: the earlier evaluation's recommendation followed up by starting the programme on 1 September 2019.
  Seed 003 gives the follow-up, not the recommendation's words, so the recommendation is left empty.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from datetime import date

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.quality.models import (
    Accreditation,
    GraduateEmployment,
    Inspection,
    InspectionBody,
    InterestParticipation,
    QualificationExamResult,
    Recommendation,
    RecommendationStatus,
)
from eduboard.registry.models import Institution, Licence, Programme

SEED_YEAR = "2019/2020"
LOGISTICS = "33345121"
LOGISTICS_LICENSED_ON = date(2019, 9, 1)

# Table 4: programme or qualification, qualified, lower qualification, not qualified.
QUALIFICATION_EXAMS: list[tuple[str, int, int, int]] = [
    ("Dzelzceļa transporta automātikas, telemehānikas un sakaru tehniķis", 11, 0, 0),
    ("Lokomotīvju saimniecības tehniķis", 20, 0, 0),
    ("Datorsistēmu tehniķis", 20, 0, 0),
    ("Frizieris", 17, 0, 0),
    ("Klientu apkalpošanas speciālists", 19, 0, 0),
    ("Dzelzceļa transporta pārvadājumu organizācijas un kustības drošības tehniķis", 8, 0, 0),
    ("Sliežu ceļu saimniecības tehniķis", 13, 0, 0),
    ("Transporta pārvadājumu komercdarbinieks", 22, 0, 0),
    ("Automehāniķis", 20, 1, 0),
    ("Elektrotehniķis", 26, 0, 0),
    ("Elektromontieris (640) cietuma grupa", 14, 0, 0),
    ("Tērpu izgatavošanas un stila speciālists", 11, 0, 0),
    ("Automehāniķis (1,5)", 12, 0, 0),
    ("Klientu apkalpošanas speciālists (1,5)", 12, 0, 0),
    ("Programmēšanas tehniķis (1,5)", 11, 0, 1),
    ("Šūto izstrādājumu izgatavotājs (NVA)", 12, 0, 0),
    ("Šuvēja palīgs (cietuma grupa)", 12, 0, 0),
]

# Table 5: club or sports section, learners.
INTEREST: list[tuple[str, int]] = [
    ("“Esi līderis!”", 27),
    ("Mūsdienu dejas", 9),
    ("Vokālais kolektīvs (tautas mūzika)", 7),
    ("Vokālais kolektīvs (estrādes mūzika)", 17),
    ("Vizuālā un lietišķā māksla", 17),
    ("Modes teātris", 7),
    ("Vispārējā fiziskā sagatavotība un sporta spēles", 26),
    ("Smagatlētika", 22),
    ("Galda teniss", 18),
]

# Table 6: code as written, programme, qualification, then the outcomes in GraduateEmployment.OUTCOMES' order
# (in the profession, study in the field, study in another field, work in another field, abroad, no information,
# other).
EMPLOYMENT: list[tuple[str, str, str, tuple[int, int, int, int, int, int, int]]] = [
    ("33 525 01 1", "Autotransports", "Automehāniķis", (6, 0, 2, 7, 3, 0, 0)),
    ("35b 525 01 1", "Autotransports", "Automehāniķis", (7, 1, 3, 2, 1, 2, 0)),
    ("35b 346 01 1", "Administratīvie un sekretāra pakalpojumi", "Klientu apkalpošanas speciālists",
     (5, 0, 0, 0, 2, 0, 2)),
    ("33 481 01 1", "Datorsistēmas", "Datorsistēmu tehniķis", (1, 0, 10, 5, 2, 0, 0)),
    ("33 522 01 1", "Enerģētika un elektrotehnika", "Elektriķis", (13, 3, 1, 0, 4, 0, 0)),
    ("32 815 02 1", "Frizieru pakalpojumi", "Frizieris", (1, 0, 1, 7, 2, 0, 0)),
    ("33 346 01 1", "Administratīvie un sekretāra pakalpojumi", "Klientu apkalpošanas speciālists",
     (7, 0, 4, 5, 2, 3, 0)),
    ("33 840 08 1", "Dzelzceļa pakalpojumi",
     "Dzelzceļa transporta pārvadājumu organizācijas un kustības drošības tehniķis", (5, 1, 1, 5, 3, 0, 0)),
    ("33 525 04 1", "Dzelzceļa transports", "Lokomotīvju saimniecības tehniķis", (6, 1, 2, 8, 2, 0, 0)),
    ("33 525 04 1", "Dzelzceļa transports", "Transporta vagonu tehniķis", (5, 0, 2, 3, 0, 1, 1)),
    ("33 840 08 1", "Dzelzceļa pakalpojumi", "Dzelzceļa transporta automātikas, telemehānikas un sakaru tehniķis",
     (5, 1, 2, 6, 0, 0, 0)),
    ("33 481 03 1", "Programmēšana", "Programmēšanas tehniķis", (5, 4, 2, 6, 2, 0, 2)),
    ("33 341 02 1", "Komerczinības", "Transporta pārvadājumu komercdarbinieks", (5, 3, 4, 4, 1, 0, 0)),
    ("32 521 01 1", "Metālapstrāde", "Metālapstrādātājs", (3, 0, 0, 0, 0, 0, 0)),
]  # fmt: skip

# Table 7: place, body, issued on, number.
FIRE, HEALTH = InspectionBody.FIRE_RESCUE, InspectionBody.HEALTH
INSPECTIONS: list[tuple[str, str, date, str]] = [
    ("Mendeļejeva iela 1, Daugavpils", FIRE, date(2020, 3, 5), "21/9.2-3.1-53"),
    ("Mendeļejeva iela 1, Daugavpils", HEALTH, date(2020, 1, 23), "00048220"),
    ("Varšavas iela 23, Daugavpils", FIRE, date(2020, 7, 14), "22/9.2-3.1-173"),
    ("Varšavas iela 23, Daugavpils", HEALTH, date(2020, 6, 18), "00299820"),
    ("Strādnieku iela 16, Daugavpils", FIRE, date(2020, 7, 14), "22/9.2-3.1-175"),
    ("Strādnieku iela 16, Daugavpils", HEALTH, date(2020, 6, 17), "00297920"),
]

# Section 3: the follow-up, as the seed writes it, of the evaluation before the institution's accreditation of
# 1 December 2015 (`demo_evaluation.ACCREDITATIONS`).
EARLIER_ACCREDITATION = date(2015, 12, 1)
FOLLOW_UP = (
    "Profesionālā vidējās izglītības programma „Telemehānika un loģistika”, kvalifikācija „Loģistikas darbinieks”, "
    "kods 33345121, mācību ilgums 4 gadi, 3.PKL, 4.LKI, ir sākta īstenot 2019.gada 1.septembrī."
)


def _licence(tehnikums: Institution) -> None:
    programme = Programme.objects.filter(code=LOGISTICS).first()
    if programme is not None:
        Licence.objects.get_or_create(
            institution=tehnikums, programme=programme, defaults={"issued_on": LOGISTICS_LICENSED_ON}
        )


def _yearly_tables(tehnikum: Institution) -> None:
    year = school_year_get_or_create(code=SEED_YEAR)
    for position, (qualification, qualified, lower, not_qualified) in enumerate(QUALIFICATION_EXAMS, start=1):
        QualificationExamResult.objects.get_or_create(
            institution=tehnikum,
            school_year=year,
            qualification=qualification,
            defaults={
                "position": position,
                "qualified": qualified,
                "lower_qualification": lower,
                "not_qualified": not_qualified,
            },
        )
    for position, (activity, participants) in enumerate(INTEREST, start=1):
        InterestParticipation.objects.get_or_create(
            institution=tehnikum,
            school_year=year,
            activity=activity,
            defaults={"position": position, "participants": participants},
        )
    for position, (code, name, qualification, outcomes) in enumerate(EMPLOYMENT, start=1):
        GraduateEmployment.objects.get_or_create(
            institution=tehnikum,
            school_year=year,
            programme_code=code,
            programme_name=name,
            qualification=qualification,
            defaults={"position": position, **dict(zip(GraduateEmployment.OUTCOMES, outcomes, strict=True))},
        )


def _inspections_and_recommendations(tehnikums: Institution) -> None:
    for address, body, issued_on, number in INSPECTIONS:
        Inspection.objects.get_or_create(
            institution=tehnikums, address=address, body=body, issued_on=issued_on, defaults={"number": number}
        )
    accreditation = Accreditation.objects.filter(
        institution=tehnikums, programme__isnull=True, accredited_on=EARLIER_ACCREDITATION
    ).first()
    Recommendation.objects.get_or_create(
        institution=tehnikums,
        given_on=EARLIER_ACCREDITATION,
        follow_up=FOLLOW_UP,
        defaults={
            "accreditation": accreditation,
            "status": RecommendationStatus.DONE,
            "done_on": LOGISTICS_LICENSED_ON,
        },
    )


def load(tehnikums: Institution) -> None:
    """Create the tehnikums's tables once (after `demo_evaluation`, which makes the school, its programmes and its
    accreditations)."""
    _licence(tehnikums)
    _yearly_tables(tehnikums)
    _inspections_and_recommendations(tehnikums)

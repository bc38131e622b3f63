"""Demonstration data of the quality area: seed 002's lesson observations and exam tables, seed 003's table 3.

Observations, school year 2023/2024 (1 September 2023 – 30 June 2024), on the default form:
- 182 external lessons (by the board) in preschools and general schools and 4 training sessions in a sports
  school; 1561 internal lessons observed by the institutions;
- in each of these three sets, and so in every union of them, the share of lessons answered "yes" rounds
  to seed 002's percentage: 76 % results defined, 72 % three parts, 65 % tasks of different levels, 74 %
  individual support, 82 % learner-centred, 94 % in Latvian, 78 / 30 / 25 % name-describe / argue /
  create-evaluate, 22 / 28 / 44 / 40 % the four steps of critical thinking. The seed gives no share for the
  lecture format ("most lessons"): here 58 %. Shares are of all lessons (the seed's "78 % of them" read as
  of all observed lessons). Which lesson gets which answer is random (reproducibly); teachers are the
  people area's demo staff.
Exams: seed 002's 2024 city tables (centralised exams of basic school, secondary at the optimal and the
higher level, monitoring tests in the secondary programme and by grade, pilot exams) as results of the
general schools whose candidate-weighted means equal the seed's city figures exactly, with the national
means and the numbers below the threshold the seed gives; candidate counts the seed does not give are
illustrative. Seed 003's table 3 (2020, Daugavpils tehnikums against vocational schools and the nation).
The sports school and the tehnikums are not in the registry's demo data, so they are added here (the
tehnikums is a state institution under its own registration number 2734003068, from seed 003; the sports school's
9000000061 is made up). The tehnikums's programmes, learners, staff and self-assessment: `demo_evaluation`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from eduboard.people.demo import VACANCIES
from eduboard.people.models import Employment, StaffMember
from eduboard.quality import demo_evaluation, demo_monitoring, demo_self_assessment, reference_texts
from eduboard.quality.choices import DEFAULT_THRESHOLDS, PRESCHOOL_GRADUATES_GRADE, ExamKind, ObservationKind
from eduboard.quality.defaults import DEFAULT_FORM_CODE, YES_PARTLY_NO, ensure_default_form
from eduboard.quality.models import (
    Answer,
    Criterion,
    ExamResult,
    ExamSitting,
    LearnerResult,
    Observation,
    ObservationForm,
    ScaleOption,
    Subject,
)
from eduboard.registry.choices import Founder, InstitutionType
from eduboard.registry.models import Institution

PERIOD = (date(2023, 9, 1), date(2024, 6, 30))
WORKING_DAY = date(2024, 6, 1)  # institutions working then took part (the two schools closed on 31 August too)
EXTERNAL_LESSONS, SPORTS_SESSIONS, INTERNAL_LESSONS = 182, 4, 1561
BOARD_OBSERVER = "DPIP speciālists (demo)"
INSTITUTION_OBSERVER = "Iestādes vadības komanda (demo)"
SPORTS_SCHOOL = ("9000000061", "Daugavpils Sporta skola", "Sporta skola (demo)", InstitutionType.OTHER)
TEHNIKUMS = (demo_evaluation.TEHNIKUMS, "Daugavpils tehnikums", "Tehnikums", InstitutionType.VOCATIONAL)

# criterion code -> seed 002's share of lessons meeting it, %
SEED_SHARES: dict[str, int] = {
    "results_defined": 76,
    "three_parts": 72,
    "differentiated_tasks": 65,
    "individual_support": 74,
    "learner_centred": 82,
    "in_latvian": 94,
    "lecture_format": 58,  # the seed: "most lessons" (no figure)
    "name_cite_describe": 78,
    "argue_justify": 30,
    "create_evaluate": 25,
    "defined_problem": 22,
    "chose_solution": 28,
    "planned_acted": 44,
    "checked_evaluated": 40,
}

PRESCHOOL_TYPES = {InstitutionType.PRESCHOOL}
GENERAL_TYPES = {InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM}
SCHOOL_SUBJECTS = [
    "Latviešu valoda", "Matemātika", "Angļu valoda", "Vēsture", "Bioloģija", "Ķīmija", "Fizika", "Ģeogrāfija",
    "Dabaszinības", "Sociālās zinības", "Datorika", "Vizuālā māksla", "Mūzika", "Sports un veselība",
]  # fmt: skip
PRESCHOOL_SUBJECT, SPORTS_SUBJECT = "Pirmsskolas rotaļnodarbība", "Sporta treniņš"
PRESCHOOL_GROUPS = ["Saulītes", "Zīļuki", "Mārītes", "Pūcītes", "Bitītes", "Taurenīši"]

# Seed 002, 2024 (provisional results): (exam, level, grade, subject, city mean (None: assessed by criteria),
# national mean, below threshold, candidates or None for an illustrative count)
SEED_002_EXAMS: list[tuple[str, str, int | None, str, str | None, str | None, int | None, int | None]] = [
    (ExamKind.CE_BASIC, "", None, "Angļu valoda", "48.4", "63.9", 16, None),
    (ExamKind.CE_BASIC, "", None, "Latviešu valoda", "52.6", "59.1", 22, None),
    (ExamKind.CE_BASIC, "", None, "Matemātika", "42.3", "43.2", 38, None),
    (ExamKind.CE_SECONDARY, "optimal", None, "Angļu valoda", "59.8", "62.0", 1, None),
    (ExamKind.CE_SECONDARY, "optimal", None, "Vācu valoda", "94.0", "54.0", 0, None),
    (ExamKind.CE_SECONDARY, "optimal", None, "Latviešu valoda", "54.5", "55.0", 0, None),
    (ExamKind.CE_SECONDARY, "optimal", None, "Matemātika", "46.7", "34.0", 17, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Angļu valoda", "61.3", "66.0", 1, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Latviešu valoda", "54.6", "55.0", 1, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Matemātika", "63.1", "59.0", 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Bioloģija", "58.2", "55.0", 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Dizains un tehnoloģijas", "41.1", None, 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Fizika", "54.5", None, 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Ģeogrāfija", "38.2", None, 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Ķīmija", "46.0", None, 1, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Krievu valoda", "73.9", None, 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Kultūra un māksla", "42.5", "50.0", 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Programmēšana", "53.2", "51.0", 0, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Sociālās zinātnes", "41.4", None, 1, None),
    (ExamKind.CE_SECONDARY, "higher", None, "Vēsture", "24.3", None, 2, None),
    (ExamKind.MONITORING, "", None, "Bioloģija", "45", "40", None, None),
    (ExamKind.MONITORING, "", None, "Fizika", "44", "28", None, None),
    (ExamKind.MONITORING, "", None, "Ķīmija", "44", "45", None, None),
    (ExamKind.MONITORING, "", None, "Dabaszinības", "35", "28", None, None),
    # Grade 0: the preschool graduates, assessed by common criteria in the preschools (no mean in the seed).
    (ExamKind.MONITORING, "", 0, "Latviešu valoda", None, None, None, 846),
    (ExamKind.MONITORING, "", 1, "Latviešu valoda", "61.20", None, None, 875),
    (ExamKind.MONITORING, "", 4, "Latviešu valoda", "52.40", None, None, 835),
    (ExamKind.MONITORING, "", 7, "Latviešu valoda", "52.50", None, None, 713),
    (ExamKind.MONITORING, "", 4, "Matemātika", "55.1", None, None, 671),
    (ExamKind.MONITORING, "", 7, "Matemātika", "41", None, None, 664),
    (ExamKind.PILOT, "optimal", None, "Angļu valoda", "56.58", None, None, None),
    (ExamKind.PILOT, "", 9, "Angļu valoda", "53.93", None, None, None),
    (ExamKind.PILOT, "optimal", None, "Matemātika", "42.2", None, None, None),
    (ExamKind.PILOT, "", 9, "Matemātika", "32.0", None, None, None),
]
SEED_002_YEAR = 2024
# Seed 003, table 3 (2019/2020): subject, tehnikums %, vocational schools %, nation %; candidates illustrative.
SEED_003_YEAR = 2020
SEED_003_TABLE: list[tuple[str, str, str, str, int]] = [
    ("Latviešu valoda", "30.0", "46.5", "52.6", 214),
    ("Matemātika", "20.8", "24.3", "36.2", 214),
    ("Latvijas un pasaules vēsture", "34.3", "41.5", "60.4", 205),
    ("Angļu valoda", "40.5", "58.9", "69.3", 211),
]


def _yes_counts(total: int, shares: dict[str, int]) -> dict[str, int]:
    """Per criterion, how many of `total` lessons meet it so that the share rounds (half up) to the seed's %."""
    counts = {}
    for code, share in shares.items():
        best = min(range(total + 1), key=lambda k: abs(Decimal(k * 100) / total - share))
        counts[code] = best
    return counts


def _rounds_to(part: int, whole: int, share: int) -> bool:
    value = (Decimal(part * 100) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return value == share


def _sports_counts(external: dict[str, int]) -> dict[str, int]:
    """Yes-answers among the 4 sports sessions so that the 186 external lessons still round to the seed's %."""
    counts = {}
    whole = EXTERNAL_LESSONS + SPORTS_SESSIONS
    for code, share in SEED_SHARES.items():
        fitting = [s for s in range(SPORTS_SESSIONS + 1) if _rounds_to(external[code] + s, whole, share)]
        target = SPORTS_SESSIONS * share / 100
        counts[code] = min(fitting, key=lambda s: abs(s - target))
    return counts


def _institutions(institutions: dict[str, Institution]) -> dict[str, Institution]:
    """The registry's demo institutions plus the sports school and the tehnikums (created once)."""
    found = dict(institutions)
    number, name, short, kind = SPORTS_SCHOOL
    found[number], _created = Institution.objects.get_or_create(
        registration_number=number,
        defaults={"name": name, "short_name": short, "type": kind, "founder": Founder.MUNICIPALITY},
    )
    found[TEHNIKUMS[0]] = demo_evaluation.tehnikums_institution()
    return found


def _coaches() -> list[StaffMember]:
    """Two coaches of the sports school (new-format personal codes, not in the people register's rates)."""
    coaches = []
    for code, first, last in (("329061-00001", "Valdis", "Treneris"), ("329061-00002", "Jeļena", "Trenere")):
        coach, _created = StaffMember.objects.get_or_create(
            personal_code=code, defaults={"first_name": first, "last_name": last}
        )
        coaches.append(coach)
    return coaches


def _subjects(names: list[str]) -> dict[str, Subject]:
    subjects = {}
    for name in names:
        subject = Subject.objects.filter(name__iexact=name).first() or Subject.objects.create(name=name)
        subjects[name] = subject
    reference_texts.fill()
    return subjects


def _school_days(rng: random.Random, count: int) -> list[date]:
    start, end = PERIOD
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5 and not (date(2023, 12, 23) <= d <= date(2024, 1, 7))]
    return sorted(rng.choice(weekdays) for _n in range(count))


def _load_observations(institutions: dict[str, Institution]) -> None:
    demo = Observation.objects.filter(
        date__gte=PERIOD[0],
        date__lte=PERIOD[1],
        observer__isnull=True,
        observer_name__in=[BOARD_OBSERVER, INSTITUTION_OBSERVER],
    )
    if demo.count() == EXTERNAL_LESSONS + SPORTS_SESSIONS + INTERNAL_LESSONS:
        return
    demo.delete()
    ensure_default_form()  # the migration's form, again if the database was emptied since (safe to repeat)
    form = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("version").first()
    if form is None:
        return
    criteria = {c.code: c for c in Criterion.objects.filter(form=form)}
    options = {o.code: o for o in ScaleOption.objects.filter(scale__code=YES_PARTLY_NO)}
    rng = random.Random(20240630)  # noqa: S311 - reproducible demonstration data
    schools = [i for i in institutions.values() if i.type in PRESCHOOL_TYPES | GENERAL_TYPES and i.closed_on is None]
    schools.sort(key=lambda i: i.registration_number)
    teachers: dict[int, list[int]] = defaultdict(list)
    for institution_id, person in (
        Employment.objects.pedagogical()
        .filter(institution__in=schools)
        .order_by("institution_id", "staff_member_id")
        .values_list("institution_id", "staff_member_id")
        .distinct()
    ):
        teachers[institution_id].append(person)
    schools = [s for s in schools if teachers[s.pk]]
    if not schools:
        return
    subjects = _subjects([*SCHOOL_SUBJECTS, PRESCHOOL_SUBJECT, SPORTS_SUBJECT])
    sports = institutions[SPORTS_SCHOOL[0]]
    coaches = _coaches()

    def lessons(count: int, kind: str, observer: str, at_sports: bool = False) -> list[Observation]:
        made = []
        for day in _school_days(rng, count):
            if at_sports:
                institution, teacher_id = sports, rng.choice(coaches).pk
                subject, grade = subjects[SPORTS_SUBJECT], rng.choice(["U-12", "U-14", "U-16"])
            else:
                institution = rng.choice(schools)
                teacher_id = rng.choice(teachers[institution.pk])
                if institution.type in PRESCHOOL_TYPES:
                    subject, grade = subjects[PRESCHOOL_SUBJECT], rng.choice(PRESCHOOL_GROUPS)
                else:
                    subject = subjects[rng.choice(SCHOOL_SUBJECTS)]
                    grade = f"{rng.randint(1, 12 if institution.type != InstitutionType.BASIC_SCHOOL else 9)}.{rng.choice('abc')}"
            made.append(
                Observation(
                    form=form,
                    date=day,
                    institution=institution,
                    kind=kind,
                    observer_name=observer,
                    teacher_id=teacher_id,
                    subject=subject,
                    grade=grade,
                )
            )
        return made

    def answers(observations: list[Observation], yes: dict[str, int]) -> list[Answer]:
        made = []
        for code, criterion in criteria.items():
            meeting = set(rng.sample(range(len(observations)), yes.get(code, len(observations) // 2)))
            for index, observation in enumerate(observations):
                option = "yes" if index in meeting else rng.choice(["partly", "no"])
                made.append(Answer(observation=observation, criterion=criterion, option=options[option]))
        return made

    external_yes = _yes_counts(EXTERNAL_LESSONS, SEED_SHARES)
    sets = [
        (lessons(EXTERNAL_LESSONS, ObservationKind.EXTERNAL, BOARD_OBSERVER), external_yes),
        (
            lessons(SPORTS_SESSIONS, ObservationKind.EXTERNAL, BOARD_OBSERVER, at_sports=True),
            _sports_counts(external_yes),
        ),
        (
            lessons(INTERNAL_LESSONS, ObservationKind.INTERNAL, INSTITUTION_OBSERVER),
            _yes_counts(INTERNAL_LESSONS, SEED_SHARES),
        ),
    ]
    for observations, _yes in sets:
        Observation.objects.bulk_create(observations, batch_size=1000)
    for observations, yes in sets:
        if not all(o.pk for o in observations):  # backends that return no ids: read them back in order
            raise RuntimeError("bulk_create returned no ids")
        Answer.objects.bulk_create(answers(observations, yes), batch_size=5000)


def _hundredths(value: str) -> int:
    return int(Decimal(value) * 100)


def _means(rng: random.Random, target: int, candidates: list[int]) -> list[int]:
    """Means in hundredths of a percent whose candidate-weighted mean is exactly `target` (hundredths)."""
    if len(candidates) < 2:
        return [target] * len(candidates)
    spread = min(800, target // 2, (10000 - target) // 2)
    offsets = [rng.randint(-spread, spread) for _c in candidates[:-2]]
    rest = -sum(c * d for c, d in zip(candidates, offsets, strict=False))
    a, b = candidates[-2], candidates[-1]  # b = a + 1, so a·x + b·y = rest has a small solution
    t = round(rest / b)
    x = -rest + t * b
    y = rest - t * a
    # a·x + b·y = -a·rest + a·t·b + b·rest - b·t·a = rest·(b - a) = rest
    return [target + d for d in [*offsets, x, y]]


def _counts(total: int, parts: int) -> list[int]:
    """`total` candidates in `parts` schools, the last two counts consecutive (see _means)."""
    if parts < 2:
        return [total] * parts
    if parts == 2:
        first = (total - 1) // 2
        return [first, first + 1]  # one fewer in all when `total` is even
    last = total // parts
    return [*_split(total - 2 * last - 1, parts - 2), last, last + 1]


def _split(total: int, parts: int) -> list[int]:
    base = [total // parts] * parts
    for index in range(total - sum(base)):
        base[index] += 1
    return base


def _load_exams(institutions: dict[str, Institution]) -> None:
    rng = random.Random(2024)  # noqa: S311 - reproducible demonstration data
    general = list(
        Institution.objects.filter(type__in=GENERAL_TYPES).active_on(WORKING_DAY).order_by("registration_number")
    )
    secondary = [i for i in general if i.type != InstitutionType.BASIC_SCHOOL]
    preschools = list(
        Institution.objects.filter(type=InstitutionType.PRESCHOOL)
        .active_on(WORKING_DAY)
        .order_by("registration_number")
    )
    subjects = _subjects(sorted({row[3] for row in SEED_002_EXAMS} | {row[0] for row in SEED_003_TABLE}))
    for exam, level, grade, subject, city, national, below, candidates in SEED_002_EXAMS:
        if grade == PRESCHOOL_GRADUATES_GRADE:
            schools = preschools
        elif exam == ExamKind.CE_BASIC or (exam in (ExamKind.MONITORING, ExamKind.PILOT) and grade is not None):
            schools = general
        elif level == "higher" or exam == ExamKind.MONITORING:
            schools = secondary[: max(2, len(secondary) // 2)]
        else:
            schools = secondary
        if subject == "Vācu valoda":
            schools = secondary[:1]
        if not schools:
            continue
        total = candidates or (95 * len(schools) if exam == ExamKind.CE_BASIC else 40 * len(schools))
        counts = _counts(total, len(schools))
        means: list[int | None] = [*_means(rng, _hundredths(city), counts)] if city else [None] * len(schools)
        belows: list[int | None] = [*_split(below, len(schools))] if below is not None else [None] * len(schools)
        sitting, _created = ExamSitting.objects.get_or_create(
            year=SEED_002_YEAR, exam=exam, subject=subjects[subject], level=level, grade=grade
        )
        national_mean = Decimal(national) if national else None
        if sitting.national_mean_percent != national_mean:
            sitting.national_mean_percent = national_mean
            sitting.save(update_fields=["national_mean_percent"])
        ExamResult.objects.filter(sitting=sitting).exclude(institution__in=schools).delete()
        for school, count, mean, below_count in zip(schools, counts, means, belows, strict=True):
            ExamResult.objects.update_or_create(
                sitting=sitting,
                institution=school,
                defaults={
                    "candidates": count,
                    "mean_percent": Decimal(mean) / 100 if mean is not None else None,
                    "below_threshold": min(below_count, count) if below_count is not None else None,
                    "national_mean_percent": national_mean,
                    "type_mean_percent": None,
                },
            )
    tehnikums = institutions[TEHNIKUMS[0]]
    for subject, own, by_type, nation, count in SEED_003_TABLE:
        sitting, _created = ExamSitting.objects.get_or_create(
            year=SEED_003_YEAR, exam=ExamKind.CE_SECONDARY, subject=subjects[subject], level="", grade=None
        )
        if sitting.national_mean_percent != Decimal(nation):
            sitting.national_mean_percent = Decimal(nation)
            sitting.save(update_fields=["national_mean_percent"])
        ExamResult.objects.update_or_create(
            sitting=sitting,
            institution=tehnikums,
            defaults={
                "candidates": count,
                "mean_percent": Decimal(own),
                "below_threshold": None,
                "national_mean_percent": Decimal(nation),
                "type_mean_percent": Decimal(by_type),
            },
        )


#: Seed 002: 50 basic-school pupils (76 results below 10 % in three subjects) and 21 secondary-school pupils
#: (24 results below 15 %) did not reach the threshold; 3 failed mathematics for the second time.
DISTINCT_BELOW = {ExamKind.CE_BASIC: 50, ExamKind.CE_SECONDARY: 21}
REPEATED_SUBJECT, REPEATERS = "Matemātika", 3
EXAM_GRADE = {ExamKind.CE_BASIC: 9, ExamKind.CE_SECONDARY: 12}


def _exam_candidates(school: Institution, grade: int) -> list[tuple[str, int]]:
    """(personal code, learner id) of the school's learners in `grade` in the exams' school year 2023/2024."""
    from eduboard.registry.models import Enrolment

    year = Enrolment.objects.filter(group__school_year__code="2023/2024")
    found: list[tuple[str, int]] = []
    # The school's pupils of that grade; where there are too few (a school closed since), its other pupils, then
    # the grade's pupils of the whole city.
    for rows in (
        year.filter(group__institution=school, group__grade=grade),
        year.filter(group__institution=school).exclude(group__grade=grade),
        year.filter(group__grade=grade).exclude(group__institution=school),
    ):
        ordered = rows.order_by("learner__personal_code").values_list("learner__personal_code", "learner_id")
        found += [row for row in ordered.distinct() if row not in found]
        if len(found) >= 60:
            break
    return found


def _free(code: str, subject: int, taken_here: set[str], subjects_failed: dict[str, set[int]]) -> bool:
    """The pupil has no result in this sitting yet and has not failed this subject."""
    return code not in taken_here and subject not in subjects_failed[code]


def _load_learner_failures() -> None:
    """Learners' own results below the threshold, one row per result the schools' tables count below it, so that
    the distinct pupils and the repeat failures of seed 002 come from the data (the demonstration data holds
    only these learners' results, not every candidate's)."""
    LearnerResult.objects.filter(sitting__year__in=(SEED_002_YEAR - 1, SEED_002_YEAR)).delete()
    rng = random.Random(1050)  # noqa: S311 - reproducible demonstration data
    repeated: list[tuple[str, int, Institution]] = []
    for exam, distinct in DISTINCT_BELOW.items():
        threshold = DEFAULT_THRESHOLDS[exam]
        results = list(
            ExamResult.objects.filter(sitting__year=SEED_002_YEAR, sitting__exam=exam, below_threshold__gt=0)
            .select_related("sitting__subject", "institution")
            .order_by("sitting__level", "sitting__subject__name", "institution__registration_number")
        )
        overlaps = sum(result.below_threshold or 0 for result in results) - distinct
        failing: dict[int, list[tuple[str, int]]] = defaultdict(list)  # school -> learners failing so far
        in_sitting: dict[int, set[str]] = defaultdict(set)  # a learner has one result in a sitting
        subjects_failed: dict[str, set[int]] = defaultdict(set)  # a learner fails a subject once (one level)
        rows = []
        for result in sorted(results, key=lambda r: (r.sitting.subject.name != REPEATED_SUBJECT, r.sitting_id)):
            pool = _exam_candidates(result.institution, EXAM_GRADE[exam])
            taken_here = in_sitting[result.sitting_id]
            subject = result.sitting.subject_id
            for _number in range(result.below_threshold or 0):
                # A pupil of this school who failed another subject, while results are still to be shared among
                # fewer pupils; else a pupil who has failed nothing yet.
                again = [c for c in failing[result.institution_id] if _free(c[0], subject, taken_here, subjects_failed)]
                fresh = [c for c in pool if c[0] not in subjects_failed and c[0] not in taken_here]
                if overlaps > 0 and again:
                    chosen, overlaps = again[0], overlaps - 1
                elif fresh:
                    chosen = fresh[0]
                    failing[result.institution_id].append(chosen)
                else:
                    continue
                taken_here.add(chosen[0])
                subjects_failed[chosen[0]].add(subject)
                percent = (threshold - Decimal(rng.randint(10, 90)) / 10).quantize(Decimal("0.01"))
                rows.append(
                    LearnerResult(
                        sitting=result.sitting,
                        personal_code=chosen[0],
                        learner_id=chosen[1],
                        institution=result.institution,
                        percent=max(percent, Decimal("0.50")),
                    )
                )
                if (
                    exam == ExamKind.CE_BASIC
                    and result.sitting.subject.name == REPEATED_SUBJECT
                    and len(repeated) < REPEATERS
                ):
                    repeated.append((chosen[0], chosen[1], result.institution))
        LearnerResult.objects.bulk_create(rows)
    if repeated:
        subject = Subject.objects.get(name=REPEATED_SUBJECT)
        before, _created = ExamSitting.objects.get_or_create(
            year=SEED_002_YEAR - 1, exam=ExamKind.CE_BASIC, subject=subject, level="", grade=None
        )
        LearnerResult.objects.bulk_create(
            LearnerResult(
                sitting=before, personal_code=code, learner_id=learner, institution=school, percent=Decimal("6.50")
            )
            for code, learner, school in repeated
        )


def load(institutions: dict[str, Institution]) -> None:
    """Create or refresh the demonstration data (idempotent)."""
    everything = _institutions(institutions)
    # The subjects the demonstration vacancies name (people.demo, "sākumskola" among them) are subjects too, so the
    # report shows a vacancy's subject in each language (quality.subjects).
    _subjects(sorted({subject[:1].upper() + subject[1:] for _i, _p, subject, *_rest in VACANCIES if subject}))
    _load_observations(everything)
    _load_exams(everything)
    _load_learner_failures()
    demo_monitoring.load()
    tehnikums = demo_evaluation.load(everything)
    demo_self_assessment.load(tehnikums)  # seed 003's tables of its self-assessment report

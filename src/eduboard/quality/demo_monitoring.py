"""Demonstration data of the monitoring results by level (seed 002's analysis of the city's Latvian monitoring of
2024), the basic-school exam's threshold of 2025/2026, and the grade-7 pupils of 2024 below it.

Levels: each count seed 002 names, spread over the institutions that wrote the sitting in proportion to their
candidates (largest remainders), so that the city's sums are the seed's. The demonstration holds only the levels
the seed names; the rest of the assessed learners are in no level row. Grade 7's "apguvuši vai padziļināti apguvuši"
(187) is the seed's sum of two levels: here 148 good and 39 advanced (the split is illustrative).

Threshold: 20 % for the basic-school centralised exam from 2025/2026 (the exams of 2026), seed 002.
Grade 7 below it: the seed gives no count; here 32 pupils below 20 % in Latvian (as many as its critical level) and 57
in mathematics, 18 of them in both: 71 pupils (illustrative), as learners' own results of the 2024 monitoring.
"""

from __future__ import annotations

import random
from decimal import Decimal

from eduboard.quality.choices import PRESCHOOL_GRADUATES_GRADE, ExamKind
from eduboard.quality.models import (
    ExamResult,
    ExamSitting,
    LearnerResult,
    MonitoringAspect,
    MonitoringLevel,
    MonitoringLevelResult,
    PassThreshold,
)
from eduboard.registry.models import Institution

YEAR = 2024
LATVIAN, MATHEMATICS = "Latviešu valoda", "Matemātika"
A, L = MonitoringAspect, MonitoringLevel
# (grade, aspect, level, learners): seed 002's "Pilsētas monitoringa darbu latviešu valodā rezultātu analīze".
LEVELS: list[tuple[int, str, str, int]] = [
    # 54 % of 846 understand and speak Latvian (457); 90 (10,6 %) name only single words when asked.
    (PRESCHOOL_GRADUATES_GRADE, A.OVERALL, L.SUFFICIENT, 457),
    (PRESCHOOL_GRADUATES_GRADE, A.OVERALL, L.LOW, 90),
    # 450 (51 %) have a sufficient vocabulary, 19 a critically low one; 162 (18,5 %) a low level of Latvian.
    (1, A.VOCABULARY, L.SUFFICIENT, 450),
    (1, A.VOCABULARY, L.CRITICAL, 19),
    (1, A.OVERALL, L.LOW, 162),
    # 72,2 % speak well enough (603 of 835); 127 (15,2 %) cannot answer questions on a text; 157 (18,8 %) low
    # (3-4 marks), 69 (8,2 % in the seed; 8,3 % of 835) very low (1-2 marks).
    (4, A.SPEAKING, L.SUFFICIENT, 603),
    (4, A.READING, L.NOT_SHOWN, 127),
    (4, A.OVERALL, L.LOW, 157),
    (4, A.OVERALL, L.CRITICAL, 69),
    # 187 (26,2 %) mastered or mastered in depth; 184 (25,8 %) low, 32 (4,5 %) critically low; 389 (55 %) speak well,
    # 22 could not tell a story.
    (7, A.OVERALL, L.GOOD, 148),
    (7, A.OVERALL, L.ADVANCED, 39),
    (7, A.OVERALL, L.LOW, 184),
    (7, A.OVERALL, L.CRITICAL, 32),
    (7, A.SPEAKING, L.GOOD, 389),
    (7, A.SPEAKING, L.NOT_SHOWN, 22),
]
#: The basic-school exam's threshold from 2025/2026 (the exams written in 2026), seed 002.
NEXT_THRESHOLD = (2026, ExamKind.CE_BASIC, Decimal("20"))
#: Grade-7 pupils of the 2024 monitoring below 20 %: per subject, and how many of them in both (illustrative).
BELOW_20 = {LATVIAN: 32, MATHEMATICS: 57}
BELOW_20_IN_BOTH = 18


def _spread(total: int, weights: list[int]) -> list[int]:
    """`total` in parts proportional to `weights` (largest remainders; ties to the first)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * weight / whole for weight in weights]
    parts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: (-(exact[index] - parts[index]), index))
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _load_levels() -> None:
    """The level rows of the Latvian sittings of 2024 by grade (replaced whole on every run)."""
    sittings = {
        sitting.grade: sitting
        for sitting in ExamSitting.objects.filter(
            year=YEAR, exam=ExamKind.MONITORING, subject__name=LATVIAN, grade__isnull=False
        )
    }
    MonitoringLevelResult.objects.filter(sitting__in=list(sittings.values())).delete()
    rows = []
    for grade, aspect, level, learners in LEVELS:
        sitting = sittings.get(grade)
        if sitting is None:
            continue
        results = list(ExamResult.objects.filter(sitting=sitting).order_by("institution__registration_number"))
        for result, part in zip(results, _spread(learners, [r.candidates for r in results]), strict=True):
            if part:
                rows.append(
                    MonitoringLevelResult(
                        sitting=sitting, institution_id=result.institution_id, aspect=aspect, level=level, learners=part
                    )
                )
    MonitoringLevelResult.objects.bulk_create(rows)


def _grade_7_pupils() -> list[tuple[str, int, Institution]]:
    """(personal code, learner id, school) of the grade-7 pupils of 2023/2024 in the schools that wrote the grade-7
    monitoring, school by school (the quality demo's candidates of a grade)."""
    from eduboard.quality.demo import _exam_candidates

    sitting = ExamSitting.objects.filter(year=YEAR, exam=ExamKind.MONITORING, subject__name=LATVIAN, grade=7).first()
    if sitting is None:
        return []
    schools = Institution.objects.filter(exam_results__sitting=sitting).order_by("registration_number")
    pupils: list[tuple[str, int, Institution]] = []
    seen: set[str] = set()
    for school in schools:
        for code, learner_id in _exam_candidates(school, 7)[:12]:
            if code not in seen:
                seen.add(code)
                pupils.append((code, learner_id, school))
    return pupils


def _load_below_threshold() -> None:
    """Grade-7 pupils' own monitoring results of 2024 below 20 % (made after the quality demo's learner results,
    which it replaces every run)."""
    rng = random.Random(2026)  # noqa: S311 - reproducible demonstration data
    pupils = _grade_7_pupils()
    needed = sum(BELOW_20.values()) - BELOW_20_IN_BOTH
    if len(pupils) < needed:
        return
    chosen = rng.sample(pupils, needed)
    latvian = chosen[: BELOW_20[LATVIAN]]
    mathematics = latvian[:BELOW_20_IN_BOTH] + chosen[BELOW_20[LATVIAN] :]
    rows = []
    for subject, group in ((LATVIAN, latvian), (MATHEMATICS, mathematics)):
        sitting = ExamSitting.objects.filter(
            year=YEAR, exam=ExamKind.MONITORING, subject__name=subject, grade=7
        ).first()
        if sitting is None:
            continue
        LearnerResult.objects.filter(sitting=sitting).delete()
        for code, learner_id, school in group:
            rows.append(
                LearnerResult(
                    sitting=sitting,
                    personal_code=code,
                    learner_id=learner_id,
                    institution=school,
                    percent=(Decimal(rng.randint(200, 1990)) / 100).quantize(Decimal("0.01")),
                )
            )
    LearnerResult.objects.bulk_create(rows)


def load() -> None:
    """The level rows, the threshold of 2026 and the grade-7 results below it (idempotent)."""
    year, exam, percent = NEXT_THRESHOLD
    PassThreshold.objects.update_or_create(year=year, exam=exam, defaults={"percent": percent})
    _load_levels()
    _load_below_threshold()

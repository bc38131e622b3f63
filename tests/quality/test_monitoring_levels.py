"""Monitoring results by level and the threshold ahead (issue 40, point 1): `monitoring_level_figures` and
`cohort_below_threshold` against a plain computation of their definitions over small random worlds, in the
viewer's scope."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality.models import (
    ExamResult,
    ExamSitting,
    LearnerResult,
    MonitoringAspect,
    MonitoringLevel,
    MonitoringLevelResult,
    PassThreshold,
    Subject,
)
from eduboard.quality.selectors import cohort_below_threshold, monitoring_level_figures
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent, one decimal, half up (the seed's way of printing these shares)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("who", ["board", "head_a"])
def test_levels_are_counts_over_the_assessed_as_defined(
    seed: int, who: str, school_a: Institution, school_b: Institution, make_user: Callable[..., User]
) -> None:
    rng = random.Random(seed)
    latvian = Subject.objects.create(name="Latviešu valoda")
    sittings = {
        grade: ExamSitting.objects.create(year=2024, exam="monitoring", subject=latvian, grade=grade)
        for grade in (0, 1, 7)
    }
    other_year = ExamSitting.objects.create(year=2023, exam="monitoring", subject=latvian, grade=1)
    rows: list[tuple[int, int, str, str, int]] = []  # (grade, institution, aspect, level, learners)
    assessed: dict[tuple[int, int], int] = {}
    for grade, sitting in sittings.items():
        for school in (school_a, school_b):
            candidates = rng.randint(20, 90)
            ExamResult.objects.create(sitting=sitting, institution=school, candidates=candidates)
            assessed[(grade, school.pk)] = candidates
            left = candidates
            for aspect in rng.sample(MonitoringAspect.values, 2):
                for level in rng.sample(MonitoringLevel.values, 3):
                    learners = rng.randint(0, left // 3)
                    MonitoringLevelResult.objects.create(
                        sitting=sitting, institution=school, aspect=aspect, level=level, learners=learners
                    )
                    rows.append((grade, school.pk, aspect, level, learners))
    ExamResult.objects.create(sitting=other_year, institution=school_a, candidates=50)
    MonitoringLevelResult.objects.create(
        sitting=other_year, institution=school_a, aspect="overall", level="low", learners=40
    )
    viewer = WHOLE_CITY if who == "board" else make_user(Role.INSTITUTION_HEAD, [school_a])
    scope = {school_a.pk, school_b.pk} if who == "board" else {school_a.pk}

    found = monitoring_level_figures(year=2024, visible_to=viewer)

    assert [s["grade"] for s in found["sittings"]] == [0, 1, 7]
    total_assessed, total_low = 0, 0
    for sitting in found["sittings"]:
        grade = sitting["grade"]
        whole = sum(n for (g, pk), n in assessed.items() if g == grade and pk in scope)
        assert sitting["assessed"] == whole
        counted: dict[tuple[str, str], int] = defaultdict(int)
        for g, pk, aspect, level, learners in rows:
            if g == grade and pk in scope:
                counted[(aspect, level)] += learners
        assert {
            (aspect, level): (value["learners"], value["percent"])
            for aspect, by_level in sitting["levels"].items()
            for level, value in by_level.items()
        } == {key: (n, share(n, whole)) for key, n in counted.items()}
        low = counted[("overall", "low")] + counted[("overall", "critical")]
        mastered = counted[("overall", "good")] + counted[("overall", "advanced")]
        assert sitting["low"] == {"learners": low, "percent": share(low, whole)}
        assert sitting["mastered"] == {"learners": mastered, "percent": share(mastered, whole)}
        total_assessed, total_low = total_assessed + whole, total_low + low
    assert found["subjects"] == {
        "Latviešu valoda": {
            "assessed": total_assessed,
            "low": total_low,
            "percent": share(total_low, total_assessed),
            "grades": [0, 1, 7],
        }
    }


def test_no_level_rows_no_figures() -> None:
    assert monitoring_level_figures(year=2024, visible_to=WHOLE_CITY) == {"sittings": [], "subjects": {}}


@pytest.mark.parametrize("who", ["board", "head_a"])
def test_the_cohort_below_the_threshold_ahead_is_its_distinct_pupils_below_it(
    who: str, school_a: Institution, school_b: Institution, make_user: Callable[..., User]
) -> None:
    rng = random.Random(7)
    codes = PersonalCodes()
    PassThreshold.objects.create(year=2026, exam="ce_basic", percent=Decimal("20"))
    subjects = [Subject.objects.create(name=name) for name in ("Matemātika", "Latviešu valoda")]
    sittings = [
        ExamSitting.objects.create(year=2024, exam="monitoring", subject=subject, grade=7) for subject in subjects
    ]
    grade_4 = ExamSitting.objects.create(year=2024, exam="monitoring", subject=subjects[0], grade=4)
    pupils = [(codes.for_birth_date(date(2010, 1, 1 + n)), rng.choice([school_a, school_b])) for n in range(30)]
    results: list[tuple[str, str, int, Decimal]] = []  # (subject, code, institution, percent)
    for subject, sitting in zip(subjects, sittings, strict=True):
        for code, school in rng.sample(pupils, 20):
            value = Decimal(rng.randint(0, 10000)) / 100
            LearnerResult.objects.create(sitting=sitting, personal_code=code, institution=school, percent=value)
            results.append((subject.name, code, school.pk, value))
    LearnerResult.objects.create(sitting=grade_4, personal_code=pupils[0][0], institution=school_a, percent=1)
    viewer = WHOLE_CITY if who == "board" else make_user(Role.INSTITUTION_HEAD, [school_a])
    scope = {school_a.pk, school_b.pk} if who == "board" else {school_a.pk}

    found = cohort_below_threshold(exam_year=2026, visible_to=viewer)

    below = [(subject, code) for subject, code, pk, value in results if pk in scope and value < 20]
    assert found["threshold"] == Decimal("20")
    assert (found["monitoring_year"], found["grade"]) == (2024, 7)
    assert found["learners"] == len({code for _subject, code in below})
    assert found["by_subject"] == {
        name: n
        for name in ("Latviešu valoda", "Matemātika")
        if (n := len({code for subject, code in below if subject == name}))
    }

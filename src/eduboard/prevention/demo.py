"""Demonstration data of early school-leaving prevention: absences and term results of 2024/2025 for pupils of the
first three general schools, so that a plausible risk list comes out (illustrative: seed 002 gives no such list).

In each of those schools, among the pupils of grades 7–9 enrolled on 1 October 2024 (by personal code order):
the first four missed unexcused lessons in October 2024 (24, 21, 20 and 19: three at risk at the default
threshold of 20), the next four had insufficient first-term grades (in 2, 3, 2 and 1 subjects: three at risk),
the first and fifth have a support plan, and every pupil of the group got an excused absence day, as real records
have. The same pupils and days each time: a second run changes nothing.
"""

from __future__ import annotations

from datetime import date

from eduboard.core.models import SchoolYear
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Enrolment, Institution

GENERAL = (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)
YEAR = "2024/2025"
ON = date(2024, 10, 1)
UNEXCUSED = [24, 21, 20, 19]  # lessons in October, spread over the school days
INSUFFICIENT = [("3", "nv"), ("2", "3", "nv"), ("3", "3"), ("3",)]
SUBJECTS = ["Matemātika", "Latviešu valoda", "Fizika"]


def load(institutions: dict[str, Institution]) -> None:
    year = SchoolYear.objects.filter(code=YEAR).first()
    schools = sorted(
        (i for i in institutions.values() if i.type in GENERAL and i.closed_on is None), key=lambda i: i.pk
    )
    if year is None or Absence.objects.exists():
        return
    absences: list[Absence] = []
    results: list[TermResult] = []
    plans: list[SupportPlan] = []
    for school in schools[:3]:
        pupils = list(
            Enrolment.objects.begun_by(ON)
            .filter(group__institution=school, group__school_year=year, group__grade__in=[7, 8, 9])
            .order_by("learner__personal_code")
            .values_list("learner_id", flat=True)
            .distinct()[:12]
        )
        for index, learner_id in enumerate(pupils):
            absences.append(
                Absence(learner_id=learner_id, institution=school, date=date(2024, 9, 16), lessons=6, excused=True)
            )
            if index < len(UNEXCUSED):
                left = UNEXCUSED[index]
                for day in range(1, 32):
                    if left <= 0:
                        break
                    when = date(2024, 10, day)
                    if when.weekday() >= 5:
                        continue
                    lessons = min(7, left)
                    absences.append(
                        Absence(learner_id=learner_id, institution=school, date=when, lessons=lessons, excused=False)
                    )
                    left -= lessons
            elif index < len(UNEXCUSED) + len(INSUFFICIENT):
                grades = INSUFFICIENT[index - len(UNEXCUSED)]
                for subject, grade in zip(SUBJECTS, grades, strict=False):
                    results.append(
                        TermResult(
                            learner_id=learner_id, institution=school, school_year=year, term="1", subject=subject,
                            grade=grade,
                        )
                    )  # fmt: skip
            if index in (0, 4):
                plans.append(
                    SupportPlan(
                        learner_id=learner_id,
                        institution=school,
                        measures="Individuālas konsultācijas; sociālā pedagoga un psihologa atbalsts; saziņa ar ģimeni.",
                        started_on=date(2025, 1, 13),
                        review_on=date(2025, 3, 31),
                    )
                )
    Absence.objects.bulk_create(absences)
    TermResult.objects.bulk_create(results)
    SupportPlan.objects.bulk_create(plans)

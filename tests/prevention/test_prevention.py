"""Early school-leaving prevention: each risk rule at its threshold and one below, the board's thresholds, the
figures, the two file formats, and who sees learners' data (a teacher nothing, a head their own learners)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.importers import AbsenceImporter, TermResultImporter
from eduboard.prevention.models import Absence, RiskRule, SupportPlan, TermResult
from eduboard.prevention.selectors import learners_at_risk
from eduboard.registry.board_data import default_board
from eduboard.registry.leaving import infer_leaving_reasons
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
AS_OF = date(2025, 3, 31)


@pytest.fixture
def school(db: None) -> Institution:
    for code, threshold in {"unexcused_absences": 20, "insufficient_grades": 2}.items():
        RiskRule.objects.get_or_create(
            board=default_board(), code=code, defaults={"threshold": threshold}
        )  # a flush may have emptied them
    return InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")


def pupil(school: Institution, n: int, grade: int = 7, year: str = "2024/2025", **enrolment: object) -> Learner:
    programme, _created = Programme.objects.get_or_create(code="21011111", defaults={"name": "Pamat", "level": "basic"})
    school_year = school_year_get_or_create(code=year)
    group, _created = Group.objects.get_or_create(
        institution=school, school_year=school_year, programme=programme, name=f"{grade}.a", defaults={"grade": grade}
    )
    birth = date(2011, 1, 1 + n)
    learner = Learner.objects.filter(birth_date=birth).first() or Learner.objects.create(
        personal_code=CODES.for_birth_date(birth), first_name="Skolēns", last_name=f"N{n}", birth_date=birth
    )
    Enrolment.objects.create(
        learner=learner, group=group, enrolled_on=enrolment.pop("enrolled_on", school_year.start_date), **enrolment
    )
    return learner


def absent(learner: Learner, school: Institution, days: list[tuple[date, int]], excused: bool = False) -> None:
    for day, lessons in days:
        Absence.objects.create(learner=learner, institution=school, date=day, lessons=lessons, excused=excused)


def at_risk(rule: str, as_of: date = AS_OF) -> set[int]:
    return learners_at_risk(as_of=as_of, visible_to=WHOLE_CITY)[rule]


def test_unexcused_absences_at_the_threshold_in_one_month(school: Institution) -> None:
    twenty, nineteen, split, excused = (pupil(school, n) for n in range(4))
    absent(twenty, school, [(date(2025, 2, 3), 6), (date(2025, 2, 4), 7), (date(2025, 2, 28), 7)])
    absent(nineteen, school, [(date(2025, 2, 3), 6), (date(2025, 2, 4), 7), (date(2025, 2, 28), 6)])
    absent(split, school, [(date(2025, 1, 31), 10), (date(2025, 2, 1), 10)])  # two months of 10
    absent(excused, school, [(date(2025, 2, 3), 20)], excused=True)
    assert at_risk("unexcused_absences") == {twenty.pk}
    assert at_risk("unexcused_absences", date(2025, 2, 27)) == set()  # the data up to that day: 13 lessons
    RiskRule.objects.filter(code="unexcused_absences").update(threshold=19)
    assert at_risk("unexcused_absences") == {twenty.pk, nineteen.pk}


def test_insufficient_grades_in_two_subjects_of_one_term(school: Institution) -> None:
    year = school_year_get_or_create(code="2024/2025")
    two, one, apart, fours = (pupil(school, n) for n in range(4))
    rows = [
        (two, "1", "Matemātika", "3"), (two, "1", "Fizika", "nv"),
        (one, "1", "Matemātika", "2"), (one, "1", "Fizika", "7"),
        (apart, "1", "Matemātika", "3"), (apart, "2", "Fizika", "3"),
        (fours, "1", "Matemātika", "4"), (fours, "1", "Fizika", "4"),
    ]  # fmt: skip
    for learner, term, subject, grade in rows:
        TermResult.objects.create(
            learner=learner, institution=school, school_year=year, term=term, subject=subject, grade=grade
        )
    assert at_risk("insufficient_grades") == {two.pk}


def test_repeating_a_grade_and_leaving_without_a_destination(school: Institution) -> None:
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    repeating = pupil(school, 1, grade=7, year="2023/2024", left_on=date(2024, 6, 30))
    pupil(school, 1, grade=7)
    moving_up = pupil(school, 2, grade=6, year="2023/2024", left_on=date(2024, 6, 30))
    pupil(school, 2, grade=7)
    gone = pupil(school, 3, left_on=date(2025, 1, 10))
    moved = pupil(school, 4, left_on=date(2025, 1, 10))
    pupil(other, 4, enrolled_on=date(2025, 1, 13))
    infer_leaving_reasons()  # as an import, a transfer or an edit of an enrolment does (registry.leaving)
    assert at_risk("repeating") == {repeating.pk}
    assert moving_up.pk not in at_risk("repeating")
    assert at_risk("left_without_destination") == {gone.pk}
    assert moved.pk not in at_risk("left_without_destination")
    assert at_risk("left_without_destination", date(2025, 1, 9)) == set()  # not yet left
    SupportPlan.objects.create(learner=gone, institution=school, measures="Sociālā pedagoga atbalsts.",
                               started_on=date(2025, 1, 12))  # fmt: skip
    out = StringIO()
    call_command("prevention_stats", "--as-of", "2025-03-31", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["at_risk_by_rule"] == {
        "unexcused_absences": 0, "insufficient_grades": 0, "repeating": 1, "left_without_destination": 1,
    }  # fmt: skip
    assert (figures["at_risk_total"], figures["with_support_plan"], figures["repeating"]) == (2, 1, 1)


def test_imports_check_the_learner_is_the_schools_and_a_second_run_changes_nothing(
    school: Institution, tmp_path: Path
) -> None:
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    mine, theirs = pupil(school, 1), pupil(other, 2)
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])
    path = tmp_path / "a.csv"
    path.write_text(
        "personal_code,institution,date,lessons,excused\n"
        f"{mine.personal_code},9000000011,2025-02-03,6,no\n{mine.personal_code},9000000011,2025-02-04,2,yes\n",
        encoding="utf-8",
    )
    assert AbsenceImporter(viewer=head).run(path).created == 2
    assert AbsenceImporter(viewer=head).run(path).unchanged == 2
    bad = tmp_path / "b.csv"
    bad.write_text(
        "personal_code,institution,date,lessons,excused\n"
        f"{theirs.personal_code},9000000011,2025-02-03,6,no\n"  # 2: not enrolled in this school
        f"{theirs.personal_code},9000000015,2025-02-03,6,no\n"  # 3: another school's
        f"{mine.personal_code},9000000011,2025-02-05,21,no\n"  # 4: more than 20 lessons
        f"{mine.personal_code},9000000011,2025-02-06,2,maybe\n",  # 5: excused yes|no
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        AbsenceImporter(viewer=head).run(bad)
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (2, "personal_code"), (3, "institution"), (4, "lessons"), (5, "excused"),
    ]  # fmt: skip
    assert theirs.personal_code not in failure.value.errors[0].message  # masked
    results = tmp_path / "t.csv"
    results.write_text(
        "personal_code,institution,school_year,term,subject,grade\n"
        f"{mine.personal_code},9000000011,2024/2025,1,Matemātika,3\n"
        f"{mine.personal_code},9000000011,2024/2025,1,Fizika,nv\n",
        encoding="utf-8",
    )
    assert TermResultImporter(viewer=head).run(results).created == 2
    assert at_risk("insufficient_grades") == {mine.pk}
    wrong = tmp_path / "w.csv"
    wrong.write_text(
        "personal_code,institution,school_year,term,subject,grade\n"
        f"{mine.personal_code},9000000011,2024/2025,3,Matemātika,3\n"
        f"{mine.personal_code},9000000011,2024/2025,1,Ķīmija,11\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        TermResultImporter(viewer=head).run(wrong)
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "term"), (3, "grade")]


def test_a_teacher_sees_no_learners_data_and_a_head_only_their_own(school: Institution) -> None:
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    mine, theirs = pupil(school, 1), pupil(other, 2)
    absent(mine, school, [(date(2025, 2, 3), 20)])
    absent(theirs, other, [(date(2025, 2, 3), 20)])
    teacher = UserFactory(username="skolotaja", role=Role.INSTITUTION_STAFF, institutions=[school])
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])
    assert not Absence.objects.visible_to(teacher).exists()
    assert learners_at_risk(as_of=AS_OF, visible_to=teacher)["unexcused_absences"] == set()
    assert set(Absence.objects.visible_to(head).values_list("learner_id", flat=True)) == {mine.pk}
    assert learners_at_risk(as_of=AS_OF, visible_to=head)["unexcused_absences"] == {mine.pk}
    assert learners_at_risk(as_of=AS_OF, visible_to=WHOLE_CITY)["unexcused_absences"] == {mine.pk, theirs.pk}

"""The data-quality rules (issue 43), each on a small world whose rows break it and rows that keep it, and
`manage.py check_data` as a person runs it: every rule's code in `by_rule`, the issues with their institution's
registration number, the row and the message, one institution's with `--institution`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.dataquality.checks import CHECKS
from eduboard.dataquality.choices import RuleCode
from eduboard.dataquality.models import CheckRun, DataIssue, QualityRule
from eduboard.dataquality.services import data_check_run, quality_rules_for_new_board
from eduboard.finance.models import Allocation, Expenditure, FundingSource
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.quality.checks import robust_z
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from eduboard.registry.synthetic import PersonalCodes
from eduboard.registry.validators import personal_code_check_digit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 15)  # school year 2024/2025
CODES = PersonalCodes()


def school(number: str, name: str) -> Institution:
    return Institution.objects.create(name=name, type="secondary", registration_number=number)


def group(where: Institution, *, level: str, grade: int | None, name: str, capacity: int | None = None) -> Group:
    codes = {"preschool": "01011111", "basic": "21011111", "secondary": "31011011", "interest": "I0000001"}
    programme, _made = Programme.objects.get_or_create(code=codes[level], defaults={"name": level, "level": level})
    year = school_year_get_or_create(code="2024/2025")
    return Group.objects.create(
        institution=where, school_year=year, programme=programme, name=name, grade=grade, capacity=capacity
    )


def learner(first: str, last: str, born: date, code: str | None = None) -> Learner:
    return Learner.objects.create(
        personal_code=code or CODES.for_birth_date(born), first_name=first, last_name=last, birth_date=born
    )


def enrol(who: Learner, into: Group, on: date = date(2024, 9, 2), left: date | None = None) -> Enrolment:
    return Enrolment.objects.create(learner=who, group=into, enrolled_on=on, left_on=left)


def found(code: str, viewer: object = WHOLE_CITY, threshold: Decimal | None = None) -> list[tuple[int | None, str]]:
    return sorted(
        (finding.institution_id, finding.object)
        for finding in CHECKS[code](as_of=AS_OF, visible_to=viewer, threshold=threshold)
    )


def test_a_grade_1_pupil_aged_4_and_a_preschool_child_aged_12_are_outside_their_grades_age() -> None:
    a = school("9000000101", "A skola")
    first, kindergarten = (
        group(a, level="basic", grade=1, name="1.a"),
        group(a, level="preschool", grade=None, name="Rūķi"),
    )
    ninth = group(a, level="basic", grade=9, name="9.a")
    four = enrol(learner("Anna", "Ozola", date(2020, 3, 1)), first)  # 4 in 2024: grade 1 is 7 (3 years off)
    enrol(learner("Ilze", "Kalna", date(2017, 12, 31)), first)  # 7 in 2024: the usual age
    enrol(learner("Jānis", "Vēja", date(2015, 1, 1)), first)  # 9 in 2024: 2 years off, within the default
    twelve = enrol(learner("Pēteris", "Lauks", date(2012, 5, 5)), kindergarten)  # 12 on the day
    enrol(learner("Maija", "Meža", date(2021, 5, 5)), kindergarten)  # 3 on the day
    enrol(learner("Līga", "Upe", date(2009, 1, 1)), ninth)  # 15 in 2024: grade 9 is 15
    enrol(learner("Toms", "Egle", date(2020, 1, 1)), ninth, on=date(2023, 9, 1), left=date(2024, 6, 1))  # left
    assert found("age_outside_grade") == sorted(
        [(a.pk, f"registry.enrolment:{four.pk}"), (a.pk, f"registry.enrolment:{twelve.pk}")]
    )
    # The board's threshold: a tolerance of 3 years keeps the grade-1 pupil aged 4 (3 years off) too.
    assert found("age_outside_grade", threshold=Decimal(3)) == [(a.pk, f"registry.enrolment:{twelve.pk}")]


def test_an_enrolment_before_birth_is_found_and_one_after_it_is_not() -> None:
    a = school("9000000101", "A skola")
    first = group(a, level="basic", grade=1, name="1.a")
    early = enrol(learner("Anna", "Ozola", date(2017, 9, 10)), first, on=date(2017, 9, 1))
    enrol(learner("Ilze", "Kalna", date(2017, 9, 1)), first, on=date(2017, 9, 1))
    assert found("enrolled_before_birth") == [(a.pk, f"registry.enrolment:{early.pk}")]
    assert found("left_before_enrolled") == []  # the database refuses such a row (a file's row is previewed)


def test_two_enrolments_in_general_education_at_once_are_one_finding_at_the_latest_school() -> None:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    a5, b5 = group(a, level="basic", grade=5, name="5.a"), group(b, level="basic", grade=5, name="5.b")
    club = group(a, level="interest", grade=None, name="Robotika")
    twice = learner("Anna", "Ozola", date(2013, 3, 1))
    enrol(twice, a5, on=date(2024, 9, 2))
    enrol(twice, b5, on=date(2024, 10, 1))  # moved, the old place never closed
    moved = learner("Ilze", "Kalna", date(2013, 4, 1))
    enrol(moved, a5, on=date(2024, 9, 2), left=date(2024, 10, 1))
    enrol(moved, b5, on=date(2024, 10, 1))  # moved properly
    with_club = learner("Jānis", "Vēja", date(2013, 5, 1))
    enrol(with_club, a5)
    enrol(with_club, club)  # a club is not general education
    assert found("two_open_enrolments") == [(b.pk, f"registry.learner:{twice.pk}")]
    # A head of the first school sees it too: one of the two places is theirs.
    assert found("two_open_enrolments", Narrowed(WHOLE_CITY, {a.pk})) == [(b.pk, f"registry.learner:{twice.pk}")]


def test_a_group_over_its_capacity_by_more_than_the_threshold() -> None:
    a = school("9000000101", "A skola")
    full = group(a, level="basic", grade=2, name="2.a", capacity=2)
    over = group(a, level="basic", grade=3, name="3.a", capacity=2)
    group(a, level="basic", grade=4, name="4.a")  # no capacity: never over
    for n, into in enumerate([full, full, over, over, over]):
        enrol(learner("Bērns", f"N{n}", date(2016, 1, 1 + n)), into)
    assert found("group_over_capacity") == [(a.pk, f"registry.group:{over.pk}")]
    assert found("group_over_capacity", threshold=Decimal(50)) == []  # 3 of 2 is 50 % over: allowed


def test_personal_codes_that_do_not_fit_are_found() -> None:
    a = school("9000000101", "A skola")
    into = group(a, level="basic", grade=5, name="5.a")
    good = learner("Anna", "Ozola", date(2013, 3, 1))
    body = "010313" + "20123"
    wrong_digit = body[:10] + str((int(personal_code_check_digit(body[:10])) + 1) % 10)
    bad_checksum = learner("Ilze", "Kalna", date(2013, 3, 1))
    Learner.objects.filter(pk=bad_checksum.pk).update(personal_code=f"{wrong_digit[:6]}-{wrong_digit[6:]}")
    other_date = learner("Jānis", "Vēja", date(2013, 4, 2), code=CODES.for_birth_date(date(2013, 4, 1)))
    new_format = learner("Maija", "Meža", date(2013, 5, 5), code="321234-56789")
    for who in (good, bad_checksum, other_date, new_format):
        enrol(who, into)
    assert found("personal_code_invalid") == sorted(
        [(a.pk, f"registry.learner:{bad_checksum.pk}"), (a.pk, f"registry.learner:{other_date.pk}")]
    )


def test_a_child_under_an_old_and_a_new_format_code_is_a_duplicate_candidate() -> None:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    kept = learner("Jānis", "Bērziņš", date(2014, 6, 1))
    again = learner("JANIS", "BERZINS", date(2014, 6, 1), code="329999-12345")  # the new format, letters folded
    namesake = learner("Jānis", "Bērziņš", date(2014, 6, 2))  # another birth date: another child
    enrol(kept, group(a, level="basic", grade=4, name="4.a"))
    enrol(again, group(b, level="basic", grade=4, name="4.b"))
    enrol(namesake, group(b, level="basic", grade=4, name="4.c"))
    assert found("duplicate_learner") == [(b.pk, f"registry.learner:{again.pk}")]
    # Each school alone sees one of the two: no candidate within its own learners.
    assert found("duplicate_learner", Narrowed(WHOLE_CITY, {a.pk})) == []


def test_staff_over_the_fte_limit_and_a_group_leader_with_no_employment() -> None:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    teacher = PositionKind.objects.filter(is_pedagogical=True).first() or PositionKind.objects.create(
        code="teacher", name="Skolotājs", is_pedagogical=True
    )
    busy = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="A", last_name="B"
    )
    calm = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1981, 1, 1)), first_name="C", last_name="D"
    )
    for where, fte in ((a, "1.0"), (b, "0.75")):
        Employment.objects.create(
            staff_member=busy, institution=where, position=teacher, fte=Decimal(fte), start_date=date(2024, 9, 1)
        )
    Employment.objects.create(
        staff_member=calm, institution=a, position=teacher, fte=Decimal("1.5"), start_date=date(2024, 9, 1)
    )
    leader = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1982, 1, 1)), first_name="E", last_name="F"
    )
    Employment.objects.create(
        staff_member=leader,
        institution=b,
        position=teacher,
        fte=Decimal("0.5"),
        start_date=date(2023, 9, 1),
        end_date=date(2024, 8, 31),
    )
    club = group(b, level="interest", grade=None, name="Robotika")
    Group.objects.filter(pk=club.pk).update(leader=leader)
    assert found("fte_over_limit", threshold=Decimal("1.5")) == [(a.pk, f"people.staffmember:{busy.pk}")]
    assert found("fte_over_limit", threshold=Decimal("2")) == []
    assert found("staff_without_employment", Narrowed(WHOLE_CITY, {b.pk})) == [
        (b.pk, f"people.staffmember:{leader.pk}")
    ]


def test_spending_over_its_allocation() -> None:
    a = school("9000000101", "A skola")
    source = FundingSource.objects.first() or FundingSource.objects.create(code="municipal", name="Pašvaldība")
    over = Allocation.objects.create(year=2024, institution=a, source=source, purpose="other", amount=Decimal("100.00"))
    within = Allocation.objects.create(
        year=2024, institution=a, source=source, purpose="meals", amount=Decimal("100.00")
    )
    Expenditure.objects.create(allocation=over, date=date(2024, 3, 1), amount=Decimal("100.01"), document="1")
    Expenditure.objects.create(allocation=within, date=date(2024, 3, 1), amount=Decimal("100.00"), document="2")
    Expenditure.objects.create(allocation=within, date=date(2024, 12, 1), amount=Decimal("50.00"), document="3")
    assert found("spending_over_allocation") == [(a.pk, f"finance.allocation:{over.pk}")]


def test_the_robust_z_score_is_the_scaled_distance_from_the_median_in_median_absolute_deviations() -> None:
    previous = [Decimal(60), Decimal(62), Decimal(58), Decimal(61)]
    # median 60.5; deviations 0.5, 1.5, 2.5, 0.5 -> MAD 1.0
    assert robust_z(Decimal(70), previous) == Decimal("0.6745") * Decimal("9.5") / Decimal(1)
    assert robust_z(Decimal(70), previous[:2]) is None  # fewer than three earlier years
    assert robust_z(Decimal(70), [Decimal(60)] * 3) is None  # no spread to judge against


def test_check_data_prints_every_rule_and_each_issue_with_its_institution() -> None:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    enrol(learner("Anna", "Ozola", date(2020, 3, 1)), group(a, level="basic", grade=1, name="1.a"))
    enrol(learner("Pēteris", "Lauks", date(2012, 5, 5)), group(b, level="preschool", grade=None, name="Rūķi"))
    out = StringIO()
    call_command("check_data", "--json", "--as-of", AS_OF.isoformat(), stdout=out)
    answer = json.loads(out.getvalue())
    assert set(answer["by_rule"]) == set(RuleCode.values) == set(CHECKS)
    assert answer["by_rule"]["age_outside_grade"] == 2
    assert {issue["institution"] for issue in answer["issues"] if issue["rule"] == "age_outside_grade"} == {
        "9000000101",
        "9000000102",
    }
    issue = next(issue for issue in answer["issues"] if issue["institution"] == "9000000101")
    assert set(issue) == {"rule", "severity", "institution", "object", "message"}
    assert issue["severity"] == "warning"
    assert "Anna Ozola (010320-*****)" in issue["message"]  # named, the code masked
    out = StringIO()
    call_command("check_data", "--json", "--as-of", AS_OF.isoformat(), "--institution", "9000000102", stdout=out)
    narrowed = json.loads(out.getvalue())
    assert narrowed["by_rule"]["age_outside_grade"] == 1
    assert {issue["institution"] for issue in narrowed["issues"]} == {"9000000102"}
    with pytest.raises(CommandError, match="9999999999"):
        call_command("check_data", "--institution", "9999999999")


def test_a_run_keeps_its_counts_and_replaces_the_boards_findings_and_a_rule_out_of_use_finds_nothing() -> None:
    a = school("9000000101", "A skola")
    young = enrol(learner("Anna", "Ozola", date(2020, 3, 1)), group(a, level="basic", grade=1, name="1.a"))
    board = Board.objects.get(pk=a.board_id)
    first, _found = data_check_run(board=board, as_of=AS_OF)
    assert first.by_rule["age_outside_grade"] == 1
    assert list(DataIssue.objects.values_list("object", flat=True)) == [f"registry.enrolment:{young.pk}"]
    QualityRule.objects.filter(board=board, code="age_outside_grade").update(active=False)
    second, _found = data_check_run(board=board, as_of=AS_OF)
    assert second.by_rule["age_outside_grade"] == 0
    assert not DataIssue.objects.exists()
    assert list(CheckRun.objects.order_by("pk").values_list("by_rule__age_outside_grade", flat=True)) == [1, 0]


def test_an_exam_mean_far_from_the_institutions_earlier_years_is_an_outlier() -> None:
    from eduboard.quality.models import ExamResult, ExamSitting, Subject

    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    maths = Subject.objects.create(name="Matemātika")
    means = {2020: ("60", "60"), 2021: ("62", "70"), 2022: ("58", "50"), 2023: ("61", "65"), 2024: ("80", "66")}
    results = {}
    for year, (mean_a, mean_b) in means.items():
        sitting = ExamSitting.objects.create(year=year, exam="ce_basic", subject=maths, grade=9)
        for where, mean in ((a, mean_a), (b, mean_b)):
            results[(where.pk, year)] = ExamResult.objects.create(
                sitting=sitting, institution=where, candidates=20, mean_percent=Decimal(mean)
            )
    # A: earlier 60, 62, 58, 61 -> median 60.5, MAD 1.0; 80 is 0.6745 x 19.5 = 13.2 away. B: 66 from 60, 70, 50, 65
    # (median 62.5, MAD 5.0) is 0.47 away. 2023's 61 for A is judged against three years (z 0.67): kept.
    assert found("exam_outlier") == [(a.pk, f"quality.examresult:{results[(a.pk, 2024)].pk}")]
    assert found("exam_outlier", threshold=Decimal(14)) == []
    finding = CHECKS["exam_outlier"](as_of=AS_OF, visible_to=WHOLE_CITY, threshold=None)[0]
    assert finding.params["mean"] == "80.00" and finding.params["median"] == "60.50" and finding.params["z"] == "13.2"
    assert "Matemātika" in finding.params["result"]


def test_check_data_enqueued_runs_every_board_in_a_worker_and_prints_a_table_without_json() -> None:
    a = school("9000000101", "A skola")
    enrol(learner("Anna", "Ozola", date(2020, 3, 1)), group(a, level="basic", grade=1, name="1.a"))
    out = StringIO()
    call_command("check_data", "--enqueue", "--as-of", AS_OF.isoformat(), stdout=out)
    assert "queued" in out.getvalue()
    assert CheckRun.objects.get().trigger == "nightly"  # the tests' queue runs it at once
    with pytest.raises(CommandError, match="--institution"):
        call_command("check_data", "--enqueue", "--institution", "9000000101")
    out = StringIO()
    call_command("check_data", "--as-of", AS_OF.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.split() == ["age_outside_grade", "1"] for line in lines)
    assert any(line.startswith("warning") and "9000000101" in line and "Anna Ozola" in line for line in lines)


def test_a_finding_reads_in_the_readers_language_in_the_boards_text_and_in_latvian_where_it_has_none() -> None:
    from django.utils import translation

    a = school("9000000101", "A skola")
    quality_rules_for_new_board(board=Board.objects.get(pk=a.board_id))  # as every run makes them first
    run = CheckRun.objects.create(board_id=a.board_id, as_of=AS_OF, trigger="command")
    issue = DataIssue.objects.create(
        run=run,
        board_id=a.board_id,
        institution=a,
        rule="group_over_capacity",
        severity="warning",
        object="registry.group:1",
        params={"group": "2.a", "enrolled": "27", "capacity": "25"},
    )
    with translation.override("en"):
        assert issue.message() == "2.a has 27 learners for 25 places."
        assert DataIssue.objects.with_texts().get().message() == "2.a has 27 learners for 25 places."
    assert DataIssue.objects.get().message("ru") == "В группе 2.a 27 учащихся на 25 мест."
    QualityRule.objects.filter(board_id=a.board_id, code="group_over_capacity").update(
        text="{group}: {enrolled} no {capacity}.", text_ru=""
    )  # the board's own text, not translated into Russian: the Latvian is shown
    assert DataIssue.objects.with_texts().get().message("ru") == "2.a: 27 no 25."
    assert DataIssue.objects.get().message("lv") == "2.a: 27 no 25."

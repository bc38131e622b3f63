"""Issue 42, the ministry's comparison computed once for every board: each area's `…_of_boards` selector gives, for
every part (a board, or boards together), exactly what the area's own selector gives a viewer narrowed to those
boards' institutions, and the learners and pedagogues agree with a plain count of the rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q

from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.finance.selectors import computed_costs_of_boards, cost_per_learner
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.people.selectors import staff_figures, staff_totals_of_boards
from eduboard.quality.models import ExamResult, ExamSitting, Subject
from eduboard.quality.selectors import exam_comparison, exam_comparison_of_boards
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Institution
from eduboard.registry.selectors import registry_counts_of_boards, registry_figures
from tests.finance.world import CODES, MONEY_AS_OF, enrol, learner, money_world
from tests.reports.test_national import rezekne_board

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = MONEY_AS_OF  # 2024-03-15, in 2023/2024


@pytest.fixture
def two_boards() -> tuple[Board, Board]:
    """The finance money world's three institutions, the other school moved to a second board; a learner of the
    school also in the other school's class, a teacher with rates in both boards, a vacancy and exam results in
    each board."""
    world = money_world()
    home = Board.objects.get()
    second = rezekne_board()
    Institution.objects.filter(pk=world.base.other_school.pk).update(board=second)
    other_class = world.base.groups["3.b"]
    enrol(world.learners["s1"], other_class)  # in both boards' classes
    for index in range(3):
        enrol(learner("Otrs", f"Rēzekne{index}", date(2017, 2, 1 + index)), other_class)
    ensure_standard_positions()
    teacher = PositionKind.objects.get(code="subject_teacher")
    for index, places in enumerate(([world.base.school, world.base.other_school], [world.base.preschool])):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, 1 + index)), first_name="Ilze", last_name=f"K{index}"
        )
        for place in places:
            Employment.objects.create(
                staff_member=person,
                institution=place,
                position=teacher,
                fte=Decimal("0.5"),
                start_date=date(2020, 9, 1),
            )
    for place, amount in ((world.base.school, "1"), (world.base.other_school, "0.25")):
        Vacancy.objects.create(
            institution=place, position=teacher, subject="ķīmija", fte=Decimal(amount), declared_on=date(2024, 1, 8)
        )
    maths = ExamSitting.objects.create(
        year=2023, exam="ce_secondary", subject=Subject.objects.create(name="Matemātika"), national_mean_percent=50
    )
    for place, candidates, mean in ((world.base.school, 30, 62), (world.base.other_school, 12, 45)):
        ExamResult.objects.create(sitting=maths, institution=place, candidates=candidates, mean_percent=mean)
    return home, second


def narrowed(boards: list[Board]) -> Narrowed:
    institutions = set(Institution.objects.filter(board__in=boards).values_list("pk", flat=True))
    return Narrowed(WHOLE_CITY, institutions, board_id=boards[0].pk if len(boards) == 1 else None)


def plain_learners(boards: list[Board]) -> int:
    """The learners with an enrolment holding on the date in the boards' groups of 2023/2024, counted plainly."""
    return (
        Enrolment.objects.filter(group__school_year__code="2023/2024", group__institution__board__in=boards)
        .filter(enrolled_on__lte=AS_OF)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=AS_OF))
        .values("learner")
        .distinct()
        .count()
    )


def test_every_board_and_their_total_are_what_each_area_gives_the_boards_viewer(
    two_boards: tuple[Board, Board],
) -> None:
    home, second = two_boards
    cases = [[home], [second], [home, second]]
    parts = [[board.pk for board in boards] for boards in cases]
    registry = registry_counts_of_boards(as_of=AS_OF, parts=parts)
    staff = staff_totals_of_boards(as_of=AS_OF, parts=parts)
    costs = computed_costs_of_boards(as_of=AS_OF, parts=parts)
    exams = exam_comparison_of_boards(year=2023, exam="ce_secondary", parts=parts)
    for index, boards in enumerate(cases):
        viewer = narrowed(boards)
        figures = registry_figures(as_of=AS_OF, visible_to=viewer)
        assert registry[index] == {
            key: figures[key] for key in ("learners_total", "groups_total", "free_places_total")
        }, boards
        assert registry[index]["learners_total"] == plain_learners(boards)
        people = staff_figures(as_of=AS_OF, visible_to=viewer)
        assert staff[index] == {key: people[key] for key in ("pedagogues_total", "vacancies_fte_total")}, boards
        per_viewer = cost_per_learner(as_of=AS_OF, visible_to=viewer)
        for kind, cost in costs[index].items():
            assert cost == {key: per_viewer[kind][key] for key in ("computed", "spent", "learner_months")}, kind
        assert exams[index] == exam_comparison(year=2023, exam="ce_secondary", visible_to=viewer)
    # The learner in both boards counts once in each and once in their total; so does the teacher.
    assert [row["learners_total"] for row in registry] == [6, 4, 9]
    assert [row["pedagogues_total"] for row in staff] == [2, 1, 2]
    assert [row["vacancies_fte_total"] for row in staff] == [Decimal("1.00"), Decimal("0.25"), Decimal("1.25")]
    assert [rows[0]["mean_percent"] for rows in exams] == [Decimal("62.00"), Decimal("45.00"), Decimal("57.14")]

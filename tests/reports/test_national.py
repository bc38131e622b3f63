"""Issue 41, the ministry's page: the boards side by side (`/national/`), each board's figures from the areas'
selectors narrowed to its institutions, the total over the whole deployment, counts from 1 to 4 withheld."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from eduboard.accounts.context_processors import navigation
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.quality.models import ExamResult, ExamSitting, Subject
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, Programme
from eduboard.reports.national import national_comparison
from tests.registry.world import World, build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DAY = date(2024, 10, 1)
URL = "/national/?as_of=2024-10-01"


@dataclass
class Boards:
    world: World
    daugavpils: Board
    rezekne: Board
    rezekne_school: Institution
    rezekne_class: Group


def make_school(board: Board, number: str, pupils: int) -> tuple[Institution, Group]:
    """A basic school of `board` with one first grade of `pupils` learners enrolled in 2024/2025."""
    year = school_year_get_or_create(code="2024/2025")
    programme = Programme.objects.get(code="21011111")
    school = Institution.objects.create(
        name=f"Rēzeknes {number}. pamatskola", type="basic", registration_number=number, board=board
    )
    group = Group.objects.create(institution=school, school_year=year, programme=programme, name="1.a", grade=1)
    for index in range(pupils):
        pupil = learner("Jānis", f"Rēzeknietis{number}{index}", date(2017, 6, 1 + index))
        Enrolment.objects.create(learner=pupil, group=group, enrolled_on=date(2024, 9, 1))
    return school, group


def rezekne_board() -> Board:
    """A second board of the deployment, Rēzekne's."""
    return Board.objects.create(
        code="rezekne",
        municipality=Municipality.objects.create(name="Rēzeknes novads"),
        name="Rēzeknes novada Izglītības pārvalde",
        council="Rēzeknes novada dome",
    )


@pytest.fixture
def boards() -> Boards:
    """Daugavpils (the world's two schools, 6 pupils each, and a preschool) and Rēzekne (one school, 3 pupils); a
    Daugavpils pupil who left before the day, and one of Daugavpils' pupils also in a Rēzekne group."""
    world = build_world(pupils=6)
    daugavpils = Board.objects.get()
    rezekne = rezekne_board()
    school, group = make_school(rezekne, "9000000101", pupils=2)
    gone = learner("Pēteris", "Aizgājējs", date(2017, 8, 8))
    Enrolment.objects.create(
        learner=gone, group=world.class_1a, enrolled_on=date(2024, 9, 1), left_on=date(2024, 9, 20)
    )
    in_both = Enrolment.objects.filter(group=world.class_1a).exclude(learner=gone).first()
    assert in_both is not None
    Enrolment.objects.create(learner=in_both.learner, group=group, enrolled_on=date(2024, 9, 1))
    return Boards(world, daugavpils, rezekne, school, group)


def counted_on(day: date, **where: object) -> int:
    """A plain count of the learners with an enrolment holding on `day` in 2024/2025's groups (`where` narrows)."""
    return (
        Enrolment.objects.filter(group__school_year__code="2024/2025", enrolled_on__lte=day, **where)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values("learner")
        .distinct()
        .count()
    )


def rows_by_code(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {("total" if row["is_total"] else str(row["code"])): row for row in rows}


def test_each_boards_learners_are_its_own_and_the_total_counts_everyone_once(boards: Boards) -> None:
    rows = rows_by_code(national_comparison(DAY))
    assert list(rows) == ["daugavpils", "rezekne", "total"]
    daugavpils = counted_on(DAY, group__institution__board=boards.daugavpils)
    assert daugavpils == 12  # 6 + 6; the pupil who left on 20 September is not counted
    assert rows["daugavpils"]["learners"] == daugavpils
    assert counted_on(DAY, group__institution__board=boards.rezekne) == 3  # two of its own, one also in Daugavpils
    assert rows["rezekne"]["learners"] is None  # 3: withheld
    whole = counted_on(DAY)
    assert whole == 14  # not 12 + 3: the pupil in both boards counts once
    assert rows["total"]["learners"] == whole
    assert (rows["daugavpils"]["groups"], rows["rezekne"]["groups"]) == (None, None)  # 3 and 1: every count under 5


def test_a_board_with_five_learners_is_shown_and_zeros_are_shown(boards: Boards) -> None:
    for index in range(2):
        pupil = learner("Marta", f"Piektā{index}", date(2017, 7, 1 + index))
        Enrolment.objects.create(learner=pupil, group=boards.rezekne_class, enrolled_on=date(2024, 9, 1))
    rows = rows_by_code(national_comparison(DAY))
    assert rows["rezekne"]["learners"] == counted_on(DAY, group__institution__board=boards.rezekne) == 5
    assert rows["rezekne"]["pedagogues"] == 0  # no staff anywhere: a zero is a figure, not a small count
    assert rows["rezekne"]["free_places"] == 0


def test_exam_means_are_set_against_the_nation_on_the_same_subjects(boards: Boards) -> None:
    maths = ExamSitting.objects.create(
        year=2024, exam="ce_secondary", subject=Subject.objects.create(name="Matemātika"), national_mean_percent=50
    )
    for institution, candidates, mean in (
        (boards.world.school, 30, 62),
        (boards.world.other_school, 10, 42),
        (boards.rezekne_school, 12, 45),
    ):
        ExamResult.objects.create(sitting=maths, institution=institution, candidates=candidates, mean_percent=mean)
    rows = rows_by_code(national_comparison(DAY))
    assert rows["daugavpils"]["ce_secondary_year"] == 2024
    assert (rows["daugavpils"]["ce_secondary_mean"], rows["daugavpils"]["ce_secondary_gap"]) == (
        Decimal("57.00"),  # (30 × 62 + 10 × 42) ÷ 40
        Decimal("7.00"),
    )
    assert (rows["rezekne"]["ce_secondary_mean"], rows["rezekne"]["ce_secondary_gap"]) == (
        Decimal("45.00"),
        Decimal("-5.00"),
    )
    assert rows["total"]["ce_secondary_mean"] == Decimal("54.23")  # 2820 ÷ 52
    assert rows["total"]["ce_basic_mean"] is None and rows["total"]["ce_basic_year"] is None


def test_the_ministry_sees_every_board_with_small_counts_withheld_and_no_learner(
    boards: Boards, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.MINISTRY)).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    table = page.split('id="national-comparison"', 1)[1].split("</table>", 1)[0]
    rezekne = table.split('data-board="rezekne"', 1)[1].split("</tr>", 1)[0]
    assert "Rēzeknes novada Izglītības pārvalde" in rezekne
    assert '<td class="num">&lt;5</td>' in rezekne
    daugavpils = table.split('data-board="daugavpils"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">12</td>' in daugavpils
    total = table.split('data-board="total"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">14</td>' in total
    for pupil in Learner.objects.all():
        assert pupil.personal_code not in page
        assert pupil.masked_code not in page
        assert pupil.last_name not in page


@pytest.mark.parametrize("role", [Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.OBSERVER, Role.CENTRE_STAFF])
def test_other_roles_are_refused(
    role: str, boards: Boards, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(role, [boards.world.school])
    assert signed_in(user).get(URL).status_code == 403
    assert signed_in(user).get(f"{URL}&export=csv").status_code == 403


def test_a_boards_analyst_compares_only_the_boards_they_work_for(
    boards: Boards, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    analyst.boards.set([boards.rezekne])
    page = signed_in(analyst).get(URL).content.decode()
    assert 'data-board="rezekne"' in page
    assert 'data-board="daugavpils"' not in page
    total = page.split('data-board="total"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">&lt;5</td>' in total  # Rēzekne's 3 learners, not the deployment's 14
    assert "14" not in total


def test_the_csv_has_a_row_per_board_and_the_total_with_withheld_cells_empty(
    boards: Boards, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.MINISTRY)).get(f"{URL}&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == Board.objects.count() + 1 == 3
    learners = 2  # Board, Code, then Learners
    assert len(header) == 2 + 14
    by_code = {row[1] or "total": row for row in rows}
    assert by_code["daugavpils"][learners] == "12"
    assert by_code["rezekne"][learners] == ""
    assert by_code["total"][learners] == "14"
    codes = set(Learner.objects.values_list("personal_code", flat=True))
    assert not any(cell in codes for row in rows for cell in row)


def test_the_xlsx_holds_the_same_table(
    boards: Boards, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(make_user(Role.MINISTRY)).get(f"{URL}&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 1 + 3
    by_code = {row[1] or "total": row for row in values[1:]}
    assert (by_code["daugavpils"][2], by_code["rezekne"][2], by_code["total"][2]) == (12, None, 14)


def test_without_boards_the_page_says_so(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> None:
    Board.objects.all().delete()  # a deployment before its first board (the test database may hold an empty one)
    response = signed_in(make_user(Role.MINISTRY)).get("/national/")
    assert response.status_code == 200
    assert 'id="no-boards"' in response.content.decode()


def test_the_menu_offers_the_page_to_those_who_may_open_it(boards: Boards, make_user: Callable[..., User]) -> None:
    def urls(user: User) -> list[str]:
        request = RequestFactory().get("/")
        request.user = user
        return [item.url for group in navigation(request)["nav_groups"] for item in group.items]

    assert "/national/" in urls(make_user(Role.MINISTRY))
    assert "/national/" in urls(make_user(Role.BOARD_ADMIN))
    assert "/national/" not in urls(make_user(Role.INSTITUTION_HEAD, [boards.world.school]))


def comparison_queries() -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        national_comparison(DAY)
    return len(captured)


def test_more_institutions_do_not_mean_more_queries(boards: Boards) -> None:
    before = comparison_queries()
    for number in ("9000000102", "9000000103", "9000000104"):
        make_school(boards.rezekne, number, pupils=2)
    assert comparison_queries() == before


def test_more_boards_do_not_mean_more_queries(boards: Boards) -> None:
    """Every area reads the deployment once for all the boards (issue 42): a board without a survey adds no query
    (a board's survey adds its response rate's)."""
    before = comparison_queries()
    for index, number in enumerate(("9000000201", "9000000202", "9000000203")):
        board = Board.objects.create(code=f"board-{index}", name=f"Pārvalde {index}", council=f"Dome {index}")
        make_school(board, number, pupils=6)
    assert len(national_comparison(DAY)) == 6  # five boards and the total
    assert comparison_queries() == before


def test_each_boards_survey_response_rate_is_its_own_surveys_and_the_total_puts_them_together(
    boards: Boards,
) -> None:
    from eduboard.surveys.models import Population, Question, Response, Survey

    def survey_of(board: Board, school: Institution, code: str, population: int, finished: int, open_: int) -> None:
        survey = Survey.objects.create(board=board, code=code, title_lv=code, opens_on=date(2024, 4, 1))
        Question.objects.create(survey=survey, audience="parents", code="q1", text_lv="?", kind="frequency")
        Population.objects.create(survey=survey, institution=school, audience="parents", population=population)
        for index in range(finished + open_):
            Response.objects.create(
                survey=survey, key=f"{code}-{index}", institution=school, audience="parents", finished=index < finished
            )
        Survey.objects.filter(pk=survey.pk).update(closes_on=date(2024, 5, 1))  # closed: its answers frozen

    survey_of(boards.daugavpils, boards.world.school, "labbutiba", population=40, finished=10, open_=3)
    survey_of(boards.rezekne, boards.rezekne_school, "labbutiba", population=20, finished=6, open_=0)
    rows = rows_by_code(national_comparison(DAY))
    # plainly: finished responses over the audience's size, each board its own survey
    assert (rows["daugavpils"]["survey_responses"], rows["daugavpils"]["survey_population"]) == (10, 40)
    assert rows["daugavpils"]["survey_response_rate"] == Decimal("25.00")
    assert rows["rezekne"]["survey_response_rate"] == Decimal("30.00")
    assert rows["total"]["survey_response_rate"] == Decimal("26.67")  # 16 of 60
    assert rows["total"]["survey_responses"] == 16

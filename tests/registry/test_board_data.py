"""Issue 41, point 1: a board's reference data is the board's. Risk rules, meal rules, funding sources, groups of
institutions, approved costs, catering contracts, settlement lines, surveys and report editions belong to one board;
the board's roles read and change only theirs; a figure reads the rules of the board of each institution it
counts; a new board starts with the defaults; the board's thresholds are set on its page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import CostRate, FundingSource, MealRule
from eduboard.finance.selectors import meal_compensation
from eduboard.finance.sources import STANDARD_SOURCES
from eduboard.prevention.choices import DEFAULT_THRESHOLDS, RuleCode
from eduboard.prevention.models import Absence, RiskRule
from eduboard.prevention.selectors import learners_at_risk
from eduboard.registry.board_scope import board_viewer
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Institution
from eduboard.reports import services as report_services
from eduboard.reports.models import ReportEdition
from eduboard.surveys.models import Survey
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

MONTH = date(2024, 10, 1)


@pytest.fixture
def boards(make_user: Callable[..., User]) -> tuple[World, Board, Board]:
    """The world's school and preschool in the first board; the other school in a second board made by
    `create_board`, which gives the second board its defaults."""
    world = build_world(pupils=4)
    make_user(Role.BOARD_ANALYST)  # a first-board user made before the second board existed
    call_command("create_board", "--municipality", "Augšdaugavas novads", "--code", "augsdaugava", stdout=StringIO())
    first, second = Board.objects.order_by("pk")
    Institution.objects.filter(pk=world.other_school.pk).update(board=second)
    return world, first, second


def api(user: User) -> Client:
    """A client of the API with the user's token (the API's way in, second factor or not)."""
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=user, name='tests')[1]}")


def analyst_of(board: Board, make_user: Callable[..., User], role: str = Role.BOARD_ANALYST) -> User:
    user = make_user(role)
    user.boards.set([board])
    return user


def test_a_new_board_starts_with_the_default_risk_rules_and_the_standard_funding_sources(
    boards: tuple[World, Board, Board],
) -> None:
    _world, first, second = boards
    for board in (first, second):
        assert dict(RiskRule.objects.of_board(board).values_list("code", "threshold")) == DEFAULT_THRESHOLDS
        assert set(FundingSource.objects.of_board(board).values_list("code", flat=True)) == {
            code for code, _name in STANDARD_SOURCES
        }
    assert second.fte_warning_limit == Decimal("1.50") and second.training_expiry_warning_days == 90
    assert second.self_assessment_due == "10-01"


def plain_at_risk(threshold_of: dict[int, int]) -> set[int]:
    """Learners whose unexcused lessons in one month reach the threshold of their absence's institution's board."""
    totals: dict[tuple[int, int, int], int] = {}
    for absence in Absence.objects.select_related("institution"):
        if not absence.excused:
            key = (absence.learner_id, absence.institution.board_id, absence.date.month)
            totals[key] = totals.get(key, 0) + absence.lessons
    return {learner for (learner, board, _month), lessons in totals.items() if lessons >= threshold_of[board]}


def test_each_institution_is_judged_by_its_boards_risk_threshold(boards: tuple[World, Board, Board]) -> None:
    world, first, second = boards
    RiskRule.objects.of_board(second).filter(code=RuleCode.UNEXCUSED_ABSENCES).update(threshold=10)
    lessons = [4, 9, 12, 16, 20, 24]
    for school in (world.school, world.other_school):
        pupils = [e.learner for e in Enrolment.objects.filter(group__institution=school).order_by("pk")]
        for pupil, count in zip(pupils, lessons, strict=False):
            day = MONTH
            while count > 0:
                Absence.objects.create(
                    learner=pupil, institution=school, date=day, lessons=min(count, 6), excused=False
                )
                count -= 6
                day += timedelta(days=1)
    found = learners_at_risk(as_of=date(2024, 10, 31), visible_to=WHOLE_CITY)[RuleCode.UNEXCUSED_ABSENCES]
    assert found == plain_at_risk({first.pk: 20, second.pk: 10})
    # the same pupils' counts: 12 and 16 lessons put the second board's pupils at risk, not the first board's
    assert any(a.institution_id == world.other_school.pk for a in Absence.objects.filter(learner_id__in=found))
    second_only = learners_at_risk(as_of=date(2024, 10, 31), visible_to=board_viewer(WHOLE_CITY, "augsdaugava"))
    assert second_only[RuleCode.UNEXCUSED_ABSENCES] == {
        learner for learner in found if Enrolment.objects.filter(learner_id=learner, group=world.other_class).exists()
    }


def test_a_meal_rule_pays_only_for_its_boards_learners(boards: tuple[World, Board, Board]) -> None:
    world, first, second = boards
    common = {
        "name": "Pusdienas",
        "level": "basic",
        "valid_from": date(2024, 9, 1),
        "price_per_day": Decimal("2.000"),
        "state_per_day": Decimal("0.000"),
        "municipal_per_day": Decimal("2.000"),
    }
    MealRule.objects.create(board=second, code="lunch", **common)
    assert meal_compensation(institution=world.school, month=MONTH).lines == []  # the second board's rule
    assert meal_compensation(institution=world.other_school, month=MONTH).lines != []
    MealRule.objects.create(board=first, code="lunch", **common)  # the same code in each board
    assert meal_compensation(institution=world.school, month=MONTH).lines != []


def test_a_boards_roles_read_and_change_only_their_boards_reference_data(
    boards: tuple[World, Board, Board], make_user: Callable[..., User]
) -> None:
    _world, first, second = boards
    ours = api(analyst_of(second, make_user, Role.BOARD_ADMIN))
    listed = ours.get("/api/finance/sources/").json()
    codes = {row["code"]: row["board"] for row in listed.get("results", listed)}
    assert set(codes.values()) == {"augsdaugava"}
    theirs = FundingSource.objects.of_board(first).get(code="state")
    assert ours.get(f"/api/finance/sources/{theirs.pk}/").status_code == 404
    made = ours.post(
        "/api/finance/cost-rates/", {"year": 2024, "kind": "general", "monthly_cost": "120.00"}, "application/json"
    )
    assert made.status_code == 201, made.content
    assert CostRate.objects.get(pk=made.json()["id"]).board == second  # its only board, unnamed
    refused = ours.post(
        "/api/finance/cost-rates/",
        {"board": "daugavpils", "year": 2024, "kind": "general", "monthly_cost": "120.00"},
        "application/json",
    )
    assert refused.status_code == 400 and "board" in refused.json()  # a board it does not work for


def test_a_superuser_of_several_boards_names_the_board_of_a_new_row(
    boards: tuple[World, Board, Board], make_user: Callable[..., User]
) -> None:
    admin = api(make_user(Role.BOARD_ANALYST, is_superuser=True))
    unnamed = admin.post(
        "/api/finance/cost-rates/", {"year": 2024, "kind": "general", "monthly_cost": "120.00"}, "application/json"
    )
    assert unnamed.status_code == 400 and "board" in unnamed.json()
    named = admin.post(
        "/api/finance/cost-rates/",
        {"board": "augsdaugava", "year": 2024, "kind": "general", "monthly_cost": "120.00"},
        "application/json",
    )
    assert named.status_code == 201 and CostRate.objects.get().board.code == "augsdaugava"
    ambiguous = admin.post(
        "/api/projects/projects/",
        {
            "reference": "P-1",
            "title": "Projekts",
            "programme": "erasmus_ka2",
            "role": "partner",
            "start_date": "2024-09-01",
            "end_date": "2025-08-31",
            "status": "running",
            "grant": "1000.00",
            "funding_source": "state",
        },
        "application/json",
    )
    # "state" is the code of each board's source: refused, not guessed
    assert ambiguous.status_code == 400 and "“state”" in str(ambiguous.json()["funding_source"])


def test_a_survey_code_is_its_boards_and_the_stats_name_the_board_when_two_boards_use_it(
    boards: tuple[World, Board, Board],
) -> None:
    _world, first, second = boards
    Survey.objects.create(board=first, code="labbutiba", title_lv="Labbūtība")
    Survey.objects.create(board=second, code="labbutiba", title_lv="Labbūtība")
    with pytest.raises(CommandError, match="--board"):
        call_command("survey_stats", "labbutiba", stdout=StringIO())
    out = StringIO()
    call_command("survey_stats", "labbutiba", "--board", "augsdaugava", stdout=out)
    assert "response_rates" in json.loads(out.getvalue())


def test_report_editions_are_numbered_and_read_within_their_board(
    boards: tuple[World, Board, Board], make_user: Callable[..., User]
) -> None:
    _world, first, second = boards
    year = SchoolYear.objects.get(code="2024/2025")
    ours = analyst_of(second, make_user, Role.BOARD_ADMIN)
    theirs = analyst_of(first, make_user, Role.BOARD_ADMIN)
    edition = report_services.edition_create(school_year=year, as_of=date(2024, 10, 1), viewer=ours)
    other = report_services.edition_create(school_year=year, as_of=date(2024, 10, 1), viewer=theirs)
    assert (edition.board, edition.number) == (second, 1) and (other.board, other.number) == (first, 1)
    assert list(ReportEdition.objects.visible_to(ours)) == [edition]
    client = Client()
    client.force_login(analyst_of(second, make_user))
    assert client.get(f"/reports/{edition.pk}/").status_code == 200
    assert client.get(f"/reports/{other.pk}/").status_code == 404


def test_a_report_of_several_boards_names_its_board(boards: tuple[World, Board, Board], tmp_path: object) -> None:
    with pytest.raises(CommandError, match="--board"):
        call_command(
            "build_report", "readiness", "--as-of", "2024-10-01", "--format", "xlsx", "--out", "-", stdout=StringIO()
        )


def test_the_boards_thresholds_are_set_on_its_page(
    boards: tuple[World, Board, Board], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    _world, _first, second = boards
    admin = make_user(Role.BOARD_ADMIN)
    admin.boards.set([second])
    client = signed_in(admin)
    page = client.get(f"/registry/boards/{second.code}/")
    assert page.status_code == 200 and 'name="fte_warning_limit"' in page.content.decode()
    values = {field: getattr(second, field) or "" for field in ("name", "council")}
    answer = client.post(
        f"/registry/boards/{second.code}/",
        {
            **values,
            "fte_warning_limit": "1.25",
            "training_expiry_warning_days": "60",
            "self_assessment_due": "13-01",
            "version": second.version,
        },
    )
    assert answer.status_code == 200 and "MM-DD" in answer.content.decode()  # no 13th month: refused, kept
    second.refresh_from_db()
    assert second.fte_warning_limit == Decimal("1.50")
    answer = client.post(
        f"/registry/boards/{second.code}/",
        {
            **values,
            "fte_warning_limit": "1.25",
            "training_expiry_warning_days": "60",
            "self_assessment_due": "09-15",
            "version": second.version,
        },
    )
    assert answer.status_code == 302
    second.refresh_from_db()
    assert (second.fte_warning_limit, second.training_expiry_warning_days) == (Decimal("1.25"), 60)
    assert second.self_assessment_due_on(date(2025, 8, 31)) == date(2025, 9, 15)


def test_a_boards_residents_in_another_boards_school_are_counted_from_the_enrolments_on_both_sides(
    boards: tuple[World, Board, Board],
) -> None:
    from eduboard.registry.models import Municipality, ResidentsElsewhere
    from eduboard.registry.selectors import registry_stats
    from tests.registry.world import learner

    world, first, second = boards
    for index in range(3):  # Augšdaugava's residents learning in the first board's school
        pupil = learner("Ieva", f"Braucēja{index}", date(2017, 2, 1 + index), world.elsewhere)
        Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=date(2024, 9, 1))
    year = SchoolYear.objects.get(code="2024/2025")
    riga = Municipality.objects.create(name="Rīga")
    ResidentsElsewhere.objects.create(board=second, school_year=year, municipality=riga, level="basic", learners=4)
    # a count typed for a municipality whose board is on the deployment is not added: the enrolments say it
    ResidentsElsewhere.objects.create(
        board=second, school_year=year, municipality=world.home, level="basic", learners=50
    )
    day = date(2024, 10, 1)
    plain = len(
        {
            e.learner_id
            for e in Enrolment.objects.select_related("group__institution", "learner")
            if e.group.institution.board_id == first.pk
            and e.learner.declared_municipality_id == world.elsewhere.pk
            and e.enrolled_on <= day
            and (e.left_on is None or e.left_on > day)
        }
    )
    assert plain == 3
    paying = registry_stats(as_of=day, visible_to=board_viewer(WHOLE_CITY, "augsdaugava"))
    teaching = registry_stats(as_of=day, visible_to=board_viewer(WHOLE_CITY, "daugavpils"))
    assert paying["residents_learning_elsewhere"]["basic"] == plain + 4
    assert teaching["learners_from_other_municipalities"]["basic"] == plain
    assert teaching["residents_learning_elsewhere"]["basic"] == 0  # none of Daugavpils' own learn in Augšdaugava


def test_a_board_does_not_close_another_boards_enrolment_when_a_learner_moves_to_it(
    boards: tuple[World, Board, Board], make_user: Callable[..., User]
) -> None:
    from django.core.exceptions import ValidationError

    from eduboard.registry.services import learner_transfer

    world, _first, second = boards
    moving = Enrolment.objects.filter(group=world.class_1a).select_related("learner").first()
    assert moving is not None
    ours = analyst_of(second, make_user, Role.BOARD_ADMIN)
    with pytest.raises(ValidationError) as refused:
        learner_transfer(
            personal_code=moving.learner.personal_code, group=world.other_class, on=date(2025, 1, 6), viewer=ours
        )
    assert refused.value.code == "not_transferable"
    moving.refresh_from_db()
    assert moving.left_on is None  # the first board's row is untouched
    Enrolment.objects.filter(pk=moving.pk).update(left_on=date(2025, 1, 6), leaving_reason="transferred")
    joined = learner_transfer(
        personal_code=moving.learner.personal_code, group=world.other_class, on=date(2025, 1, 6), viewer=ours
    )
    assert joined.group == world.other_class and joined.left_on is None


def test_the_quality_stats_take_a_board_and_the_ministry_reads_them(
    boards: tuple[World, Board, Board], make_user: Callable[..., User]
) -> None:
    ministry = api(make_user(Role.MINISTRY))
    ours = api(analyst_of(boards[2], make_user))
    for route in ("heads/", "self-assessment/?year=2024/2025", "observations/"):
        joiner = "&" if "?" in route else "?"
        assert ministry.get(f"/api/quality/stats/{route}{joiner}board=augsdaugava").status_code == 200, route
        assert ministry.get(f"/api/quality/stats/{route}{joiner}board=nowhere").status_code == 404, route
        assert ours.get(f"/api/quality/stats/{route}{joiner}board=augsdaugava").status_code == 200, route
        assert ours.get(f"/api/quality/stats/{route}{joiner}board=daugavpils").status_code == 403, route


def test_the_board_sets_its_funding_sources_and_approved_costs_on_a_page(
    boards: tuple[World, Board, Board], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    _world, first, second = boards
    client = signed_in(analyst_of(second, make_user, Role.BOARD_ADMIN))
    page = client.get("/finance/reference/").content.decode()
    assert page.count("<code>state</code>") == 1  # its own board's, not the first board's too
    made = client.post(
        "/finance/reference/sources/new/", {"code": "novads", "name": "Novada fonds", "name_en": "", "name_ru": ""}
    )
    assert made.status_code == 302 and FundingSource.objects.get(code="novads").board == second
    twice = client.post(
        "/finance/reference/sources/new/", {"code": "novads", "name": "Atkal", "name_en": "", "name_ru": ""}
    )
    assert twice.status_code == 200 and FundingSource.objects.filter(code="novads").count() == 1  # refused, kept
    cost = client.post("/finance/reference/costs/new/", {"year": "2025", "kind": "general", "monthly_cost": "101.50"})
    assert cost.status_code == 302
    assert CostRate.objects.get(year=2025).board == second
    theirs = FundingSource.objects.of_board(first).get(code="state")
    assert client.get(f"/finance/reference/sources/{theirs.pk}/").status_code == 404

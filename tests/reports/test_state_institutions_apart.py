"""Issue 60, point 5: the board's own institutions in every figure.

A state-founded institution in the registry (the demonstration's Daugavpils tehnikums) is not the board's: every
figure labelled as the board's is computed for the reader narrowed to the board's own institutions
(`registry.board_scope.boards_own_viewer`, on `InstitutionQuerySet.boards_own`). The differential test below adds a
device and its overdue loan, exam results, a leaver without a destination, a staff member's rate, an allocation and a
group to the tehnikums, and builds the readiness report and a board's dashboard again: no figure and no sentence of
the board's changes, while the list of the state's institutions apart does (its groups). The same holds for every
`*_stats` command and `/stats/` route a board's reader asks (`board_scope.boards_figures_viewer`) and for the
ministry's comparison of the boards, while the tehnikums' own staff read its figures, the new rows included.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max, Model
from django.utils import translation

from eduboard.accounts.roles import Role
from eduboard.assets.models import Asset, Loan
from eduboard.assets.selectors import assets_stats
from eduboard.core.scope import WHOLE_CITY, institution_scope, sees_whole_city
from eduboard.finance.models import Allocation
from eduboard.people.models import Employment
from eduboard.prevention.selectors import prevention_figures
from eduboard.quality.models import ExamResult
from eduboard.registry.board_scope import boards_own_viewer, state_founded_viewer
from eduboard.registry.choices import LeavingReason
from eduboard.registry.models import Enrolment, Group, Institution
from eduboard.reports.content import render_text
from eduboard.reports.national import national_comparison
from eduboard.reports.readiness import build_readiness, key_figures
from eduboard.reports.selectors import flatten_figures

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 8, 20)
DATES = {"general": date(2024, 8, 19), "staff": date(2024, 8, 19), "money": date(2024, 8, 14)}
TEHNIKUMS = "Daugavpils tehnikums"
#: The figures that list the state's institutions apart from the board's (`general.state_founded`).
STATE_APART = "general.state_founded/"


def clone(row: Model, **changes: Any) -> Any:
    """A new row like `row` with `changes` (what a user would enter for the tehnikums)."""
    row.pk = None
    row.id = None  # type: ignore[attr-defined]
    row._state.adding = True
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
    return row


def report_figures(content: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.value for key, entry in flatten_figures(content).items()}


def report_sentences(content: dict[str, Any]) -> list[str]:
    """Every paragraph of the report in Latvian: the figures said in words."""
    with translation.override("lv"):
        return [
            render_text(block["text"])
            for section in content["sections"]
            for block in section["blocks"]
            if block["type"] == "paragraph"
        ]


def dashboard_figures() -> dict[str, Any]:
    built = key_figures(as_of=AS_OF, visible_to=WHOLE_CITY)
    found = {item["key"]: item["value"] for item in built["figures"]}
    for table in built["tables"]:
        found |= {f"{table['key']}/{row[0]}": row[1:] for row in table["rows"]}
    return found


def add_to_the_state_institution(tehnikums: Institution) -> None:
    """A device lent and overdue, exam results, a leaver without a destination, a pedagogue's rate, an allocation
    and a group, all of the state-founded tehnikums, all dated before the report's date."""
    device = clone(
        Asset.objects.filter(institution=tehnikums).first(), inventory_number="STATE-TEST-1", acquired_on=AS_OF
    )
    # The learner the device is lent to, and who left school without a destination in the school year.
    school_year_before = Group.objects.filter(institution__founder="municipality", school_year__code="2023/2024")
    group_before = clone(
        Group.objects.filter(institution=tehnikums).first(),
        school_year=school_year_before.first().school_year,
        name="STATE-TEST 2023",
    )
    learner = clone(
        Enrolment.objects.filter(group__institution=tehnikums).first().learner,
        personal_code="329999-00001",
        first_name="Valsts",
        last_name="Tehnikuma",
    )
    Enrolment.objects.create(
        learner=learner,
        group=group_before,
        enrolled_on=date(2023, 9, 1),
        left_on=date(2024, 5, 15),
        leaving_reason=LeavingReason.DROPPED_OUT,
    )
    Loan.objects.create(asset=device, learner=learner, lent_on=date(2024, 3, 1), due_on=date(2024, 5, 1))
    # Exam results of the latest exams, in sittings the tehnikums has none of (unique per sitting).
    latest = ExamResult.objects.aggregate(year=Max("sitting__year"))["year"]
    others = ExamResult.objects.filter(sitting__year=latest).exclude(
        sitting__in=ExamResult.objects.filter(institution=tehnikums).values("sitting")
    )
    for result in {result.sitting_id: result for result in others}.values():
        clone(result, institution=tehnikums, candidates=100, mean_percent=Decimal("10.00"), below_threshold=50)
    # A pedagogue's rate at the tehnikums on the staff's date.
    employment = Employment.objects.filter(institution=tehnikums, position__is_pedagogical=True).first()
    member = clone(employment.staff_member, personal_code="329999-00002", first_name="Valsts", last_name="Skolotāja")
    clone(employment, staff_member=member, start_date=date(2024, 8, 1))
    # An allocation of the year, like a municipal one.
    clone(
        Allocation.objects.filter(year=AS_OF.year, institution__founder="municipality").first(),
        institution=tehnikums,
        amount=Decimal("100000.00"),
    )
    # A group of the coming school year: the list of the state's institutions apart shows it.
    clone(Group.objects.filter(institution=tehnikums, school_year__code="2024/2025").first(), name="STATE-TEST 2024")


def test_no_figure_of_the_boards_changes_with_a_state_institutions_rows(demo: None) -> None:
    tehnikums = Institution.objects.get(name=TEHNIKUMS)
    assert not tehnikums.is_boards_own
    before = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)
    dashboard_before = dashboard_figures()

    add_to_the_state_institution(tehnikums)
    after = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)

    figures_before, figures_after = report_figures(before), report_figures(after)
    board = {key: value for key, value in figures_before.items() if not key.startswith(STATE_APART)}
    assert board == {key: value for key, value in figures_after.items() if not key.startswith(STATE_APART)}
    assert report_sentences(before) == report_sentences(after)
    assert dashboard_figures() == dashboard_before
    # The state's institutions, listed apart, show the new group (and only that changes there).
    changed = {key for key in figures_after if figures_after[key] != figures_before.get(key)}
    assert changed == {f"{STATE_APART}{TEHNIKUMS}|Vocational school|State/Groups"}
    (key,) = changed
    assert int(figures_after[key]) == int(figures_before[key]) + 1


def test_the_rows_added_reach_the_figures_of_a_reader_who_is_not_the_board(demo: None) -> None:
    """The same rows do count where the reader is the tehnikums' own (its figures are its institution's): the
    differential test above is not blind."""
    tehnikums = Institution.objects.get(name=TEHNIKUMS)
    state = state_founded_viewer(WHOLE_CITY)
    devices_before = assets_stats(as_of=AS_OF, visible_to=state)
    risk_before = prevention_figures(as_of=AS_OF, visible_to=state)
    add_to_the_state_institution(tehnikums)
    assert assets_stats(as_of=AS_OF, visible_to=state) != devices_before
    assert prevention_figures(as_of=AS_OF, visible_to=state)["at_risk_total"] == risk_before["at_risk_total"] + 1


def test_the_boards_viewer_reads_the_boards_own_institutions_and_still_works_for_the_board(demo: None) -> None:
    own = boards_own_viewer(WHOLE_CITY)
    assert institution_scope(own) == set(Institution.objects.boards_own().values_list("pk", flat=True))
    assert sees_whole_city(own)
    apart = state_founded_viewer(WHOLE_CITY)
    assert institution_scope(apart) == set(Institution.objects.state_founded().values_list("pk", flat=True))


def test_without_a_state_institution_the_boards_viewer_is_the_reader(demo: None) -> None:
    Institution.objects.filter(founder="state").update(founder="municipality")
    assert boards_own_viewer(WHOLE_CITY) is WHOLE_CITY


#: Every `*_stats` command whose figures are the board's, with a date the new rows fall before.
STATS_COMMANDS = [
    ["registry_stats", "--as-of", "2024-08-20"],
    ["people_stats", "--as-of", "2024-08-20"],
    ["assets_stats", "--as-of", "2024-08-20"],
    ["finance_stats", "--as-of", "2024-08-20"],
    ["prevention_stats", "--as-of", "2024-08-20"],
]
#: The same families through the API, as a board's analyst asks them.
STATS_ROUTES = [
    "/api/registry/stats/?as_of=2024-08-20",
    "/api/people/stats/?as_of=2024-08-20",
    "/api/assets/stats/?as_of=2024-08-20",
    "/api/finance/stats/?as_of=2024-08-20",
]


def command_output(argv: list[str]) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*argv, stdout=out)
    return out.getvalue()


def exams_output() -> list[str]:
    """`quality_stats exams` of the latest year with results, every exam kind."""
    latest = ExamResult.objects.aggregate(year=Max("sitting__year"))["year"]
    kinds = sorted(set(ExamResult.objects.filter(sitting__year=latest).values_list("sitting__exam", flat=True)))
    return [command_output(["quality_stats", "exams", "--year", str(latest), "--exam", kind]) for kind in kinds]


def test_no_stats_command_route_or_board_comparison_of_the_boards_changes_with_a_state_institutions_rows(
    demo: None, make_user: Any, signed_in: Any
) -> None:
    tehnikums = Institution.objects.get(name=TEHNIKUMS)
    analyst = signed_in(make_user(role=Role.BOARD_ANALYST))
    commands_before = [command_output(argv) for argv in STATS_COMMANDS]
    exams_before = exams_output()
    routes_before = [analyst.get(route).json() for route in STATS_ROUTES]
    comparison_before = national_comparison(AS_OF)

    add_to_the_state_institution(tehnikums)

    assert [command_output(argv) for argv in STATS_COMMANDS] == commands_before
    assert exams_output() == exams_before
    assert [analyst.get(route).json() for route in STATS_ROUTES] == routes_before
    assert national_comparison(AS_OF) == comparison_before


def test_the_tehnikums_staff_read_its_figures_with_the_rows_added(demo: None, make_user: Any, signed_in: Any) -> None:
    """An institution's role reads its institutions' figures whoever founded them: the rows added reach them (the
    test above is not blind), and so does a command that names the tehnikums."""
    tehnikums = Institution.objects.get(name=TEHNIKUMS)
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[tehnikums]))
    route = "/api/people/stats/?as_of=2024-08-20"
    pedagogues_before = head.get(route).json()["pedagogues_total"]
    assets_before = head.get("/api/assets/stats/?as_of=2024-08-20").json()
    latest = ExamResult.objects.aggregate(year=Max("sitting__year"))["year"]
    named = ["quality_stats", "exams", "--year", str(latest), "--institution", tehnikums.registration_number]
    exams_before = command_output(named)

    add_to_the_state_institution(tehnikums)

    assert head.get(route).json()["pedagogues_total"] == pedagogues_before + 1
    assert head.get("/api/assets/stats/?as_of=2024-08-20").json() != assets_before
    assert command_output(named) != exams_before

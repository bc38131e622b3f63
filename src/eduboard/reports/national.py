"""The boards side by side: the ministry's comparison (`/national/`, issue 41).

One row per board and a total row. Each figure is the one the area's own selector gives a viewer narrowed to the
board's own institutions (`core.scope.Narrowed`; `Institution.objects.boards_own`: a state-founded institution
counts in no board's row), the total the one it gives the whole deployment (or the boards
compared), never summed here: a learner in two boards' institutions counts once in the total. Each area computes
every row at once from one read of the deployment (its `…_of_boards` selector, the same rule over each board's
rows), not one computation a board: 43 boards cold in a few times one board's dashboard (issue 42). Every count
from 1 to 4 is withheld (`registry.board_scope.withheld`: None, shown as "<5"); zeros, amounts, FTE and means are
kept.

The figures come from:
- `registry.selectors.registry_counts_of_boards` (`registry_figures`): learners, groups and free places;
- `people.selectors.staff_totals_of_boards` (`staff_figures`, the part of `people_stats` without the training gaps,
  which name people): pedagogues (people) and the FTE of open vacancies (the people area keeps no FTE total of
  staff);
- `finance.selectors.computed_costs_of_boards` (`cost_per_learner`, what `finance_stats` reports): the computed
  monthly cost per learner of general education and of preschool day groups, in the year of the date;
- `quality.selectors.exam_comparison_of_boards` (`exam_comparison`): each centralised exam's mean in the latest
  year (up to the date's) with results, over the subjects the board's schools sat, and the nation's mean over the
  same subjects.
- `surveys.selectors.response_rate`: the response rate of each board's survey of the date (`board_surveys`, every
  board's at once: its latest closed by then), over all its audiences; the total row's is the boards' responses over
  their audiences' sizes (each board asks its own survey, so the total adds the boards' counts rather than reading
  one survey).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext

from eduboard.core.numbers import CENT
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.core.translated import current_language
from eduboard.finance.choices import CostKind
from eduboard.finance.selectors import computed_costs_of_boards
from eduboard.people.selectors import staff_totals_of_boards
from eduboard.quality.choices import ExamKind
from eduboard.quality.selectors import exam_comparison, exam_comparison_of_boards, exam_years
from eduboard.registry.board_scope import withheld
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution
from eduboard.registry.selectors import registry_counts_of_boards
from eduboard.surveys.selectors import board_surveys, combined_response_rate, response_rate

#: Board roles that open the comparison, for the boards they work for; the ministry and superusers see every board.
#: The cost kinds compared (key of the row, kind).
COST_KINDS = (("cost_general", CostKind.GENERAL), ("cost_preschool_day", CostKind.PRESCHOOL_DAY))
#: The exams compared (key of the row, exam).
EXAMS = (("ce_basic", ExamKind.CE_BASIC), ("ce_secondary", ExamKind.CE_SECONDARY))


def compared_board_ids(user: Any) -> set[int] | None:
    """The boards `user` compares: None for every board (the ministry, superusers), else the boards they work
    for (`User.board_ids`)."""
    if user.is_superuser or getattr(user, "is_national", False):
        return None
    return set(user.board_ids())


def compared_exam_years(*, as_of: date) -> dict[str, int | None]:
    """Per exam of EXAMS, the latest year up to `as_of`'s with results that have a mean and a national mean in the
    deployment, or None."""
    years = [year for year in exam_years(visible_to=WHOLE_CITY) if year <= as_of.year]
    found: dict[str, int | None] = {}
    for key, exam in EXAMS:
        found[key] = next(
            (year for year in years if _exam_pairs(exam_comparison(year=year, exam=exam, visible_to=WHOLE_CITY))),
            None,
        )
    return found


def _exam_pairs(rows: list[dict[str, Any]]) -> list[tuple[int, Decimal, Decimal]]:
    """(candidates, mean, national mean) of each sitting of `exam_comparison`'s `rows` that has both means."""
    return [
        (row["candidates"], row["mean_percent"], row["national_mean_percent"])
        for row in rows
        if row["mean_percent"] is not None and row["national_mean_percent"] is not None and row["candidates"]
    ]


def _weighted(pairs: list[tuple[int, Decimal]]) -> Decimal | None:
    weight = sum(candidates for candidates, _mean in pairs)
    if not weight:
        return None
    total = sum((Decimal(candidates) * mean for candidates, mean in pairs), Decimal(0))
    return (total / weight).quantize(CENT, rounding=ROUND_HALF_UP)


def _exam_figures(rows: list[dict[str, Any]]) -> tuple[Decimal | None, Decimal | None]:
    """The candidate-weighted mean of the sittings of `exam_comparison`'s `rows`, and its gap (points) to the
    nation's mean weighted the same way (the nation on the same subjects)."""
    pairs = _exam_pairs(rows)
    mean = _weighted([(candidates, own) for candidates, own, _national in pairs])
    national = _weighted([(candidates, nation) for candidates, _own, nation in pairs])
    gap = None if mean is None or national is None else mean - national
    return mean, gap


def _parts_figures(*, as_of: date, parts: list[list[int]], years: dict[str, int | None]) -> list[dict[str, Any]]:
    """Each part's (boards' ids) figures, each area's of every part read at once (the caller withholds them below
    five)."""
    registry = registry_counts_of_boards(as_of=as_of, parts=parts)
    people = staff_totals_of_boards(as_of=as_of, parts=parts)
    costs = computed_costs_of_boards(as_of=as_of, parts=parts)
    exams: dict[str, list[list[dict[str, Any]]]] = {}
    for key, exam in EXAMS:
        year = years[key]  # None: no year with results, so no mean and no gap
        exams[key] = (
            [[] for _part in parts] if year is None else exam_comparison_of_boards(year=year, exam=exam, parts=parts)
        )
    rows = []
    for index in range(len(parts)):
        figures: dict[str, Any] = {
            "learners": registry[index]["learners_total"],
            "groups": registry[index]["groups_total"],
            "free_places": registry[index]["free_places_total"],
            "pedagogues": people[index]["pedagogues_total"],
            "vacancies_fte": people[index]["vacancies_fte_total"],
        }
        for key, kind in COST_KINDS:
            figures[key] = costs[index][kind]["computed"]
        for key, _exam in EXAMS:
            figures[f"{key}_mean"], figures[f"{key}_gap"] = _exam_figures(exams[key][index])
        rows.append(figures)
    return rows


def _survey_columns(survey: str, rate: dict[str, Any]) -> dict[str, Any]:
    """A row's survey columns: the survey's code and its `response_rate` (or the boards' together)."""
    return {
        "survey": survey,
        "survey_responses": rate["responses"],
        "survey_population": rate["population"],
        "survey_response_rate": rate["percent"],
    }


def national_comparison(as_of: date, *, board_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """One row per board (in the order of their codes) and a total row, as of `as_of`; `board_ids` narrows to
    some boards (a board's role: those it works for), and the total is then theirs, not the deployment's.

    Each row: `code`, `name` (in the active language), `is_total`, the exam years compared (`ce_basic_year`,
    `ce_secondary_year`, the same in every row) and the figures `learners`, `groups`, `free_places`, `pedagogues`
    (counts: None when 1 to 4), `vacancies_fte`, `cost_general`, `cost_preschool_day` (EUR a learner a month),
    `ce_basic_mean`, `ce_basic_gap`, `ce_secondary_mean`, `ce_secondary_gap` (%, points; None without data),
    `survey` (the board's survey's code), `survey_responses`, `survey_population` (counts),
    `survey_response_rate` (%; None without a survey or under five responses).
    Empty when there is no board to compare. Queries: a fixed number per board, none per institution."""
    every = list(Board.objects.visible_to(WHOLE_CITY).order_by("code"))
    boards = every if board_ids is None else [board for board in every if board.pk in set(board_ids)]
    if not boards:
        return []
    institutions: dict[int, set[int]] = defaultdict(set)
    for pk, board_id in Institution.objects.visible_to(WHOLE_CITY).boards_own().values_list("pk", "board_id"):
        institutions[board_id].add(pk)
    years = compared_exam_years(as_of=as_of)
    # Every board's figures and their total's, each area's read once for all (not once a board).
    figures = _parts_figures(
        as_of=as_of, parts=[[board.pk] for board in boards] + [[b.pk for b in boards]], years=years
    )
    year_keys = {f"{key}_year": years[key] for key, _exam in EXAMS}
    language = current_language()
    rows = []
    rates = []
    surveys = board_surveys(boards=boards, as_of=as_of)
    for board, board_figures in zip(boards, figures[:-1], strict=True):
        viewer = Narrowed(WHOLE_CITY, institutions[board.pk], board_id=board.pk)
        survey = surveys[board.pk]
        rates.append(response_rate(survey=survey, visible_to=viewer) if survey else combined_response_rate([]))
        rows.append(
            {
                "code": board.code,
                "name": board.names(language)["board"],
                "is_total": False,
                **year_keys,
                **board_figures,
                **_survey_columns(survey.code if survey else "", rates[-1]),
            }
        )
    rows.append(
        {
            "code": "",
            "name": gettext("Total"),
            "is_total": True,
            **year_keys,
            **figures[-1],
            **_survey_columns("", combined_response_rate(rates)),
        }
    )
    return [dict(withheld(row)) for row in rows]

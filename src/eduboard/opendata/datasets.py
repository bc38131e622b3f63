"""The open datasets of one board, each computed by the selectors of the area that owns its figures (one definition
of each figure: docs/figures.md) and read as the board's whole-city viewer; small counts of people withheld
(`opendata.suppression`). Nothing here filters a rule's fields itself: who is enrolled, open or a pedagogue on a day
is the owner's queryset method or selector. docs/opendata.md says what each dataset holds."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from eduboard.centre.models import Module
from eduboard.centre.selectors import innovation_figures
from eduboard.core.exports import csv_safe
from eduboard.core.numbers import fte
from eduboard.core.scope import WHOLE_CITY, Viewer
from eduboard.finance.choices import CostKind
from eduboard.finance.selectors import cost_per_learner_by_institution
from eduboard.opendata.choices import DatasetCode
from eduboard.opendata.suppression import is_small, suppress
from eduboard.people.selectors import staff_fte_by_institution
from eduboard.quality.selectors import exam_result_list, exam_years
from eduboard.registry.boards import Board
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.models import Group, Institution
from eduboard.registry.selectors import (
    LEVELS,
    GroupFigures,
    Several,
    counted_learners,
    enrolled_in_several,
    group_figures,
    groups_with_places,
    institution_names,
    reporting_day,
    reporting_school_year,
)

#: The licence of every dataset (DCAT-AP `dct:license`).
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: The column that says a row has withheld cells.
SUPPRESSED = "suppressed"
#: Months of the innovation centre's visits in its dataset (up to the month of the day asked).
VISIT_MONTHS = 12


@dataclass(frozen=True)
class Dataset:
    """One dataset of one board: its columns, rows (column -> value; None where withheld or missing) and period."""

    code: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    period_start: date
    period_end: date


def _order(names: dict[str, str]) -> Callable[[str], int]:
    """A registration number's place in the registry's name order (`institution_names`), unknown ones last."""
    place = {number: index for index, number in enumerate(names)}
    return lambda number: place.get(number, len(place))


def _withheld(row: dict[str, Any], columns: Iterable[str]) -> None:
    for column in columns:
        row[column] = None
    row[SUPPRESSED] = True


# --- institutions


def institutions_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """The institutions open on the reporting day of `as_of` (`InstitutionQuerySet.active_on`): registration number,
    name, type, founder and address. Institutions only: no person is named."""
    day = reporting_day(as_of=as_of)
    institutions = Institution.objects.visible_to(visible_to).active_on(day).order_by("sort_name", "pk")
    rows = [
        {"registration_number": number, "name": name, "type": kind, "founder": founder, "address": address}
        for number, name, kind, founder, address in institutions.values_list(
            "registration_number", "name", "type", "founder", "address"
        )
    ]
    return Dataset(
        DatasetCode.INSTITUTIONS, ("registration_number", "name", "type", "founder", "address"), rows, day, day
    )


# --- learners


LearnerCell = tuple[str, str, int | None, str]  # registration number, level, grade, language of instruction


def _group_languages(*, as_of: date, visible_to: Viewer) -> dict[int, str]:
    """Group id -> its programme's language of instruction, for the groups of the reporting year."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return {}
    groups = Group.objects.visible_to(visible_to).filter(school_year=year)
    return dict(groups.values_list("pk", "programme__language"))


def _learner_cells(
    *, as_of: date, visible_to: Viewer, groups: list[GroupFigures], languages: dict[int, str]
) -> dict[LearnerCell, int]:
    """Learners per cell: `registry.selectors.counted_learners` over the cell's groups, each learner counted once
    in a cell however many of its groups they are in (`enrolled_in_several`). Interest education apart."""
    in_cell: dict[LearnerCell, list[GroupFigures]] = defaultdict(list)
    cell_of: dict[int, LearnerCell] = {}
    for group in groups:
        if group.level == ProgrammeLevel.INTEREST:
            continue
        cell = (group.registration_number, group.level, group.grade, languages.get(group.pk, ""))
        in_cell[cell].append(group)
        cell_of[group.pk] = cell
    several_in: dict[LearnerCell, list[Several]] = defaultdict(list)
    for is_other, learner_groups in enrolled_in_several(as_of=as_of, visible_to=visible_to, groups=groups):
        by_cell: dict[LearnerCell, list[GroupFigures]] = defaultdict(list)
        for group in learner_groups:
            if group.pk in cell_of:
                by_cell[cell_of[group.pk]].append(group)
        for cell, cell_groups in by_cell.items():
            several_in[cell].append((is_other, cell_groups))
    return {cell: counted_learners(members, several_in[cell]).total for cell, members in in_cell.items()}


def _learner_groupings() -> list[Callable[[LearnerCell], Hashable]]:
    """The totals published of the learners' cells: an institution's, an institution's level's, a grade's over the
    institutions (the board's reports), and a language's over the institutions."""
    return [
        lambda cell: cell[0],
        lambda cell: (cell[0], cell[1]),
        lambda cell: (cell[1], cell[2]),
        lambda cell: cell[3],
    ]


def learners_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """Learners on the reporting day of `as_of` by institution, level, grade and language of instruction
    (`registry.selectors.group_figures` and the registry's rule of counting learners); counts of 1–4 withheld with
    complementary suppression over the published totals (`_learner_groupings`)."""
    day = reporting_day(as_of=as_of)
    groups = group_figures(as_of=as_of, visible_to=visible_to, others=False)
    cells = _learner_cells(
        as_of=as_of,
        visible_to=visible_to,
        groups=groups,
        languages=_group_languages(as_of=as_of, visible_to=visible_to),
    )
    hidden = suppress(cells, groupings=_learner_groupings()).cells
    names = institution_names(visible_to=visible_to, registration_numbers={cell[0] for cell in cells})
    place = _order(names)
    rows = []
    for cell in sorted(cells, key=lambda c: (place(c[0]), c[0], LEVELS.index(c[1]), c[2] or 0, c[3])):
        number, level, grade, language = cell
        row = {
            "registration_number": number,
            "institution": names.get(number, ""),
            "level": level,
            "grade": grade,
            "language": language,
            "learners": cells[cell],
            SUPPRESSED: False,
        }
        if cell in hidden:
            _withheld(row, ["learners"])
        rows.append(row)
    columns = ("registration_number", "institution", "level", "grade", "language", "learners", SUPPRESSED)
    return Dataset(DatasetCode.LEARNERS, columns, rows, day, day)


# --- groups and free places


def groups_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """The groups of the reporting year with their capacity, learners and free places on the reporting day
    (`registry.selectors.groups_with_places`). A group's learners and free places are withheld when it has 1–4
    learners, when the learners' cell it falls in is withheld in `learners`, and as complements over the totals
    published (the learners' cell, the institution's level, the institution)."""
    day = reporting_day(as_of=as_of)
    groups = groups_with_places(as_of=as_of, visible_to=visible_to)
    languages = {group.pk: group.programme.language for group in groups}
    cells = _learner_cells(
        as_of=as_of,
        visible_to=visible_to,
        groups=group_figures(as_of=as_of, visible_to=visible_to, others=False),
        languages=languages,
    )
    hidden_cells = suppress(cells, groupings=_learner_groupings()).cells

    def cell_of(group: Group) -> LearnerCell:
        return (group.institution.registration_number, group.programme.level, group.grade, languages[group.pk])

    by_pk = {group.pk: group for group in groups}
    counts = {group.pk: int(group.enrolled) for group in groups}  # type: ignore[attr-defined]
    forced = [pk for pk, group in by_pk.items() if cell_of(group) in hidden_cells]
    hidden = suppress(
        counts,
        groupings=[
            lambda pk: cell_of(by_pk[pk]),
            lambda pk: (by_pk[pk].institution.registration_number, by_pk[pk].programme.level),
            lambda pk: by_pk[pk].institution.registration_number,
        ],
        forced=forced,
    ).cells
    rows = []
    for group in groups:
        row = {
            "registration_number": group.institution.registration_number,
            "institution": group.institution.name,
            "group": group.name,
            "level": group.programme.level,
            "grade": group.grade,
            "language": languages[group.pk],
            "capacity": group.capacity,
            "learners": counts[group.pk],
            "free_places": group.free if group.capacity is not None else None,  # type: ignore[attr-defined]
            SUPPRESSED: False,
        }
        if group.pk in hidden:
            _withheld(row, ["learners", "free_places"])
        rows.append(row)
    columns = (
        "registration_number",
        "institution",
        "group",
        "level",
        "grade",
        "language",
        "capacity",
        "learners",
        "free_places",
        SUPPRESSED,
    )
    return Dataset(DatasetCode.GROUPS, columns, rows, day, day)


# --- staff and FTE


def staff_fte_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """Per institution on `as_of`: pedagogues and the FTE of their pedagogical rates, all staff and the FTE of all
    rates (`people.selectors.staff_fte_by_institution`). A count of 1–4 people is withheld with its FTE (a rate of
    few people is theirs), with complements over the city's totals."""
    sums = staff_fte_by_institution(as_of=as_of, visible_to=visible_to)
    cells: dict[tuple[str, str], int | None] = {}
    for number, figures in sums.items():
        cells[(number, "pedagogues")] = figures.get("pedagogues", 0)
        cells[(number, "staff")] = figures.get("staff", 0)
    hidden = suppress(cells, groupings=[lambda cell: cell[1]]).cells
    names = institution_names(visible_to=visible_to, registration_numbers=sums)
    place = _order(names)
    rows = []
    for number in sorted(sums, key=lambda n: (place(n), n)):
        figures = sums[number]
        row = {
            "registration_number": number,
            "institution": names.get(number, ""),
            "pedagogues": figures.get("pedagogues", 0),
            "pedagogues_fte": figures.get("pedagogues_fte", fte(0)),
            "staff": figures.get("staff", 0),
            "staff_fte": figures.get("staff_fte", fte(0)),
            SUPPRESSED: False,
        }
        for measure in ("pedagogues", "staff"):
            if (number, measure) in hidden:
                _withheld(row, [measure, f"{measure}_fte"])
        rows.append(row)
    columns = ("registration_number", "institution", "pedagogues", "pedagogues_fte", "staff", "staff_fte", SUPPRESSED)
    return Dataset(DatasetCode.STAFF_FTE, columns, rows, as_of, as_of)


# --- cost per learner


def cost_per_learner_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """Per institution and programme kind, the cost per learner per month computed from the data in the year of
    `as_of` up to that day (`finance.selectors.cost_per_learner_by_institution`: `cost_per_learner`'s rule for each
    institution alone) and its learner-months;
    learner-months of 1–4 are withheld with the cost, with complements over the institution's and the kind's."""
    year, day = as_of.year, reporting_day(as_of=as_of)
    start, until = date(year, 1, 1), min(as_of, date(year, 12, 31))
    institutions = Institution.objects.visible_to(visible_to).active_on(day).order_by("sort_name", "pk")
    costs = cost_per_learner_by_institution(as_of=as_of, visible_to=visible_to, year=year)
    rows: list[dict[str, Any]] = []
    for pk, number, name in institutions.values_list("pk", "registration_number", "name"):
        for kind in CostKind.values:
            figures = costs.get(pk, {}).get(kind)
            if not figures or not figures["learner_months"]:
                continue
            rows.append(
                {
                    "registration_number": number,
                    "institution": name,
                    "year": year,
                    "kind": kind,
                    "cost_per_learner_month": figures["computed"],
                    "learner_months": figures["learner_months"],
                    SUPPRESSED: False,
                }
            )
    cells = {(row["registration_number"], row["kind"]): row["learner_months"] for row in rows}
    hidden = suppress(cells, groupings=[lambda cell: cell[0], lambda cell: cell[1]]).cells
    for row in rows:
        if (row["registration_number"], row["kind"]) in hidden:
            _withheld(row, ["cost_per_learner_month", "learner_months"])
    columns = (
        "registration_number",
        "institution",
        "year",
        "kind",
        "cost_per_learner_month",
        "learner_months",
        SUPPRESSED,
    )
    return Dataset(DatasetCode.COST_PER_LEARNER, columns, rows, start, max(start, until))


# --- exam results


def exam_results_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """The latest year's exam results by institution and sitting (`quality.selectors.exam_result_list`): candidates,
    the institution's mean and the nation's. Where fewer than 5 sat, the candidates and the mean are withheld; the
    complement over each sitting's city total withholds another institution's candidates only (its result, of 5 or
    more, is published)."""
    years = [year for year in exam_years(visible_to=visible_to) if year <= as_of.year]
    year = years[0] if years else as_of.year
    results = (
        exam_result_list(visible_to=visible_to)
        .filter(sitting__year=year)
        .order_by("institution__sort_name", "sitting__exam", "sitting__level", "sitting__grade", "pk")
    )
    rows, cells, sitting_of = [], {}, {}
    for result in results:
        sitting = result.sitting
        national = result.national_mean_percent
        rows.append(
            {
                "registration_number": result.institution.registration_number,
                "institution": result.institution.name,
                "year": year,
                "exam": sitting.exam,
                "subject": str(sitting.subject),
                "level": sitting.level,
                "grade": sitting.grade,
                "candidates": result.candidates,
                "mean_percent": result.mean_percent,
                "national_mean_percent": national if national is not None else sitting.national_mean_percent,
                SUPPRESSED: False,
            }
        )
        cells[result.pk] = result.candidates
        sitting_of[result.pk] = result.sitting_id
    hidden = suppress(cells, groupings=[lambda pk: sitting_of[pk]]).cells
    for row, pk in zip(rows, cells, strict=True):
        if is_small(cells[pk]):  # fewer than 5 sat: their result is not published
            _withheld(row, ["candidates", "mean_percent"])
        elif pk in hidden:  # the complement: its count only, so the sitting's total keeps the small one hidden
            _withheld(row, ["candidates"])
    columns = (
        "registration_number",
        "institution",
        "year",
        "exam",
        "subject",
        "level",
        "grade",
        "candidates",
        "mean_percent",
        "national_mean_percent",
        SUPPRESSED,
    )
    return Dataset(DatasetCode.EXAM_RESULTS, columns, rows, date(year, 1, 1), date(year, 12, 31))


# --- the innovation centre's visits


def _month_starts(as_of: date, months: int) -> list[date]:
    first = as_of.replace(day=1)
    starts = [first]
    while len(starts) < months:
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    return starts[::-1]


def centre_visits_dataset(*, as_of: date, visible_to: Viewer) -> Dataset:
    """The innovation centre's visits (a class's booked visit, walk-in visitors or an event: a visit, not a person)
    by month and module over the 12 months up to `as_of` (`centre.selectors.innovation_figures` of each month)."""
    starts = _month_starts(as_of, VISIT_MONTHS)
    modules = dict(Module.objects.visible_to(WHOLE_CITY).values_list("code", "name_lv"))
    rows = []
    for start in starts:
        end = min((start + timedelta(days=32)).replace(day=1) - timedelta(days=1), as_of)
        figures = innovation_figures(date_from=start, date_to=end, visible_to=visible_to)
        for code, visits in figures["visits_by_module"].items():
            rows.append(
                {
                    "month": start.strftime("%Y-%m"),
                    "module": code,
                    "module_name": modules.get(code, ""),
                    "visits": visits,
                }
            )
        rows.append({"month": start.strftime("%Y-%m"), "module": "", "module_name": "", "visits": figures["visits"]})
    return Dataset(DatasetCode.CENTRE_VISITS, ("month", "module", "module_name", "visits"), rows, starts[0], as_of)


BUILDERS: dict[str, Callable[..., Dataset]] = {
    DatasetCode.INSTITUTIONS: institutions_dataset,
    DatasetCode.LEARNERS: learners_dataset,
    DatasetCode.GROUPS: groups_dataset,
    DatasetCode.STAFF_FTE: staff_fte_dataset,
    DatasetCode.COST_PER_LEARNER: cost_per_learner_dataset,
    DatasetCode.EXAM_RESULTS: exam_results_dataset,
    DatasetCode.CENTRE_VISITS: centre_visits_dataset,
}


# --- files


def _text(value: Any) -> str:
    """A value as a CSV cell writes it: nothing for None, true/false, numbers as written (Decimals exactly)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_value(value: Any) -> Any:
    """Decimals as strings (exact, never a float), everything else as it is."""
    return str(value) if isinstance(value, Decimal) else value


def csv_text(dataset: Dataset) -> str:
    """The dataset as CSV (UTF-8, a header row); text that looks like a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dataset.columns)
    for row in dataset.rows:
        writer.writerow([csv_safe(_text(row.get(column))) for column in dataset.columns])
    return out.getvalue()


def json_text(dataset: Dataset, *, board: Board) -> str:
    """The dataset as JSON: its code, board, period and licence, its columns and its rows (objects)."""
    document = {
        "dataset": dataset.code,
        "board": board.code,
        "publisher": board.name,
        "period": {"start": dataset.period_start.isoformat(), "end": dataset.period_end.isoformat()},
        "license": LICENCE,
        "columns": list(dataset.columns),
        "rows": [{column: _json_value(row.get(column)) for column in dataset.columns} for row in dataset.rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)

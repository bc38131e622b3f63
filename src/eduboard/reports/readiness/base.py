"""The readiness report's building blocks: the permissions blocks declare, the areas' dates, the build context
(every selector run at most once and shared) and the helpers that make figures, tables and headings (every
section module of the package builds on them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.utils.translation import gettext_lazy as _

from eduboard.assets.selectors import assets_by_project, assets_stats
from eduboard.core.latvian import sort_key
from eduboard.core.scope import Viewer, scoped
from eduboard.finance import selectors as finance_selectors
from eduboard.people.selectors import GENERAL_SCHOOL_TYPES, staff_count_at, staff_figures
from eduboard.projects.selectors import report_projects
from eduboard.registry.board_scope import boards_own_viewer, state_founded_viewer
from eduboard.registry.boards import Board, board_for
from eduboard.registry.choices import InstitutionType, ProgrammeLevel
from eduboard.registry.models import Institution, Programme
from eduboard.registry.selectors import (
    ClosedInstitution,
    GroupFigures,
    closed_before,
    group_figures,
    registry_figures,
    registry_stats,
    reporting_day,
)
from eduboard.reports.content import D, L, T, Text, number

Computed = TypeVar("Computed")

Block = dict[str, Any]
Progress = Callable[[int, int, str], None]

GENERAL_TYPES = sorted(GENERAL_SCHOOL_TYPES)
SCHOOL_LEVELS = (ProgrammeLevel.BASIC.value, ProgrammeLevel.SECONDARY.value)

# The permission a reader needs for each kind of block (`has_perm`, answered by the roles in accounts.roles).
READ_REPORT = "reports.view_reportedition"  # the board's own text: everyone who may read the report
LEARNERS = "registry.view_learner"  # institutions, groups, learners, places, the queue, programmes
STAFF = "people.view_staffmember"
VACANCIES = "people.view_vacancy"
MONEY = "finance.view_allocation"  # allocations and their use, costs per learner, meal compensation
SETTLEMENTS = "finance.view_settlementline"  # money paid to and received from other municipalities
OBSERVATIONS = "quality.view_observation"
EXAM_RESULTS = "quality.view_examresult"
ASSETS = "assets.view_asset"  # devices, their loans, licences and rooms
PROJECTS = "projects.view_project"  # projects, their grants, mobilities and partners
HEADS = "quality.view_headevaluation"
SURVEYS = "surveys.view_survey"
PREVENTION = "prevention.view_absence"  # learners' absences, term results and support plans (counts only)
CENTRE = "innovation.view_visit"  # the innovation centre's visits and bookings
REPORT_PERMISSIONS = frozenset(
    {READ_REPORT, LEARNERS, STAFF, VACANCIES, MONEY, SETTLEMENTS, OBSERVATIONS, EXAM_RESULTS, ASSETS, PROJECTS, HEADS}
)
#: The areas whose figures may be read on a date of their own, as seed 002 does: its preschool children are "uz
#: 20.08.2024.", its general schools' pupils and all vacancies "uz 19.08.2024.", its money "uz 14.08.2024.". An area
#: without a date of its own is read on the report's date (money: on the last day something was spent up to it).
DATE_AREAS: dict[str, Any] = {
    "general": _("Pupils of general education"),
    "staff": _("Staff and vacancies"),
    "money": _("Allocations and their use"),
}
#: Erasmus+ funding is counted from the programme's start (seed 002: "no programmas darbības sākuma 2014.gadā").
ERASMUS_SINCE = date(2014, 1, 1)


@dataclass
class BuildContext:
    """What the sections are built from: the date, the scope and each selector's result, computed once.

    The figures are the board's own (`boards_figures`): every selector is given `visible_to`, the reader narrowed to
    the board's own institutions (`registry.board_scope.boards_own_viewer`, the one rule), so a state-founded
    institution in the registry counts in no figure; `state_founded` and `state_groups` list those apart, read
    through `state_founded_viewer`. `reader` is who asked: the board named in the header, and the scope of the
    figures seed 002 labels as the city's, which also hold rows of no institution (the board's own projects, the
    board's events, a collective of a culture house): "the city's projects" (`projects`), the festival's
    "collectives of the city" (`festivals`) and the events calendar (`events`)."""

    as_of: date
    visible_to: Viewer
    #: An area's own date (DATE_AREAS), where it differs from `as_of`.
    dates: dict[str, date] = field(default_factory=dict)
    #: Whether `registry` holds the residents learning elsewhere (read from other boards' enrolments: the
    #: dashboard, which does not show them, leaves them out and is renewed by its own boards' writes only).
    residents: bool = True
    #: Whether the figures are the board's (the report, a board's dashboard), read from its own institutions only;
    #: else (an institution's dashboard) they are the reader's institutions', whoever founded them.
    boards_figures: bool = True
    _cache: dict[str, Any] = field(default_factory=dict)
    reader: Viewer = field(init=False)

    def __post_init__(self) -> None:
        self.reader = self.visible_to
        if self.boards_figures:
            self.visible_to = boards_own_viewer(self.visible_to)

    def on(self, area: str) -> date:
        """The date `area`'s figures are read on."""
        if area == "money":
            return self.money_as_of
        return self.dates.get(area, self.as_of)

    def _once(self, key: str, compute: Callable[[], Computed]) -> Computed:
        """`compute()` the first time `key` is asked for; its value after."""
        if key not in self._cache:
            self._cache[key] = compute()
        return cast(Computed, self._cache[key])

    @property
    def registry(self) -> dict[str, Any]:
        return self._once(
            # The groups already read for the report's own tables: the enrolments are scanned once, not twice.
            "registry",
            lambda: (registry_stats if self.residents else registry_figures)(
                as_of=self.as_of, visible_to=self.visible_to, groups=self.groups
            ),
        )

    @property
    def people(self) -> dict[str, Any]:
        return self._once("people", lambda: staff_figures(as_of=self.on("staff"), visible_to=self.visible_to))

    @property
    def general_registry(self) -> dict[str, Any]:
        """`registry` on the general section's own date (read again only when that date differs)."""
        day = self.on("general")
        if day == self.as_of:
            return self.registry
        return self._once("general_registry", lambda: registry_stats(as_of=day, visible_to=self.visible_to))

    @property
    def groups(self) -> list[GroupFigures]:
        return self._once("groups", lambda: group_figures(as_of=self.as_of, visible_to=self.visible_to))

    @property
    def allocations(self) -> list[finance_selectors.AllocationUse]:
        """The year's allocations and their use (not the whole `finance_stats`: the report has its own
        settlement tables, for its own period)."""
        return self._once(
            "allocations",
            # Spending up to the report's date is the spending up to its last day: no need to look that day up.
            lambda: finance_selectors.allocation_utilisation(
                as_of=self.dates.get("money", self.as_of), visible_to=self.visible_to, year=self.as_of.year
            ),
        )

    @property
    def assets(self) -> dict[str, Any]:
        return self._once("assets", lambda: assets_stats(as_of=self.as_of, visible_to=self.visible_to))

    @property
    def projects(self) -> dict[str, Any]:
        return self._once(
            "projects",
            lambda: report_projects(as_of=self.as_of, visible_to=self.reader, since=ERASMUS_SINCE),
        )

    @property
    def assets_by_project(self) -> list[dict[str, Any]]:
        return self._once("assets_by_project", lambda: assets_by_project(as_of=self.as_of, visible_to=self.visible_to))

    @property
    def cost_per_learner(self) -> dict[str, Any]:
        return self._once(
            "cost_per_learner",
            lambda: finance_selectors.cost_per_learner(as_of=self.as_of, visible_to=self.visible_to),
        )

    @property
    def board(self) -> Board:
        """The board the report is written for (`boards.board_for`): its names, rules and thresholds."""
        found: Board = self._once("board", lambda: board_for(self.reader))
        return found

    @property
    def meal_rules(self) -> list[dict[str, Any]]:
        """The board's meal compensation rules in force on the date, in rank order (one query)."""
        return self._once(
            "meal_rules", lambda: finance_selectors.meal_rules_in_force(as_of=self.as_of, board=self.board)
        )

    @property
    def catering(self) -> dict[str, dict[str, Any]]:
        """The catering procurement of the preschools and of the general schools on the date (one query)."""
        return self._once("catering", lambda: finance_selectors.catering_in_force(as_of=self.as_of, board=self.board))

    @property
    def institutions(self) -> dict[str, tuple[str, str]]:
        """Registration number -> (name, type) of every institution the figures name (one query)."""

        def load() -> dict[str, tuple[str, str]]:
            numbers = {group.registration_number for group in self.groups}
            numbers |= set(self.registry["special_programmes_by_institution"])
            numbers |= set(self.people["vacancies"])
            rows = Institution.objects.filter(registration_number__in=numbers).values_list(
                "registration_number", "name", "type"
            )
            return {reg: (name, kind) for reg, name, kind in rows}

        return self._once("institutions", load)

    @property
    def programmes(self) -> dict[str, tuple[str, str, str]]:
        """Programme code -> (name, level, special-needs category) of the special programmes (one query)."""

        def load() -> dict[str, tuple[str, str, str]]:
            codes = {code for codes in self.registry["special_programmes_by_institution"].values() for code in codes}
            rows = Programme.objects.filter(code__in=codes).values_list("code", "name", "level", "special_needs")
            return {code: (name, level, needs) for code, name, level, needs in rows}

        return self._once("programmes", load)

    def name(self, registration_number: str) -> str:
        return self.institutions.get(registration_number, (registration_number, ""))[0]

    @property
    def school_year_start(self) -> date:
        """1 September of the report's school year (the date a vacancy "to be filled by" is read against)."""
        code = self.registry["school_year"] or f"{self.as_of.year}/{self.as_of.year + 1}"
        return date(int(code[:4]), 9, 1)

    @property
    def municipal_by_type(self) -> dict[str, int]:
        """The board's own institutions (`Institution.objects.boards_own`: founded by the municipality), working on
        the date, by type (one query): seed 002 counts the municipal arts education competence centre, not a state
        vocational school."""
        return self.boards_own_by_type(self.as_of)

    def boards_own_by_type(self, day: date) -> dict[str, int]:
        """`municipal_by_type` on `day` (an area's own date; one query per date)."""
        from eduboard.registry.selectors import institutions_by_type

        return self._once(
            f"boards_own_by_type:{day.isoformat()}",
            lambda: institutions_by_type(as_of=day, visible_to=self.visible_to, boards_own=True),
        )

    @property
    def state_founded(self) -> list[tuple[str, str, str]]:
        """(registration number, name, type) of the state-founded institutions in the reader's scope working on the
        report's reporting day (`Institution.objects.state_founded`, one query), in Latvian order: they are in the
        registry but are not the board's, so the report lists them apart and counts none of them."""

        def load() -> list[tuple[str, str, str]]:
            founded = Institution.objects.state_founded().active_on(reporting_day(as_of=self.as_of))
            rows = scoped(founded, self.reader).values_list("registration_number", "name", "type")
            return sorted(rows, key=lambda row: sort_key(row[1]))

        return self._once("state_founded", load)

    @property
    def state_groups(self) -> list[GroupFigures]:
        """The groups of the state-founded institutions in the reader's scope (`group_figures` read through
        `state_founded_viewer`): what the list of them apart shows."""
        return self._once(
            "state_groups",
            lambda: group_figures(as_of=self.as_of, visible_to=state_founded_viewer(self.reader)),
        )

    @property
    def closed(self) -> list[ClosedInstitution]:
        """Institutions closed in the year up to the start of the report's school year (one query)."""
        return self._once("closed", lambda: closed_before(day=self.school_year_start, visible_to=self.visible_to))

    @property
    def interest(self) -> dict[str, int]:
        """Interest education's figures (`interest.selectors.interest_figures`, five queries)."""
        from eduboard.interest.selectors import interest_figures

        return self._once("interest", lambda: interest_figures(as_of=self.as_of, visible_to=self.visible_to))

    @property
    def centre_organisers(self) -> int:
        """Staff employed at the innovation centre on the staff's date (one query)."""
        return self._once(
            "centre_organisers",
            lambda: staff_count_at(
                kind=InstitutionType.INNOVATION_CENTRE, as_of=self.on("staff"), visible_to=self.visible_to
            ),
        )

    @property
    def money_as_of(self) -> date:
        """The money's own date when the report has one, else the day of the last spending entered up to the
        report's date (one query): seed 002 writes its money "uz 14.08.2024." while its pupils are "uz 19.08.2024.";
        the report's date when nothing was spent."""
        if "money" in self.dates:
            return self.dates["money"]
        return self._once(
            "money_as_of",
            lambda: finance_selectors.last_spending_day(up_to=self.as_of, visible_to=self.visible_to) or self.as_of,
        )

    @property
    def festivals(self) -> list[dict[str, Any]]:
        """The festivals of the report's school year's closing year (seed 002: the song and dance festival of July
        2025 in the report on 2024/2025) with the city's collectives (`interest.selectors.festival_figures`, one
        query)."""
        from eduboard.interest.selectors import festival_figures

        year = int(self.registry["school_year"][5:9]) if self.registry["school_year"] else self.as_of.year
        return self._once("festivals", lambda: festival_figures(year=year, visible_to=self.reader))

    @property
    def subject_names(self) -> dict[str, dict[str, str]]:
        """Every subject's names in each language, by its Latvian name (`quality.subjects.subject_names`, one
        query): what the subjects the areas write as text are shown in each language by."""
        from eduboard.quality.subjects import subject_names

        return self._once("subject_names", subject_names)

    def subject_text(self, text: str) -> Text:
        """A subject an area writes as text (a vacancy's "ķīmija", an exam's "Matemātika") in each language: the
        names of the subject it names (`quality.subjects.subject_in_languages`), the text as written where none."""
        from eduboard.quality.subjects import subject_in_languages

        return L(subject_in_languages(text, self.subject_names))


# --- small builders of blocks


def needs(permission: str, *blocks: Block) -> list[Block]:
    """`blocks` declaring that their reader needs `permission` (where they differ from their section's)."""
    for block in blocks:
        block["permission"] = permission
    return list(blocks)


def declared(blocks: list[Block], permission: str) -> list[Block]:
    """`blocks`, each one that declares no permission of its own now needing `permission`."""
    for block in blocks:
        block.setdefault("permission", permission)
    return blocks


def heading(text: Text, level: int = 2) -> Block:
    return {"type": "heading", "text": text, "level": level}


def figure(key: str, label: Text, value: Any, unit: str = "", before: Any = None) -> dict[str, Any]:
    """A figure; one whose key ends in `_change` is a difference and is shown with its sign."""
    shown = value if isinstance(value, str | dict) else number(value)  # a dict: a date or a text
    item = {"key": key, "label": label, "value": shown, "unit": unit}
    if key.endswith("_change"):
        item["signed"] = True
    if before is not None:
        item["before"] = number(before) if not isinstance(before, str) else before
    return item


def figure_and_change(key: str, label: Text, change_label: Text, now: int, before: int) -> list[dict[str, Any]]:
    """A figure with its value a year before, and the change against it as a figure of its own (`<key>_change`)."""
    return [figure(key, label, now, before=before), figure(f"{key}_change", change_label, now - before)]


def figures(*items: dict[str, Any]) -> Block:
    return {"type": "figures", "items": list(items)}


def table(
    key: str,
    title: Text,
    columns: list[Text],
    rows: list[list[Any]],
    *,
    units: list[str] | None = None,
    total: list[Any] | None = None,
    chart: list[int] | None = None,
    own_places: frozenset[int] = frozenset(),
    empty: Text | None = None,
) -> Block:
    """A table block. Its percentages and percentage points are written with one number of decimals, the most
    any of them needs (62,0 % beside 48,4 %), except in the columns of `own_places`, whose label says how they are
    rounded ("in whole percent"). `empty`: the sentence said instead of a table without rows (else it is left out
    of the document)."""
    units = units or [""] * len(columns)
    cells = [[_cell(value) for value in row] for row in rows]
    total_cells = [_cell(value) for value in total] if total is not None else None
    percent_columns = [index for index, unit in enumerate(units) if unit in PERCENT_UNITS and index not in own_places]
    _same_places([*cells, *([total_cells] if total_cells else [])], percent_columns)
    block: Block = {
        "type": "table",
        "key": key,
        "title": title,
        "columns": columns,
        "units": units,
        "rows": cells,
    }
    if total_cells is not None:
        block["total"] = total_cells
    if empty is not None:
        block["empty"] = empty
    if chart:
        block["chart"] = {"series": chart}
    return block


PERCENT_UNITS = ("%", "pp")


def _places(text: str) -> int:
    return max(-int(Decimal(text).as_tuple().exponent), 0)


def _same_places(rows: list[list[Any]], columns: list[int]) -> None:
    """Write the numbers of `columns` (in place) with the most decimals any of them has."""
    numbers = [row[index] for row in rows for index in columns if index < len(row) and isinstance(row[index], str)]
    decimals = [text for text in numbers if _is_decimal(text)]
    if not decimals:
        return
    places = max(_places(text) for text in decimals)
    step = Decimal(1).scaleb(-places)
    for row in rows:
        for index in columns:
            if index < len(row) and isinstance(row[index], str | int) and _is_decimal(str(row[index])):
                row[index] = str(Decimal(str(row[index])).quantize(step))


def _is_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


def _cell(value: Any) -> Any:
    return value if isinstance(value, str | dict) or value is None else number(value)


def day(value: date) -> dict[str, str]:
    """A date, written when rendered as the language writes it: 20.08.2024. in Latvian."""
    return D(value)


def period(start: date, end: date) -> dict[str, dict[str, str]]:
    """The `from` and `to` arguments of a text about a period."""
    return {"from": day(start), "to": day(end)}


def narrative(slot: str, label: Text) -> Block:
    return {"type": "narrative", "slot": slot, "label": label}


def level_label(level: str) -> Text:
    return T(ProgrammeLevel(level).label)


def type_label(kind: str) -> Text:
    return T(InstitutionType(kind).label) if kind in InstitutionType.values else kind

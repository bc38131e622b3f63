"""The readiness report (seed 002, "gatavība mācību gadam"): a list of sections, each built from selectors.

Each section is one function of a `BuildContext`, which runs every area's selector at most once and
shares the result, so the number of queries of the whole report is fixed (it does not grow with the
number of institutions). A section returns blocks (see `reports.content`); figures are never typed here,
they are read from the selectors' results.

Every block declares the permission its reader needs (`permission`): a section declares one for its
blocks, and the blocks of another area inside it (staff, money, settlements) declare their own with
`needs`. `reports.selectors.content_for_reader` leaves out what a reader's role does not include.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.assets.models import AssetKind
from eduboard.assets.selectors import assets_by_project, assets_stats
from eduboard.core.figures_cache import cached_figures
from eduboard.core.latvian import sort_key
from eduboard.core.numbers import money, percent
from eduboard.core.scope import Viewer, scoped, sees_whole_city
from eduboard.finance import selectors as finance_selectors
from eduboard.finance.choices import CostKind, Purpose
from eduboard.people.selectors import GENERAL_SCHOOL_TYPES, staff_count_at, staff_figures
from eduboard.prevention.choices import RuleCode
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.prevention.selectors import prevention_figures
from eduboard.projects.selectors import report_projects
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.choices import PRESCHOOL_GRADUATES_GRADE, ExamLevel, QualityLevel
from eduboard.registry.choices import Founder, InstitutionType, ProgrammeLevel, SpecialNeeds
from eduboard.registry.models import Institution, Programme
from eduboard.registry.selectors import GroupFigures, closed_before, group_figures, registry_stats, reporting_day
from eduboard.reports import sentences
from eduboard.reports.content import NP, D, P, T, Text, number
from eduboard.surveys.choices import ANSWER_LABELS, Audience
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS, survey_figures

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
    """What the sections are built from: the date, the scope and each selector's result, computed once."""

    as_of: date
    visible_to: Viewer
    #: An area's own date (DATE_AREAS), where it differs from `as_of`.
    dates: dict[str, date] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    def on(self, area: str) -> date:
        """The date `area`'s figures are read on."""
        if area == "money":
            return self.money_as_of
        return self.dates.get(area, self.as_of)

    def _once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def registry(self) -> dict[str, Any]:
        return self._once(
            # The groups already read for the report's own tables: the enrolments are scanned once, not twice.
            "registry",
            lambda: registry_stats(as_of=self.as_of, visible_to=self.visible_to, groups=self.groups),
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
            lambda: report_projects(as_of=self.as_of, visible_to=self.visible_to, since=ERASMUS_SINCE),
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
    def meal_rules(self) -> list[dict[str, Any]]:
        """Meal compensation rules in force on the date, in rank order (one query)."""
        return self._once("meal_rules", lambda: finance_selectors.meal_rules_in_force(as_of=self.as_of))

    @property
    def catering(self) -> dict[str, dict[str, Any]]:
        """The catering procurement of the preschools and of the general schools on the date (one query)."""
        return self._once("catering", lambda: finance_selectors.catering_in_force(as_of=self.as_of))

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
            rows = scoped(founded, self.visible_to).values_list("registration_number", "name", "type")
            return sorted(rows, key=lambda row: sort_key(row[1]))

        return self._once("state_founded", load)

    def is_state_founded(self, registration_number: str) -> bool:
        return registration_number in self.state_founded_numbers

    @property
    def state_founded_numbers(self) -> set[str]:
        """Registration numbers of every state-founded institution (one query, whatever the scope: it only tells
        the board's own institutions from the others)."""
        return self._once(
            "state_founded_numbers",
            lambda: set(Institution.objects.state_founded().values_list("registration_number", flat=True)),
        )

    @property
    def closed(self) -> list[tuple[str, str, str]]:
        """Institutions closed in the year up to the start of the report's school year (one query)."""
        return self._once("closed", lambda: closed_before(day=self.school_year_start, visible_to=self.visible_to))

    @property
    def interest(self) -> dict[str, int]:
        """Interest education's figures (`registry.interest.interest_figures`, five queries)."""
        from eduboard.registry.interest import interest_figures

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


# --- small builders of blocks


def needs(permission: str, *blocks: Block) -> list[Block]:
    """`blocks` declaring that their reader needs `permission` (where they differ from their section's)."""
    for block in blocks:
        block["permission"] = permission
    return list(blocks)


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
    return max(-int(Decimal(text).as_tuple().exponent), 0)  # type: ignore[arg-type]


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


# --- sections


def _groups_by_institution(ctx: BuildContext, level: str) -> dict[str, dict[str, int]]:
    """Per institution: groups, learners, capacity and free places in groups of one level."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: {"groups": 0, "learners": 0, "capacity": 0, "free": 0})
    for group in ctx.groups:
        if group.level != level:
            continue
        row = result[group.registration_number]
        row["groups"] += 1
        row["learners"] += group.enrolled
        row["capacity"] += group.capacity or 0
        row["free"] += group.free
    return result


def _special_programmes_table(ctx: BuildContext, key: str, level: str, title: Text) -> Block:
    """Special programmes of one level by category, with the institutions that run or may run them."""
    by_category: dict[str, set[str]] = defaultdict(set)
    for number_, codes in ctx.registry["special_programmes_by_institution"].items():
        for code in codes:
            _name, programme_level, needs = ctx.programmes.get(code, ("", "", ""))
            if programme_level == level:
                by_category[needs].add(ctx.name(number_))
    order = [value for value in SpecialNeeds.values if value in by_category]
    rows = [
        [T(SpecialNeeds(needs).label), len(by_category[needs]), "; ".join(sorted(by_category[needs], key=sort_key))]
        for needs in order
    ]
    return table(
        key,
        title,
        [T(_("Special needs")), T(_("Institutions")), T(_("Where"))],
        rows,
        empty=T(_("No institution runs a special programme of this level.")),
    )


def _open_vacancies(ctx: BuildContext, types: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """(institution's name, position) of each open vacancy at the board's own institutions of `types`, in Latvian
    order of the institutions (a state-founded institution's vacancies are not the board's)."""
    found = []
    for number_, entry in sorted(ctx.people["vacancies"].items(), key=lambda item: sort_key(item[1]["institution"])):
        if ctx.institutions.get(number_, ("", ""))[1] in types and not ctx.is_state_founded(number_):
            found += [(entry["institution"], position) for position in entry["positions"]]
    return found


def _vacancies_table(ctx: BuildContext, key: str, vacancies: list[tuple[str, dict[str, Any]]]) -> Block:
    rows = []
    for institution, position in vacancies:
        title = position["position_name"] + (f" ({position['subject']})" if position["subject"] else "")
        filled: str | None = position.get("filled_on")
        by_start = D(date.fromisoformat(filled)) if filled and filled <= ctx.school_year_start.isoformat() else ""
        rows.append([institution, title, _fte(position["fte"]), by_start])
    return table(
        key,
        T(_("Open vacancies on %(date)s"), date=day(ctx.on("staff"))),
        [T(_("Institution")), T(_("Position")), T(_("FTE rate")), T(_("To be filled by"))],
        rows,
        units=["", "", "FTE", ""],
        total=[T(_("Total")), len(rows), _fte(sum((p["fte"] for _i, p in vacancies), Decimal(0))), ""],
    )


def _vacancies_blocks(ctx: BuildContext, key: str, types: set[str]) -> list[Block]:
    """The sentence listing the open vacancies (seed 002: "logopēds (0,5 likmes), ..."), then their table."""
    vacancies = _open_vacancies(ctx, types)
    several_places = len(types) > 1
    items = [
        sentences.vacancy_item(
            position, institution=institution if several_places else "", school_starts=ctx.school_year_start
        )
        for institution, position in vacancies
    ]
    return [sentences.vacancies(as_of=ctx.on("staff"), items=items), _vacancies_table(ctx, key, vacancies)]


def _fte(value: Decimal) -> str:
    """An FTE rate as the people selectors give it (a Decimal, 3 places at most), as an exact decimal string."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def section_preschool(ctx: BuildContext) -> list[Block]:
    """Preschool education: institutions, groups, children and the change, places, programmes, staff."""
    stats, people = ctx.registry, ctx.people
    level = ProgrammeLevel.PRESCHOOL.value
    by_institution = _groups_by_institution(ctx, level)
    in_preschools = sum(
        row["groups"] for reg, row in by_institution.items() if ctx.institutions.get(reg, ("", ""))[1] == "preschool"
    )
    children, children_before = stats["learners_by_level"][level], stats["learners_by_level_year_before"][level]
    groups, groups_before = stats["groups_by_level"][level], stats["groups_by_level_year_before"][level]
    rows = [
        [ctx.name(reg), type_label(ctx.institutions.get(reg, ("", ""))[1]), row["groups"], row["learners"], row["free"]]
        for reg, row in sorted(by_institution.items(), key=lambda item: sort_key(ctx.name(item[0])))
    ]
    schools = [
        (ctx.name(reg), row["groups"])
        for reg, row in by_institution.items()
        if ctx.institutions.get(reg, ("", ""))[1] != InstitutionType.PRESCHOOL.value and row["groups"]
    ]
    free = stats["free_places_preschool"]
    staff = people["preschool_programme_pedagogues"]
    preschools = ctx.municipal_by_type[InstitutionType.PRESCHOOL.value]
    blocks: list[Block] = [
        heading(T(_("Statistics (institutions, learners)"))),
        *sentences.preschool_statistics(
            year=stats["school_year"],
            as_of=ctx.as_of,
            preschools=preschools,
            groups_in_preschools=in_preschools,
            schools=schools,
            children_now=children,
            children_before=children_before,
            groups_now=groups,
            groups_before=groups_before,
        ),
        figures(
            figure("preschool.institutions", T(_("Preschools")), preschools),
            figure("preschool.schools_with_groups", T(_("Schools with preschool groups")), len(schools)),
            figure("preschool.groups_in_preschools", T(_("Groups in preschools")), in_preschools),
            *figure_and_change(
                "preschool.children",
                T(_("Children in preschool programmes")),
                T(_("Change in children against a year before")),
                children,
                children_before,
            ),
            *figure_and_change(
                "preschool.groups",
                T(_("Preschool groups")),
                T(_("Change in groups against a year before")),
                groups,
                groups_before,
            ),
        ),
        table(
            "preschool.groups_by_institution",
            T(_("Preschool groups by institution")),
            [T(_("Institution")), T(_("Type")), T(_("Groups")), T(_("Children")), T(_("Free places"))],
            rows,
            total=[T(_("Total")), "", groups, children, free["total"]],
            chart=[2],
        ),
        narrative("preschool.statistics", T(_("Comment on the statistics"))),
        heading(T(_("Places, queue, free places"))),
        *sentences.preschool_places(
            queue=stats["queue_length"],
            free_in_preschools=free["preschools"],
            free_in_schools=free["schools"],
            free_total=free["total"],
        ),
        figures(
            figure("preschool.queue", T(_("Children in the queue")), stats["queue_length"]),
            figure("preschool.free_in_preschools", T(_("Free places in preschools")), free["preschools"]),
            figure("preschool.free_in_schools", T(_("Free places in schools' preschool groups")), free["schools"]),
            figure("preschool.free_total", T(_("Free places in all")), free["total"]),
        ),
    ]
    if stats["queue_by_age"]:
        blocks.append(
            table(
                "preschool.queue_by_age",
                T(_("Queue by age")),
                [T(_("Age")), T(_("Children"))],
                [[age, count] for age, count in stats["queue_by_age"].items()],
                chart=[1],
            )
        )
    blocks += [
        heading(T(_("Education programmes"))),
        _special_programmes_table(ctx, "preschool.special_programmes", level, T(_("Special preschool programmes"))),
        narrative("preschool.programmes", T(_("Programmes: language of instruction and changes"))),
        *needs(
            STAFF,
            heading(T(_("Staff"))),
            sentences.preschool_staff(
                in_preschools=staff["preschools"]["pedagogues"],
                several=staff["preschools"]["in_several_institutions"],
                in_schools=staff["schools"]["pedagogues"],
                schools_several=staff["schools"]["in_several_institutions"],
                total=staff["pedagogues"],
            ),
            figures(
                figure(
                    "preschool.pedagogues_in_preschools",
                    T(_("Pedagogues in preschools")),
                    staff["preschools"]["pedagogues"],
                ),
                figure(
                    "preschool.pedagogues_in_preschools_several",
                    T(_("of them working in several institutions")),
                    staff["preschools"]["in_several_institutions"],
                ),
                figure(
                    "preschool.pedagogues_in_schools",
                    T(_("Pedagogues in schools' preschool programmes")),
                    staff["schools"]["pedagogues"],
                ),
                figure(
                    "preschool.pedagogues_in_schools_several",
                    T(_("of them working in several institutions")),
                    staff["schools"]["in_several_institutions"],
                ),
                figure("preschool.pedagogues", T(_("Pedagogues in preschool programmes in all")), staff["pedagogues"]),
            ),
        ),
        *needs(VACANCIES, *_vacancies_blocks(ctx, "preschool.vacancies", {InstitutionType.PRESCHOOL.value})),
        *needs(STAFF, narrative("preschool.staff", T(_("Comment on staff and qualifications")))),
        *finance_blocks(ctx, "preschool"),
        *needs(
            PROJECTS,
            heading(T(_("Project activities"))),
            figures(
                figure(
                    "preschool.etwinning_institutions",
                    T(_("Preschool programme institutions in eTwinning projects")),
                    len(ctx.projects["etwinning_institutions"]),
                ),
            ),
            table(
                "preschool.etwinning",
                T(_("Institutions in eTwinning projects")),
                [T(_("Institution"))],
                [[name] for name in ctx.projects["etwinning_institutions"]],
            ),
        ),
        narrative("preschool.projects", T(_("Project activities"))),
    ]
    return blocks


def _pupils(stats: dict[str, Any], key: str) -> int:
    """Pupils of the basic and secondary levels in one of `registry_stats`' learners-by-level figures."""
    return sum(stats[key][level] for level in SCHOOL_LEVELS)


def _own_pedagogues(ctx: BuildContext, kind: str) -> int:
    """Pedagogues (the people area's rule) in the board's own institutions of type `kind`: each person once when no
    state-founded institution of the type has pedagogues on the day; else the board's institutions' own counts
    added up (a person in two of them would count twice: `pedagogue_figures` has no count by founder yet)."""
    people = ctx.people
    by_institution = people["pedagogues_by_institution"]
    if not any(row["type"] == kind and ctx.is_state_founded(reg) for reg, row in by_institution.items()):
        return int(people["pedagogues_by_institution_type"][kind]["pedagogues"])
    return sum(
        row["pedagogues"]
        for reg, row in by_institution.items()
        if row["type"] == kind and not ctx.is_state_founded(reg)
    )


def _state_founded_blocks(ctx: BuildContext) -> list[Block]:
    """The state-founded institutions in the city, apart from the board's own and labelled so: none of them is
    counted in the board's figures (seed 002 counts the municipal arts competence centre, not the state technical
    school). Nothing when there are none."""
    found = ctx.state_founded
    if not found:
        return []
    by_institution: dict[str, dict[str, int]] = defaultdict(lambda: {"groups": 0, "learners": 0})
    for group in ctx.groups:
        if group.registration_number in ctx.state_founded_numbers:
            by_institution[group.registration_number]["groups"] += 1
            by_institution[group.registration_number]["learners"] += group.enrolled
    return [
        sentences.state_founded(names=[name for _reg, name, _kind in found]),
        table(
            "general.state_founded",
            T(_("State-founded institutions in the city (not the board's, not counted above)")),
            [T(_("Institution")), T(_("Type")), T(_("Founder")), T(_("Groups")), T(_("Learners"))],
            [
                [
                    name,
                    type_label(kind),
                    T(Founder.STATE.label),
                    by_institution[reg]["groups"],
                    by_institution[reg]["learners"],
                ]
                for reg, name, kind in found
            ],
        ),
    ]


def section_general(ctx: BuildContext) -> list[Block]:
    """General basic and secondary education: schools, pupils and the change, first graders, grade 10, staff."""
    stats, people = ctx.general_registry, ctx.people
    now, before = _pupils(stats, "learners_by_level"), _pupils(stats, "learners_by_level_year_before")
    own = ctx.boards_own_by_type(ctx.on("general"))
    schools = sum(own[kind] for kind in GENERAL_TYPES)
    rows = [
        [
            level_label(level),
            stats["learners_by_level"][level],
            stats["learners_by_level_year_before"][level],
            stats["learners_by_level_change"][level],
            stats["groups_by_level"][level],
        ]
        for level in SCHOOL_LEVELS
    ]
    general = people["general_school_pedagogues"]
    vocational = _own_pedagogues(ctx, InstitutionType.VOCATIONAL.value)
    types = set(GENERAL_TYPES)
    arts_centres = own[InstitutionType.VOCATIONAL.value]
    return [
        heading(T(_("Statistics (institutions, learners)"))),
        *sentences.general_statistics(
            year=stats["school_year"],
            as_of=ctx.on("general"),
            schools=schools,
            arts_centres=arts_centres,
            closed=ctx.closed,
            pupils_now=now,
            pupils_before=before,
            first_now=stats["first_graders"],
            first_before=stats["first_graders_year_before"],
            grade10_now=stats["grade10_admitted"],
            grade10_before=stats["grade10_admitted_year_before"],
        ),
        figures(
            figure("general.schools", T(_("General education schools")), schools),
            figure("general.arts_centres", T(_("Municipal arts education competence centres")), arts_centres),
            figure("general.vocational", T(_("Vocational and arts competence centres")), arts_centres),
            figure("general.closed", T(_("Institutions closed before the school year")), len(ctx.closed)),
        ),
        *_state_founded_blocks(ctx),
        figures(
            *figure_and_change(
                "general.pupils",
                T(_("Pupils in general education")),
                T(_("Change in pupils against a year before")),
                now,
                before,
            ),
            *figure_and_change(
                "general.first_graders",
                T(_("First graders")),
                T(_("Change in first graders against a year before")),
                stats["first_graders"],
                stats["first_graders_year_before"],
            ),
            *figure_and_change(
                "general.grade10",
                T(_("Admitted to grade 10")),
                T(_("Change in grade 10 admissions against a year before")),
                stats["grade10_admitted"],
                stats["grade10_admitted_year_before"],
            ),
        ),
        table(
            "general.pupils_by_level",
            T(_("Pupils by level")),
            [
                P("education level", "Level"),
                T(_("Pupils")),
                T(_("A year before")),
                T(_("Difference")),
                T(_("Groups (classes)")),
            ],
            rows,
            total=[T(_("Total")), now, before, now - before, sum(row[4] for row in rows)],
            chart=[1, 2],
        ),
        narrative("general.statistics", T(_("Comment on the statistics"))),
        heading(T(_("Education programmes"))),
        _special_programmes_table(
            ctx, "general.special_programmes", ProgrammeLevel.BASIC.value, T(_("Special basic education programmes"))
        ),
        narrative("general.programmes", T(_("Programmes: transition to learning in Latvian"))),
        *needs(
            STAFF,
            heading(T(_("Staff"))),
            sentences.general_staff(
                schools=schools,
                pedagogues_now=general["pedagogues"],
                several=general["in_several_institutions"],
                vocational=vocational,
            ),
            figures(
                figure("general.pedagogues", T(_("Pedagogues in general education schools")), general["pedagogues"]),
                figure(
                    "general.pedagogues_several",
                    T(_("of them working in several institutions")),
                    general["in_several_institutions"],
                ),
                figure(
                    "general.pedagogues_vocational",
                    T(_("Pedagogues in the board's vocational and arts education schools")),
                    vocational,
                ),
            ),
        ),
        *needs(VACANCIES, *_vacancies_blocks(ctx, "general.vacancies", types | {InstitutionType.VOCATIONAL.value})),
        *needs(STAFF, narrative("general.staff", T(_("Comment on staff and qualifications")))),
        *finance_blocks(ctx, "general"),
        *_projects_blocks(ctx),
        narrative("general.projects", T(_("Project activities"))),
    ]


def _projects_blocks(ctx: BuildContext) -> list[Block]:
    """Erasmus+ funding since the programme's start, and the projects approved or running on the date."""
    data = ctx.projects
    return needs(
        PROJECTS,
        heading(T(_("Project activities"))),
        figures(
            figure(
                "general.erasmus_grant_total",
                T(_("Erasmus+ funding of the city's projects since 2014")),
                data["erasmus_grant_total"],
                "EUR",
            ),
            figure("general.erasmus_projects", T(_("Erasmus+ projects since 2014")), data["erasmus_projects"]),
        ),
        table(
            "general.current_projects",
            T(_("Projects approved or running")),
            [
                T(_("Reference number")),
                T(_("Title")),
                T(_("Programme")),
                T(_("Institutions")),
                T(_("Grant (EUR)")),
                T(_("Mobility participants")),
                T(_("Countries")),
            ],
            [
                [
                    line.reference,
                    line.title,
                    line.programme,
                    line.institutions,
                    line.grant,
                    line.participants,
                    line.countries,
                ]
                for line in data["current"]
            ],
            units=["", "", "", "", "EUR", "", ""],
        ),
    )


def section_interest(ctx: BuildContext) -> list[Block]:
    """Interest education: the children and youth centre and the innovation centre, their staff."""
    stats, people = ctx.registry, ctx.people
    interest, centre = InstitutionType.INTEREST_EDUCATION.value, InstitutionType.INNOVATION_CENTRE.value
    level = ProgrammeLevel.INTEREST.value
    found = ctx.interest
    return [
        *sentences.interest(
            figures=found,
            organisers=ctx.centre_organisers,
            centre_pedagogues=people["pedagogues_by_institution_type"][centre]["pedagogues"],
        ),
        figures(
            figure("interest.programmes", T(_("Interest education programmes")), found["programmes"]),
            figure("interest.stem_programmes", T(_("of them in STEM")), found["stem_programmes"]),
            figure("interest.clubs", T(_("Neighbourhood clubs")), found["clubs"]),
            figure("interest.employees", T(_("Employees of interest education institutions")), found["employments"]),
            figure(
                "interest.centre_organisers",
                T(_("Employees of the innovation centre (any position)")),
                ctx.centre_organisers,
            ),
            figure(
                "interest.institutions",
                T(_("Interest education institutions")),
                ctx.municipal_by_type[interest],
            ),
            figure("interest.centres", T(_("Innovation centres")), ctx.municipal_by_type[centre]),
            figure("interest.groups", T(_("Interest education groups")), stats["groups_by_level"][level]),
            figure(
                "interest.learners", T(_("Learners in interest education groups")), stats["learners_by_level"][level]
            ),
        ),
        *needs(
            STAFF,
            figures(
                figure(
                    "interest.pedagogues",
                    T(_("Pedagogues in interest education institutions")),
                    people["pedagogues_by_institution_type"][interest]["pedagogues"],
                ),
                figure(
                    "interest.centre_pedagogues",
                    T(_("of the innovation centre's employees, pedagogues (in a pedagogical position)")),
                    people["pedagogues_by_institution_type"][centre]["pedagogues"],
                ),
            ),
        ),
        *innovation_blocks(ctx),
        narrative("interest.programmes", T(_("Programmes and priorities"))),
        *finance_blocks(ctx, "interest"),
    ]


def innovation_blocks(ctx: BuildContext) -> list[Block]:
    """The innovation centre's school year (the one the report's date falls in, up to that date): visits, visitors,
    schools reached, occupancy, points, and visits by module and visitors by age band (issue 20)."""
    from eduboard.core.schoolyears import parse_school_year_code, school_year_code_for
    from eduboard.innovation.models import AgeBand, Module, Visit
    from eduboard.innovation.selectors import innovation_figures

    first_year = parse_school_year_code(school_year_code_for(ctx.as_of))
    start, end = date(first_year, 9, 1), min(ctx.as_of, date(first_year + 1, 8, 31))
    if not Visit.objects.filter(date__gte=start, date__lte=end).exists():
        return []
    found = innovation_figures(date_from=start, date_to=end, visible_to=ctx.visible_to)
    modules = {m.code: m.name_lv for m in Module.objects.all()}
    bands = {b.code: str(b) for b in AgeBand.objects.all()}
    return needs(
        CENTRE,
        heading(
            T(_("The innovation centre in the school year (%(from)s–%(to)s)"), **{"from": day(start), "to": day(end)}),
            3,
        ),
        figures(
            figure("interest.centre.visits", T(_("Visits")), found["visits"]),
            figure("interest.centre.visitors", T(_("Visitors (learners and teachers)")), found["visitors"]),
            figure("interest.centre.schools_reached", T(_("Schools reached")), found["schools_reached"]),
            figure(
                "interest.centre.occupancy_percent",
                T(_("Places booked of those offered")),
                found["occupancy_percent"] if found["occupancy_percent"] is not None else "—",
                "%",
            ),
            figure("interest.centre.points_total", T(_("Points collected on visitor cards")), found["points_total"]),
        ),
        table(
            "interest.centre.by_module",
            T(_("Visits by module")),
            [T(_("Module")), T(_("Visits"))],
            [[modules.get(code, code), n] for code, n in found["visits_by_module"].items()],
            chart=[1],
        ),
        table(
            "interest.centre.by_age_band",
            T(_("Visitors by age band")),
            [T(_("Age band")), T(_("Visitors"))],
            [[bands.get(code, code), n] for code, n in found["visitors_by_age_band"].items()],
        ),
    )


def section_events(ctx: BuildContext) -> list[Block]:
    """Section IX: the school year's events from the shared calendar (seed 002 lists 12), then the narrative."""
    from eduboard.innovation.selectors import school_year_events, when_label

    events = school_year_events(as_of=ctx.as_of, visible_to=ctx.visible_to)
    blocks: list[Block] = []
    if events:
        blocks.append(
            table(
                "events.list",
                T(_("Events of the school year")),
                [T(_("When")), T(_("Event")), T(_("Place"))],
                [[when_label(event), event.title, event.place] for event in events],
            )
        )
    blocks.append(narrative("events.text", T(_("Planned events"))))
    return blocks


def section_resources(ctx: BuildContext) -> list[Block]:
    """Learning resources and digital solutions: the devices held (interactive screens, Chromebooks, …), those lent
    to learners (entered in RUMIS), licences in force and the rooms' computers, from the assets area."""
    stats = ctx.assets
    kinds = dict(AssetKind.objects.values_list("code", "name"))
    by_kind = stats["assets_by_kind"]
    held = {code: figures_of["total"] for code, figures_of in by_kind.items()}
    rows = [
        [kinds.get(code, code), counts["total"], counts["lent"], counts["in_stock"], counts["in_repair"]]
        for code, counts in by_kind.items()
        if counts["total"]
    ]
    return [
        *needs(
            ASSETS,
            figures(
                figure("resources.interactive_screens", T(_("Interactive screens")), held.get("interactive_screen", 0)),
                figure("resources.chromebooks", T(_("Chromebook computers")), held.get("chromebook", 0)),
                figure("resources.lent_to_learners", T(_("Devices lent to learners")), stats["on_loan_to_learners"]),
                figure("resources.lent_to_staff", T(_("Devices lent to staff")), stats["on_loan_to_staff"]),
                figure("resources.overdue_loans", T(_("Loans past their due date")), stats["overdue_loans"]),
                figure("resources.computers_in_rooms", T(_("Computers in rooms")), stats["computers_in_rooms"]),
            ),
            table(
                "resources.devices_by_kind",
                T(_("Devices held by kind")),
                [T(_("Kind")), T(_("Held")), T(_("lent")), T(_("in stock")), T(_("in repair"))],
                rows,
            ),
            table(
                "resources.devices_by_project",
                T(_("Devices by the project that paid for them")),
                [T(_("Project")), T(_("Title")), T(_("Kind")), T(_("Held"))],
                [[row["reference"], row["title"], row["kind"], row["count"]] for row in ctx.assets_by_project],
            ),
            table(
                "resources.licences",
                T(_("Licences in force")),
                [T(_("Product")), T(_("Seats"))],
                [[product, seats] for product, seats in stats["licence_seats"].items()],
                empty=T(_("On %(date)s no licence is in force."), date=day(ctx.as_of)),
            ),
        ),
        narrative("resources.text", T(_("Learning resources, devices and digital solutions"))),
    ]


def section_quality(ctx: BuildContext) -> list[Block]:
    """Quality monitoring: observation figures, exam and monitoring-test comparisons (from the quality area)."""
    return [
        *quality_blocks(ctx),
        *heads_blocks(ctx),
        *survey_blocks(ctx),
        *prevention_blocks(ctx),
        narrative("quality.analysis", T(_("Analysis of the quality monitoring"))),
        narrative("quality.priorities", T(_("Priorities of methodological work"))),
    ]


def section_settlements(ctx: BuildContext) -> list[Block]:
    """Inter-municipal settlements: learners coming in and residents learning elsewhere, and the money."""
    stats = ctx.registry
    levels = [ProgrammeLevel.PRESCHOOL.value, *SCHOOL_LEVELS]
    incoming, outgoing = stats["learners_from_other_municipalities"], stats["residents_learning_elsewhere"]
    rows = [[level_label(level), incoming[level], outgoing[level]] for level in levels]
    return [
        *sentences.settlements(
            incoming=[(level_label(level), incoming[level]) for level in levels],
            incoming_total=stats["learners_from_other_municipalities_total"],
            outgoing=[(level_label(level), outgoing[level]) for level in levels],
            outgoing_total=stats["residents_learning_elsewhere_total"],
        ),
        figures(
            figure(
                "settlements.incoming",
                T(_("Learners from other municipalities learning in the city")),
                stats["learners_from_other_municipalities_total"],
            ),
            figure(
                "settlements.outgoing",
                T(_("Residents learning in other municipalities")),
                stats["residents_learning_elsewhere_total"],
            ),
        ),
        table(
            "settlements.learners",
            T(_("Learners between municipalities by level")),
            [P("education level", "Level"), T(_("From other municipalities")), T(_("Learning elsewhere"))],
            rows,
            total=[
                T(_("Total")),
                stats["learners_from_other_municipalities_total"],
                stats["residents_learning_elsewhere_total"],
            ],
            chart=[1, 2],
        ),
        *settlement_money_blocks(ctx),
    ]


def section_text(slot: str, label: Any) -> Callable[[BuildContext], list[Block]]:
    """A section of narrative only (decisions, challenges, safety, events)."""

    def build(ctx: BuildContext) -> list[Block]:
        return [narrative(slot, T(label))]

    return build


# --- the finance and quality areas' figures


def finance_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Money, cost per learner and meal compensation of one part of the report (from the finance area)."""
    return needs(MONEY, heading(T(_("Finances"))), *finance_part_blocks(ctx, part))


def _dec(value: Decimal | None) -> str | None:
    """A percentage or points the selectors give (a Decimal with 2 places) as a decimal string without trailing
    zeros (75, 52.6)."""
    return None if value is None else format(value.normalize(), "f")


def _money(value: Decimal | None) -> str | None:
    """An amount the finance selectors give (a Decimal) as euros with 2 places."""
    return None if value is None else str(money(value))


def _rate(value: Decimal | None) -> str | None:
    """A rate in euros a day (meal compensation) with 2 places, or 3 where the rate itself has a third (the
    state's half of 3.09 is 1.545: rounding it would misstate what is paid)."""
    if value is None:
        return None
    exact = Decimal(value)
    return str(money(exact)) if exact == money(exact) else format(exact.normalize(), "f")


PART_TYPES = {
    "preschool": {InstitutionType.PRESCHOOL.value},
    "general": {*GENERAL_SCHOOL_TYPES, InstitutionType.VOCATIONAL.value},
    "interest": {InstitutionType.INTEREST_EDUCATION.value, InstitutionType.INNOVATION_CENTRE.value},
}
PART_COST_KINDS = {"preschool": ["preschool_day", "preschool_24h"], "general": ["general"], "interest": ["interest"]}
PART_MEAL_LEVELS = {"preschool": {"preschool", ""}, "general": {"basic", "secondary", ""}, "interest": set()}


def _recipient(use: finance_selectors.AllocationUse) -> Any:
    """An allocation's recipient: the institution or group, or how many institutions a sum holds."""
    if use.institutions > 1:
        return NP("allocation recipients", "%(count)s institution", "%(count)s institutions", use.institutions)
    return use.recipient_name


def _purpose(use: finance_selectors.AllocationUse) -> Any:
    return T(Purpose(use.purpose).label) if use.purpose in Purpose.values else use.purpose


def finance_part_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Allocations and their utilisation, cost per learner per month, and the meal compensation rules of a part."""
    # Seed 002's allocations to all preschools or all schools, each as it is; a country's allocations to single
    # institutions summed per purpose and source (the finance pages list them one by one).
    allocations = finance_selectors.summed_per_purpose(
        [use for use in ctx.allocations if use.recipient_types and set(use.recipient_types) <= PART_TYPES[part]]
    )
    rows = [
        [
            _recipient(use),
            _purpose(use),
            use.source_name,
            _money(use.allocated),
            _money(use.spent),
            _dec(use.utilisation),
        ]
        for use in allocations
    ]
    blocks: list[Block] = [
        sentences.allocation(
            source=use.source_name,
            purpose=_purpose(use),
            recipient=_recipient(use),
            year=use.year,
            amount=_money(use.allocated),
            spent=_money(use.spent),
            share=_dec(use.utilisation),
            as_of=ctx.money_as_of,
        )
        for use in allocations
        if use.purpose == Purpose.TEACHING_AIDS
    ]
    if rows:
        blocks.append(
            table(
                f"{part}.allocations",
                T(_("Allocations and their use as of %(date)s"), date=day(ctx.money_as_of)),
                [T(_("Recipient")), T(_("Purpose")), T(_("Source")), T(_("Allocated")), T(_("Spent")), T(_("Used"))],
                rows,
                units=["", "", "", "EUR", "EUR", "%"],
                chart=[5],
            )
        )
    # One cost per programme, in the column that says which it is: the approved one (seed 002's), else the one
    # computed from the data; a sentence says what the computed one would be and why the two differ.
    costs = ctx.cost_per_learner
    kinds = [kind for kind in PART_COST_KINDS[part] if kind in costs]
    cost_rows = [
        [
            T(CostKind(kind).label),
            _money(costs[kind]["approved"]) if costs[kind]["approved"] is not None else "",
            _money(costs[kind]["computed"]) if costs[kind]["approved"] is None else "",
        ]
        for kind in kinds
        if costs[kind]["approved"] is not None or costs[kind]["computed"] is not None
    ]
    for kind in kinds:
        blocks += sentences.cost_per_learner(
            kind,
            _money(costs[kind]["approved"]),
            programme=T(CostKind(kind).label),
            computed=_money(costs[kind]["computed"]),
            difference=_money(costs[kind]["difference"]),
            spent_to=ctx.as_of,
        )
    columns: list[Text] = [T(_("Programme")), T(_("Approved")), T(_("Computed from the data"))]
    if not any(row[2] for row in cost_rows):  # every cost approved: no column of computed ones
        columns, cost_rows = columns[:2], [row[:2] for row in cost_rows]
    blocks.append(
        table(
            f"{part}.cost_per_learner",
            T(_("Cost of one learner per month")),
            columns,
            cost_rows,
            units=["", "EUR", "EUR"][: len(columns)],
        )
    )
    meals = [rule for rule in ctx.meal_rules if rule["level"] in PART_MEAL_LEVELS[part]]
    if meals:
        blocks += [
            heading(T(_("Meal compensation"))),
            table(
                f"{part}.meal_rules",
                T(_("Meal compensation rules in force on %(date)s"), date=day(ctx.as_of)),
                [
                    T(_("Rule")),
                    T(_("Grades")),
                    T(_("Until (each year)")),
                    T(_("Per day")),
                    T(_("State pays")),
                    T(_("Municipality pays")),
                ],
                [
                    [
                        rule["name"],
                        rule["grades"],
                        sentences.until(rule["until"]),
                        _rate(rule["price"]),
                        _rate(rule["state"]),
                        _rate(rule["municipal"]),
                    ]
                    for rule in meals
                ],
                units=["", "", "", "EUR", "EUR", "EUR"],
            ),
        ]
    blocks += _catering_blocks(ctx, part)
    if meals:
        blocks.append(narrative(f"{part}.meals", T(_("Meal organisation"))))
    return blocks


PART_CATERING = {"preschool": "preschools", "general": "general_schools"}


def _catering_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Seed 002: "Plānots slēgt līgumus ar darbības termiņu 3 gadi par kopējo summu 14480941 EUR"; "Līgumu darbības
    termiņš 5 (pieci) gadi" (finance.selectors.catering_in_force)."""
    found = ctx.catering.get(PART_CATERING.get(part, ""))
    if found is None:
        return []
    items = [figure(f"{part}.catering.years", T(_("Term of the catering contracts (years)")), found["years"])]
    if found["total_amount"] is not None:
        items.append(
            figure(
                f"{part}.catering.total_amount",
                T(_("Total amount of the catering contracts")),
                _money(found["total_amount"]),
                "EUR",
            )
        )
    return [sentences.catering(part=part, **found), figures(*items)]


def settlement_money_blocks(ctx: BuildContext) -> list[Block]:
    """Expenses and income of the settlements from 1 January to 31 August of the report's year (finance area)."""
    if not sees_whole_city(ctx.visible_to):
        return []
    period_from, period_to = date(ctx.as_of.year, 1, 1), date(ctx.as_of.year, 8, 31)
    summary = finance_selectors.settlement_summary(date_from=period_from, date_to=period_to)
    return needs(
        SETTLEMENTS,
        heading(T(_("Money flow"))),
        figures(
            figure(
                "settlements.expenses",
                T(
                    _("Paid to other municipalities %(from)s–%(to)s"),
                    **period(period_from, period_to),
                ),
                _money(summary["due_total"]),
                "EUR",
            ),
            figure(
                "settlements.income",
                T(
                    _("Received from other municipalities %(from)s–%(to)s"),
                    **period(period_from, period_to),
                ),
                _money(summary["receivable_total"]),
                "EUR",
            ),
            figure("settlements.balance", T(_("Balance")), _money(summary["balance"]), "EUR"),
        ),
        table(
            "settlements.by_municipality",
            T(_("Settlements by municipality")),
            [T(_("Municipality")), T(_("Learners coming")), T(_("Receivable")), T(_("Residents going")), T(_("Due"))],
            [
                [
                    row["municipality"],
                    row["incoming"]["learners_total"],
                    _money(row["receivable"]),
                    row["outgoing"]["learners_total"],
                    _money(row["due"]),
                ]
                for row in summary["municipalities"]
            ],
            units=["", "", "EUR", "", "EUR"],
            total=[
                T(_("Total")),
                summary["incoming"]["learners_total"],
                _money(summary["receivable_total"]),
                summary["outgoing"]["learners_total"],
                _money(summary["due_total"]),
            ],
            chart=[2, 4],
        ),
    )


EXAMS = [
    ("ce_basic", None, _("Basic-school centralised exams: the city against the nation")),
    ("ce_secondary", "optimal", _("Secondary centralised exams at the optimal level: the city against the nation")),
    ("ce_secondary", "higher", _("Secondary centralised exams at the higher level: the city against the nation")),
    ("monitoring", None, _("City monitoring tests")),
    ("pilot", None, _("City pilot exams")),
]


def heads_blocks(ctx: BuildContext) -> list[Block]:
    """The schools on their way to the unified school and the heads' professional evaluation (seed 002, section
    III): each school's latest status and each head's latest overall level as of the report's date."""
    figures_now = quality_selectors.heads_figures(visible_to=ctx.visible_to, as_of=ctx.as_of)
    unified = figures_now["unified_school"]
    if not figures_now["heads"] and not unified["schools"]:
        return []
    levels = figures_now["levels"]
    environment, head = unified["environment"], unified["head"]
    return needs(
        HEADS,
        heading(T(_("Schools on the way to the unified school and the heads' professional evaluation")), 3),
        {
            "type": "paragraph",
            "text": T(
                _(
                    "Of %(schools)s schools on the way to the unified school, the environment meets the "
                    "recommendations in %(meets)s, partly in %(partly)s and not in %(not_meeting)s; %(ensured)s "
                    "heads have ensured the transition, %(head_partly)s partly. The professional work of "
                    "%(excellent)s heads is rated “excellent”, %(very_good)s “very good”, %(good)s “good”, "
                    "%(needs_improvement)s “needs improvement”."
                ),
                schools=unified["schools"],
                meets=environment["meets"],
                partly=environment["partly"],
                not_meeting=environment["does_not_meet"],
                ensured=head["ensured"],
                head_partly=head["partly"],
                **{level: levels[level] for level in ("excellent", "very_good", "good", "needs_improvement")},
            ),
        },
        figures(
            figure("quality.unified.schools", T(_("Schools on the way to the unified school")), unified["schools"]),
            figure("quality.unified.meets", T(_("Environment meets the recommendations")), environment["meets"]),
            figure("quality.unified.partly", T(_("Environment partly meets them")), environment["partly"]),
            figure(
                "quality.unified.does_not_meet", T(_("Environment does not meet them")), environment["does_not_meet"]
            ),
            figure("quality.unified.head_ensured", T(_("Heads who ensured the transition")), head["ensured"]),
            figure("quality.unified.head_partly", T(_("Heads who partly ensured it")), head["partly"]),
        ),
        table(
            "quality.heads",
            T(_("Heads' professional evaluation: overall level")),
            [T(_("Level")), T(_("Heads"))],
            [[T(QualityLevel(level).label), count] for level, count in levels.items()],
            total=[T(_("Total")), figures_now["heads"]],
        ),
    )


def prevention_blocks(ctx: BuildContext) -> list[Block]:
    """Early school-leaving prevention (seed 002, the council's programme 2024–2028): learners at risk by rule on
    the report's date, counts only, in the reader's scope."""
    if not (Absence.objects.exists() or TermResult.objects.exists() or SupportPlan.objects.exists()):
        return []
    found = prevention_figures(as_of=ctx.as_of, visible_to=ctx.visible_to)
    labels = dict(RuleCode.choices)
    return needs(
        PREVENTION,
        heading(T(_("Early school-leaving prevention")), 3),
        figures(
            *(
                figure(f"quality.prevention.{code}", T(labels[code]), count)
                for code, count in found["at_risk_by_rule"].items()
            ),
            figure("quality.prevention.at_risk_total", T(_("Learners at risk")), found["at_risk_total"]),
            figure(
                "quality.prevention.with_support_plan", T(_("Of them with a support plan")), found["with_support_plan"]
            ),
        ),
    )


def survey_blocks(ctx: BuildContext) -> list[Block]:
    """The latest survey closed by the report's date (seed 002's wellbeing survey): response rates by audience and
    the share of each answer per question, scoped to the reader; a cut under 5 answers shows no figure."""
    survey = (
        Survey.objects.filter(closes_on__lte=ctx.as_of).order_by("-closes_on", "-pk").first()
        or Survey.objects.filter(opens_on__lte=ctx.as_of).order_by("-opens_on", "-pk").first()
    )
    if survey is None:
        return []
    found = survey_figures(survey=survey, visible_to=ctx.visible_to)
    audience_label = dict(Audience.choices)
    rates = [
        [
            T(audience_label.get(audience, audience)),
            rate["responses"],
            rate["population"],
            percent_value(rate["percent"]),
        ]
        for audience, rate in found["response_rates"].items()
    ]
    texts = {(q.code, q.audience): q.text_lv for q in survey.questions.all()}
    # Parents' answers for schools and preschools side by side (seed 002), besides the whole city's.
    by_group = {
        group: survey_figures(survey=survey, visible_to=ctx.visible_to, institution_types=types)["questions"]
        for group, types in INSTITUTION_GROUPS.items()
    }
    group_label = {"school": T(_("parents, schools")), "preschool": T(_("parents, preschools"))}

    def row(text: str, who: Text, shares: dict[str, Any] | None) -> list[Any]:
        if shares is None:
            return [text, who, T(_("too few answers"))]
        parts = [
            # xgettext:no-python-format
            T(_("%(answer)s %(share)s %%"), answer=answer_label(answer), share=number(value))
            for answer, value in shares.items()
        ]
        return [text, who, T(_("%(shares)s"), shares=parts)]

    answers = []
    for code, by_audience in found["questions"].items():
        for audience, shares in by_audience.items():
            text = texts.get((code, audience), code)
            answers.append(row(text, T(audience_label.get(audience, audience)), shares))
            if audience == Audience.PARENTS:
                for group in INSTITUTION_GROUPS:
                    cut = by_group[group].get(code, {}).get(audience)
                    if cut is not None:
                        answers.append(row(text, group_label[group], cut))
    return needs(
        SURVEYS,
        heading(T(_("Survey: %(title)s"), title=survey.title_lv), 3),
        table(
            "quality.survey.response_rates",
            T(_("Response rates on %(date)s"), date=day(survey.census_date or survey.opens_on or ctx.as_of)),
            [T(_("Audience")), T(_("Responses")), T(_("Population")), T(_("Response rate"))],
            rates,
            units=["", "", "", "%"],
        ),
        table(
            "quality.survey.answers",
            T(_("Answers by question")),
            [T(_("Question")), T(_("Audience")), T(_("Share of each answer"))],
            answers,
        ),
    )


def answer_label(answer: str) -> Text:
    """A scale's answer in the reader's language; a choice as the survey gives it."""
    label = ANSWER_LABELS.get(answer)
    return T(label) if label is not None else answer  # type: ignore[arg-type]


def percent_value(value: Any) -> Any:
    return number(value) if value is not None else None


def quality_blocks(ctx: BuildContext) -> list[Block]:
    """Lesson observations of the past school year and its exam and test results against the nation."""
    year = ctx.registry["school_year"]
    if not year:
        return []
    start = int(year[:4]) - 1
    # Seed 002 counts the lessons observed from 1 September to 30 June (the lessons' time of the past school
    # year): the board's in preschools and general schools, apart from them the training sessions in sports
    # (other) schools. One period for the heading, the sentence, the figures and the criteria.
    period_from, lessons_to = date(start, 9, 1), date(start + 1, 6, 30)
    scope = ctx.visible_to
    everything = quality_selectors.observation_figures(date_from=period_from, date_to=lessons_to, visible_to=scope)
    external = quality_selectors.observation_figures(
        date_from=period_from, date_to=lessons_to, visible_to=scope, kind="external"
    )
    by_kind = everything["lessons_by_kind"]
    board_by_type = quality_selectors.lessons_by_institution_type(
        date_from=period_from, date_to=lessons_to, visible_to=scope, kind="external"
    )
    schools_types = {InstitutionType.PRESCHOOL.value, *GENERAL_SCHOOL_TYPES}
    board_schools = sum(n for kind, n in board_by_type.items() if kind in schools_types)
    board_other = sum(n for kind, n in board_by_type.items() if kind not in schools_types)
    blocks: list[Block] = needs(
        OBSERVATIONS,
        heading(
            T(
                _("Lesson observations %(from)s–%(to)s"),
                **period(period_from, lessons_to),
            )
        ),
        sentences.observations(
            date_from=period_from,
            date_to=lessons_to,
            board=board_schools,
            other=board_other,
            internal=by_kind.get("internal", 0),
            year=ctx.registry["school_year"],
        ),
        figures(
            figure(
                "quality.lessons_board_schools",
                T(_("Lessons observed by the board in preschools and general schools, 1 September to 30 June")),
                board_schools,
            ),
            figure(
                "quality.lessons_board_other",
                T(_("Training sessions observed by the board in sports and other schools, 1 September to 30 June")),
                board_other,
            ),
            figure("quality.lessons_external", T(_("Lessons observed by the board")), by_kind.get("external", 0)),
            figure(
                "quality.lessons_internal", T(_("Lessons observed inside the institutions")), by_kind.get("internal", 0)
            ),
            figure("quality.lessons_peer", T(_("Lessons observed by peers")), by_kind.get("peer", 0)),
        ),
        table(
            "quality.criteria",
            T(_("Lessons observed by the board meeting each criterion")),
            [
                T(_("Criterion")),
                T(_("Group")),
                T(_("Lessons")),
                T(_("Meeting")),
                T(_("Meeting, in whole percent")),
                T(_("A year before")),
            ],
            [
                [
                    item["text"],
                    item["group"],
                    item["answered"],
                    _dec(item["percent"]),
                    _dec(percent(item["meeting"], item["answered"], places=0)),
                    _dec(item["previous_percent"]),
                ]
                for item in external["criteria"].values()
            ],
            units=["", "", "", "%", "%", "%"],
            chart=[3],
            own_places=frozenset({4}),
        ),
    )
    for exam, level, title in EXAMS:
        rows = quality_selectors.exam_comparison(year=start + 1, exam=exam, level=level, visible_to=scope)
        if not rows:
            continue
        blocks += needs(
            EXAM_RESULTS,
            table(
                f"quality.exams.{exam}.{level or 'all'}",
                T(title),
                [
                    T(_("Subject")),
                    T(_("Grade")),
                    T(_("Candidates")),
                    T(_("City")),
                    T(_("Nation")),
                    T(_("Gap")),
                    T(_("Below the threshold")),
                ],
                [
                    [
                        T(_("%(subject)s (%(level)s)"), subject=row["subject"], level=T(ExamLevel(row["level"]).label))
                        if row["level"] and level is None and row["level"] in ExamLevel.values
                        else row["subject"],
                        row["grade"],
                        row["candidates"],
                        _dec(row["mean_percent"]),
                        _dec(row["national_mean_percent"]),
                        _dec(row["gap_points"]),
                        row["below_threshold"],
                    ]
                    for row in rows
                    # A test assessed by criteria has no mean to compare: it is counted in the totals below.
                    if row["mean_percent"] is not None
                ],
                units=["", "", "", "%", "%", "pp", ""],
                chart=[3, 4],
            ),
        )
        if exam == "monitoring":
            blocks += needs(EXAM_RESULTS, *_monitoring_totals(rows))
    blocks += needs(
        EXAM_RESULTS, *_threshold_blocks(quality_selectors.threshold_failures(year=start + 1, visible_to=scope))
    )
    return blocks


def _threshold_blocks(failures: dict[str, dict[str, Any]]) -> list[Block]:
    """Seed 002: "Pamatizglītībā 10% minimālā kopvērtējuma slieksni nav varējuši sasniegt 50 skolēni ... 3 skolēni
    nenokārtoja eksāmenu matemātikā jau otrreiz"; "Vidusskolā 15% ... – 21 skolēns" (from learners' results)."""
    blocks: list[Block] = []
    for exam, found in failures.items():
        blocks.append(sentences.below_threshold(exam=exam, **found))
        blocks.append(
            figures(
                figure(
                    f"quality.below_threshold.{exam}.learners", T(_("Pupils below the threshold")), found["learners"]
                ),
                figure(
                    f"quality.below_threshold.{exam}.results", T(_("Results below the threshold")), found["results"]
                ),
                figure(
                    f"quality.below_threshold.{exam}.repeat",
                    T(_("Pupils below the threshold in the same exam for the second time")),
                    found["repeat"],
                ),
            )
        )
    return blocks


def _monitoring_totals(rows: list[dict[str, Any]]) -> list[Block]:
    """Learners assessed in each subject's city monitoring tests of numbered grades, with the grades (seed 002:
    Latvian 2 423 = 875 + 835 + 713, mathematics 1 335 = 671 + 664), and the preschool graduates assessed apart
    (grade 0; seed 002: 846 in Latvian, by common criteria)."""
    by_subject: dict[str, list[tuple[int, int]]] = defaultdict(list)
    preschool: dict[str, int] = defaultdict(int)  # grade 0: the preschool graduates, not in the schools' total
    for row in rows:
        if row["grade"]:
            by_subject[row["subject"]].append((row["grade"], row["candidates"]))
        elif row["grade"] == PRESCHOOL_GRADUATES_GRADE:
            preschool[row["subject"]] += row["candidates"]
    totals = [
        (subject, sum(count for _grade, count in by_subject[subject]), sorted(by_subject[subject]), preschool[subject])
        for subject in sorted(set(by_subject) | set(preschool), key=sort_key)
    ]
    if not totals:
        return []
    return [
        *sentences.monitoring_totals(totals=totals),
        table(
            "quality.monitoring_totals",
            T(_("Learners assessed in the city's monitoring tests by subject")),
            [T(_("Subject")), T(_("Learners")), T(_("Grades")), T(_("Preschool graduates"))],
            [
                [subject, total, ", ".join(str(grade) for grade, _count in grades), graduates]
                for subject, total, grades, graduates in totals
            ],
        ),
    ]


# --- the report


@dataclass(frozen=True)
class Section:
    """One section of the report: a stable key, its title, the function that builds its blocks, and the
    permission its reader needs for the blocks that declare none of their own (see `needs`)."""

    key: str
    title: Any
    build: Callable[[BuildContext], list[Block]]
    permission: str
    numeral: str = ""  # seed 002's own numbering (it has no V); "" inside a part, which carries the numeral
    part: Any = None  # the part this section opens or belongs to (seed 002's "I. Vispārēja informācija ...")
    names_year: bool = False  # the title names the school year: "%(year)s" in it takes the report's year


GENERAL_PART = _("General information on education institutions")

SECTIONS: list[Section] = [
    Section("preschool", _("Preschool education"), section_preschool, LEARNERS, "I", GENERAL_PART),
    Section("general", _("General basic and secondary education"), section_general, LEARNERS, "I", GENERAL_PART),
    Section("interest", _("Interest education institutions"), section_interest, LEARNERS, "I", GENERAL_PART),
    Section("resources", _("Learning resources and digital solutions"), section_resources, READ_REPORT, "II"),
    Section("quality", _("Quality monitoring of education"), section_quality, OBSERVATIONS, "III"),
    Section("settlements", _("Inter-municipal settlements"), section_settlements, LEARNERS, "IV"),
    Section(
        "decisions",
        _("Important government decisions for the start of the year"),
        section_text("decisions.text", _("Decisions and what they mean for the institutions")),
        READ_REPORT,
        "VI",
    ),
    Section(
        "challenges",
        _("Challenges of the %(year)s school year"),
        section_text("challenges.text", _("Challenges")),
        READ_REPORT,
        "VII",
        names_year=True,
    ),
    Section(
        "safety",
        _("Measures for learners' safety"),
        section_text("safety.text", _("Cooperation with the police and safety measures")),
        READ_REPORT,
        "VIII",
    ),
    Section(
        "events",
        _("Administrative and methodological events planned for August to November"),
        section_events,
        READ_REPORT,
        "IX",
    ),
]


def _declared(blocks: list[Block], permission: str) -> list[Block]:
    """`blocks`, each one that declares no permission of its own now needing `permission`."""
    for block in blocks:
        block.setdefault("permission", permission)
    return blocks


def build_readiness(
    *, as_of: date, visible_to: Viewer, progress: Progress | None = None, dates: dict[str, date] | None = None
) -> dict[str, Any]:
    """The readiness report's content as of a date, scoped like every read, as JSON-ready data; every block
    declares the permission its reader needs (`reports.selectors.content_for_reader` applies them). `dates` gives
    areas of DATE_AREAS a date of their own (`reports.services.clean_dates` checks them)."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to, dates=dict(dates or {}))
    sections = []
    for done, section in enumerate(SECTIONS, start=1):
        blocks = _declared(section.build(ctx), section.permission)
        title = T(section.title, year={"y": ctx.registry["school_year"]}) if section.names_year else T(section.title)
        entry: dict[str, Any] = {"key": section.key, "title": title, "numeral": section.numeral, "blocks": blocks}
        if section.part is not None:
            entry["part"] = T(section.part)
        sections.append(entry)
        if progress is not None:
            progress(done, len(SECTIONS), section.key)
    return {
        "kind": "readiness",
        # Seed 002's header: an annex to the council's decision, whose date and number the council fills in.
        "header": {
            "council": settings.COUNCIL_NAME_GENITIVE,
            "board": settings.BOARD_NAME,
            "board_genitive": settings.BOARD_NAME_GENITIVE,
            "year": as_of.year,
        },
        "school_year": ctx.registry["school_year"],
        "as_of": as_of.isoformat(),
        # The date each area's figures were read on (seed 002: pupils and vacancies 19.08, money 14.08).
        "dates": {area: ctx.on(area).isoformat() for area in DATE_AREAS},
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "whole_city": sees_whole_city(visible_to),
        "sections": sections,
    }


@cached_figures("registry", "people")
def key_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The report's key figures and two charts for a dashboard, scoped to the user's institutions; each
    figure and table declares the permission its reader needs, as the report's blocks do."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to)
    stats, people = ctx.registry, ctx.people
    pupils, pupils_before = _pupils(stats, "learners_by_level"), _pupils(stats, "learners_by_level_year_before")
    preschool = ProgrammeLevel.PRESCHOOL.value
    items = [
        figure(
            "preschool.children",
            T(_("Children in preschool programmes")),
            stats["learners_by_level"][preschool],
            before=stats["learners_by_level_year_before"][preschool],
        ),
        figure(
            "preschool.groups",
            T(_("Preschool groups")),
            stats["groups_by_level"][preschool],
            before=stats["groups_by_level_year_before"][preschool],
        ),
        figure("preschool.free_total", T(_("Free preschool places")), stats["free_places_preschool"]["total"]),
        figure("preschool.queue", T(_("Children in the queue")), stats["queue_length"]),
        figure("general.pupils", T(_("Pupils in general education")), pupils, before=pupils_before),
        figure(
            "general.first_graders",
            T(_("First graders")),
            stats["first_graders"],
            before=stats["first_graders_year_before"],
        ),
        figure(
            "general.grade10",
            T(_("Admitted to grade 10")),
            stats["grade10_admitted"],
            before=stats["grade10_admitted_year_before"],
        ),
        *needs(STAFF, figure("people.pedagogues", T(_("Pedagogues")), people["pedagogues_total"])),
        *needs(
            VACANCIES,
            figure("people.vacancies_fte", T(_("Open vacancies (FTE)")), _fte(people["vacancies_fte_total"]), "FTE"),
        ),
        figure(
            "registry.from_other_municipalities",
            T(_("From other municipalities")),
            stats["learners_from_other_municipalities_total"],
        ),
    ]
    levels = [
        level
        for level in stats["learners_by_level"]
        if stats["learners_by_level"][level] or stats["learners_by_level_year_before"][level]
    ]
    tables = [
        table(
            "dashboard.learners_by_level",
            T(_("Learners by level")),
            [P("education level", "Level"), T(_("Learners")), T(_("A year before"))],
            [
                [level_label(level), stats["learners_by_level"][level], stats["learners_by_level_year_before"][level]]
                for level in levels
            ],
            chart=[1, 2],
        ),
        *needs(
            STAFF,
            table(
                "dashboard.pedagogues_by_type",
                T(_("Pedagogues by institution type")),
                [T(_("Type")), T(_("Pedagogues")), T(_("in several institutions"))],
                [
                    [type_label(kind), counts["pedagogues"], counts["in_several_institutions"]]
                    for kind, counts in people["pedagogues_by_institution_type"].items()
                    if counts["pedagogues"]
                ],
                chart=[1],
            ),
        ),
    ]
    return {
        "as_of": as_of.isoformat(),
        "school_year": stats["school_year"],
        "figures": _declared(items, LEARNERS),
        "tables": _declared(tables, LEARNERS),
    }

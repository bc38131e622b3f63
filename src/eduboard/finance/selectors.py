"""Reads that compute the finance figures: utilisation, cost per learner, meal compensation, settlements.

Each returns plain data; the query count of each is bounded (tests assert it). `visible_to=WHOLE_CITY` gives
the whole city (commands, the board's reports); a user limits the figures to their institutions. Amounts are
Decimals in euros with 2 places (`core.numbers.money`) and percentages Decimals from `core.numbers.percent`,
never floats; the edge (page, API, file) writes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import BooleanField, Case, CharField, Count, ExpressionWrapper, Max, Q, QuerySet, Sum, Value, When

from eduboard.core.figures_cache import cached_figures
from eduboard.core.numbers import money, percent
from eduboard.core.scope import WHOLE_CITY, Viewer, institution_scope, sees_whole_city
from eduboard.core.translated import localized, text_in, texts_from, texts_of
from eduboard.finance.choices import CostKind, DayOffScope, Direction, Purpose, SettlementLevel
from eduboard.finance.meals import MEAL_RULE_PERIOD, Placement, RuleSpec, amounts_for, assign_days, days_between
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    DayOff,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealContract,
    MealRule,
    SettlementLine,
)
from eduboard.registry.boards import Board, of_part
from eduboard.registry.choices import GroupKind, ProgrammeLevel, SpecialNeeds
from eduboard.registry.models import (
    Enrolment,
    Institution,
    Learner,
    Municipality,
    enrolment_holding_q,
    enrolment_overlapping_q,
)
from eduboard.registry.rules import in_last_preschool_year
from eduboard.registry.selectors import RESIDENT

ZERO = Decimal("0.00")


def _scope_ids(visible_to: Viewer) -> set[int] | None:
    """Institution ids in scope, or None for all."""
    return institution_scope(visible_to)


def _money(value: Decimal | None) -> Decimal | None:
    """An amount as the figures give it: a Decimal in euros with 2 places, or None. It stays a Decimal up to
    the edge (page, API, file), which writes it (`core.numbers.json_figures` for the commands' JSON)."""
    return None if value is None else money(value)


# --- allocations and spending


@dataclass(frozen=True)
class AllocationUse:
    """An allocation and how much of it is spent as of a date."""

    id: int
    year: int
    recipient: str  # registration number or the group's name
    recipient_name: str
    purpose: str
    source: str
    source_name: str
    allocated: Decimal
    spent: Decimal
    recipient_types: tuple[str, ...] = ()  # institution types of the institution, or of the group's members
    to_group: bool = False  # given to a group of institutions (an InstitutionSet), not to one institution
    institutions: int = 1  # the single institutions' allocations this one sums (`summed_per_purpose`)
    # The source's and the group's names in each language (core.translated.texts_from), for a report; an
    # institution's name is its own in every language.
    source_names: Mapping[str, str] = field(default_factory=dict)
    recipient_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)

    @property
    def utilisation(self) -> Decimal | None:
        return percent(self.spent, self.allocated)

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "recipient": self.recipient,
            "recipient_name": self.recipient_name,
            "purpose": self.purpose,
            "source": self.source,
            "allocated": money(self.allocated),
            "spent": money(self.spent),
            "utilisation_percent": self.utilisation,
            "recipient_types": list(self.recipient_types),
        }


def latest_money_date(*, visible_to: Viewer) -> date | None:
    """The day of the latest expenditure the viewer may see (capped at today); the end of the latest year with
    allocations when nothing is spent yet; None with no allocations at all. Pages open on it when the current
    year has no data yet (an archive, the demonstration data), instead of on an empty today."""
    from django.utils import timezone

    return latest_money_day(visible_to=visible_to, today=timezone.localdate())


@cached_figures("registry", "finance")
def latest_money_day(*, visible_to: Viewer, today: date) -> date | None:
    """`latest_money_date` as of `today`, kept in the figures cache: a country's expenditures are not scanned for
    their last day on every request of the finance pages."""
    spent = _last_spent(visible_to=visible_to, up_to=today)
    if spent is not None:
        return spent
    year = Allocation.objects.visible_to(visible_to).aggregate(last=Max("year"))["last"]
    return None if year is None else min(today, date(year, 12, 31))


def latest_meal_month() -> date:
    """The month the meals page opens on: this month during a school year that has groups; otherwise May (its last
    whole month of lessons) of the latest school year with groups, so an archive or the demonstration data opens on
    a month with meals rather than an empty today."""
    from django.utils import timezone

    from eduboard.registry.selectors import latest_school_year_with_data

    today = timezone.localdate()
    latest = latest_school_year_with_data(until=today)
    if latest is None or latest.start_date <= today <= latest.end_date:
        return today.replace(day=1)
    return date(latest.end_date.year, 5, 1)


def latest_settlement_year(*, visible_to: Viewer) -> int | None:
    """The latest calendar year a settlement line of the viewer's boards starts in (the settlements page opens on
    it when the current year has none)."""
    start = SettlementLine.objects.visible_to(visible_to).aggregate(last=Max("period_start"))["last"]
    return None if start is None else start.year


@cached_figures("registry", "finance")
def allocation_utilisation(*, as_of: date, visible_to: Viewer, year: int | None = None) -> list[AllocationUse]:
    """Every allocation of the year (the year of `as_of` by default) with its spending up to `as_of` and the
    institution types it reaches. Two queries."""
    allocations = Allocation.objects.filter(year=year or as_of.year)
    allocations = allocations.visible_to(visible_to)
    rows = list(
        allocations.annotate(
            spent=Sum("expenditures__amount", filter=Q(expenditures__date__lte=as_of), default=ZERO),
            source_name=localized("source__name", Allocation),
        ).values_list(
            "pk",
            "year",
            "institution__registration_number",
            "institution__name",
            "institution__type",
            "institution_set_id",
            "institution_set__name",
            "purpose",
            "source__code",
            "source_name",
            "amount",
            "spent",
            "source__name",
            "source__name_en",
            "source__name_ru",
            "institution_set__name_en",
            "institution_set__name_ru",
        )
    )
    set_types: dict[int, set[str]] = defaultdict(set)
    set_ids = {row[5] for row in rows if row[5] is not None}
    for set_id, kind in InstitutionSet.members.through.objects.filter(institutionset_id__in=set_ids).values_list(
        "institutionset_id", "institution__type"
    ):
        set_types[set_id].add(kind)
    result = []
    for row in rows:
        pk, row_year, number, name, kind, set_id, set_name, purpose, source, source_name, amount, spent = row[:12]
        source_latvian, source_english, source_russian, set_english, set_russian = row[12:]
        result.append(
            AllocationUse(
                id=pk,
                year=row_year,
                recipient=number or set_name,
                recipient_name=name or set_name,
                purpose=purpose,
                source=source,
                source_name=source_name,
                allocated=amount,
                spent=money(spent),
                recipient_types=tuple(sorted({kind} if kind else set_types[set_id])),
                to_group=set_id is not None,
                source_names=texts_from(source_latvian, source_english, source_russian),
                recipient_names=texts_from(name) if name else texts_from(set_name, set_english, set_russian),
            )
        )
    return sorted(result, key=lambda use: (use.recipient_name, use.purpose, use.source))


def summed_per_purpose(*, uses: list[AllocationUse], listed_up_to: int = 1) -> list[AllocationUse]:
    """`uses` with the allocations to single institutions summed per year, purpose and source, one row each (a
    country's thousands of institution allocations; `institutions` says how many a sum holds); an allocation to a
    group of institutions, and the institutions' allocations of a purpose and source that are at most
    `listed_up_to` (the report: one alone), stay as they are."""
    result = [use for use in uses if use.to_group]
    single: dict[tuple[int, str, str], list[AllocationUse]] = defaultdict(list)
    for use in uses:
        if not use.to_group:
            single[(use.year, use.purpose, use.source)].append(use)
    for (year, purpose, source), group in sorted(single.items()):
        if len(group) <= listed_up_to:
            result.extend(group)
            continue
        result.append(
            AllocationUse(
                id=0,
                year=year,
                recipient="",
                recipient_name="",
                purpose=purpose,
                source=source,
                source_name=group[0].source_name,
                source_names=group[0].source_names,
                allocated=sum((use.allocated for use in group), ZERO),
                spent=sum((use.spent for use in group), ZERO),
                recipient_types=tuple(sorted({kind for use in group for kind in use.recipient_types})),
                institutions=len(group),
            )
        )
    return result


@cached_figures("registry", "finance")
def allocation_overview(*, as_of: date, visible_to: Viewer, listed_up_to: int) -> dict[str, Any]:
    """What the finance overview shows of the year's allocations as of a date: the allocations `summed_per_purpose`
    (`listed_up_to` single ones of a purpose and source listed), the totals `utilisation_by_source` and the sources'
    names. Kept in the figures cache as it is shown: a country's thousands of allocations are not read from the cache
    and summed on every request."""
    uses = allocation_utilisation(as_of=as_of, visible_to=visible_to)
    return {
        "uses": summed_per_purpose(uses=uses, listed_up_to=listed_up_to),
        "by_source": utilisation_by_source(uses=uses),
        "source_names": {use.source: use.source_name for use in uses},
    }


def utilisation_by_source(*, uses: list[AllocationUse]) -> dict[str, dict[str, Any]]:
    """Allocated, spent and utilisation summed per funding source code."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for use in uses:
        totals[use.source][0] += use.allocated
        totals[use.source][1] += use.spent
    return {
        code: {
            "allocated": money(allocated),
            "spent": money(spent),
            "utilisation_percent": percent(spent, allocated),
        }
        for code, (allocated, spent) in sorted(totals.items())
    }


# --- cost per learner per month


def month_firsts(year: int, until: date) -> list[date]:
    """The first days of the months of `year` up to `until`."""
    return [date(year, month, 1) for month in range(1, 13) if date(year, month, 1) <= until]


def cost_kind_of(level: str, group_kind: str) -> str | None:
    """The programme kind a group's learners count for in the cost per learner."""
    if level == ProgrammeLevel.PRESCHOOL:
        return CostKind.PRESCHOOL_24H if group_kind == GroupKind.TWENTY_FOUR_HOUR else CostKind.PRESCHOOL_DAY
    if level in (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY):
        return CostKind.GENERAL
    if level == ProgrammeLevel.INTEREST:
        return CostKind.INTEREST
    return None


def cost_kind_expression() -> Case:
    """`cost_kind_of` as an expression on an enrolment's group, made from that function itself (one rule)."""
    whens = [
        When(group__programme__level=level, group__kind=group_kind, then=Value(kind))
        for level in ProgrammeLevel.values
        for group_kind in GroupKind.values
        if (kind := cost_kind_of(level, group_kind)) is not None
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def learner_months(*, year: int, until: date) -> dict[int, dict[str, int]]:
    """Institution id -> programme kind -> learner-months: learners enrolled on the 1st of each month
    of `year` up to `until`, summed. A learner in two groups of one kind in one institution counts once a month.
    One query."""
    firsts = month_firsts(year, until)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not firsts:
        return counts
    # Counted in the database, one row per institution and programme kind with a count of distinct learners per
    # month (a country has 330,000 enrolments; reading them all took most of the report's cost per learner).
    on_first = {
        f"m{index}": Count("learner_id", distinct=True, filter=enrolment_holding_q(first))
        for index, first in enumerate(firsts)
    }
    rows = (
        Enrolment.objects.overlapping(firsts[0], firsts[-1])
        .annotate(cost_kind=cost_kind_expression())
        .exclude(cost_kind="")
        .order_by()
        .values_list("group__institution_id", "cost_kind")
        .annotate(**on_first)
    )
    for institution_id, kind, *per_month in rows:
        months = sum(per_month)
        if months:
            counts[institution_id][kind] += months
    return counts


def spending_by_institution(*, year: int, until: date, months: dict[int, dict[str, int]]) -> dict[int, Decimal]:
    """Spending of the year's allocations up to `until` per institution; a group's spending shared among
    its members by their learner-months. Two queries."""
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Expenditure.objects.filter(allocation__year=year, date__lte=until)
        .values_list("allocation__institution_id", "allocation__institution_set_id")
        .annotate(total=Sum("amount"))
    )
    by_set: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for institution_id, set_id, total in rows:
        if institution_id is not None:
            spent[institution_id] += total
        else:
            by_set[set_id] += total
    if by_set:
        members: dict[int, list[int]] = defaultdict(list)
        for set_id, institution_id in InstitutionSet.members.through.objects.filter(
            institutionset_id__in=by_set
        ).values_list("institutionset_id", "institution_id"):
            members[set_id].append(institution_id)
        for set_id, total in by_set.items():
            weights = {i: sum(months.get(i, {}).values()) for i in members[set_id]}
            weight_sum = sum(weights.values())
            for institution_id, weight in weights.items():
                if weight_sum:
                    spent[institution_id] += total * weight / weight_sum
    return spent


def last_spending_day(*, up_to: date, visible_to: Viewer) -> date | None:
    """The day of the last spending entered in the year of `up_to`, up to that day (one query): the date a
    report writes its money "as of" when it names none; None when nothing was spent."""
    return _last_spent(visible_to=visible_to, up_to=up_to, year=up_to.year)


def _last_spent(*, visible_to: Viewer, up_to: date, year: int | None = None) -> date | None:
    """The day of the last expenditure the viewer may see up to `up_to` (in `year` when given); one query."""
    spent = Expenditure.objects.visible_to(visible_to).filter(date__lte=up_to)
    if year is not None:
        spent = spent.filter(date__year=year)
    last: date | None = spent.aggregate(last=Max("date"))["last"]
    return last


@cached_figures("registry", "finance")
def institution_costs(*, year: int, until: date) -> tuple[dict[int, dict[str, int]], dict[int, Decimal]]:
    """Every institution's learner-months by programme kind and spending in `year` up to `until`: computed once for
    the deployment and kept, so that the cost per learner of each board (the ministry's comparison of 43) is read
    from it instead of scanning every enrolment again."""
    months = learner_months(year=year, until=until)
    spent = spending_by_institution(year=year, until=until, months=months)
    return {institution: dict(kinds) for institution, kinds in months.items()}, dict(spent)


# The deployment's learner-months and spending (`institution_costs`), read by every scope: renewed by every write.
@cached_figures("registry", "finance", beyond_scope=("registry", "finance"))
def cost_per_learner(*, as_of: date, visible_to: Viewer, year: int | None = None) -> dict[str, dict[str, Any]]:
    """Per programme kind: the approved monthly cost, the one computed from the data, and their difference.

    computed = spending ÷ learner-months, where spending is the year's expenditures up to `as_of`
    shared by institution (a group's by learner-months), then within an institution among its kinds
    by learner-months; learner-months count learners enrolled on the 1st of each month up to `as_of`.
    """
    year = year or as_of.year
    until = min(as_of, date(year, 12, 31))
    months, spent = institution_costs(year=year, until=until)
    computed = _computed_costs(months, spent, _scope_ids(visible_to))
    approved = approved_costs(year=year, visible_to=visible_to)
    result = {}
    for kind in CostKind.values:
        rate = approved.get(kind)
        cost = computed[kind]["computed"]
        result[kind] = {
            "approved": _money(rate),
            "computed": cost,
            "difference": money(cost - rate) if cost is not None and rate is not None else None,
            "spent": computed[kind]["spent"],
            "learner_months": computed[kind]["learner_months"],
        }
    return result


def cost_per_learner_by_institution(
    *, as_of: date, visible_to: Viewer, year: int | None = None
) -> dict[int, dict[str, dict[str, Any]]]:
    """Per institution in scope with learner-months (its id), per programme kind: `cost_per_learner`'s `computed`,
    `spent` and `learner_months` for that institution alone, from one computation of the deployment's
    learner-months and spending (`institution_costs`) rather than one an institution."""
    year = year or as_of.year
    months, spent = institution_costs(year=year, until=min(as_of, date(year, 12, 31)))
    scope = _scope_ids(visible_to)
    return {
        institution: _computed_costs(months, spent, {institution})
        for institution in sorted(months)
        if scope is None or institution in scope
    }


def _computed_costs(
    months: dict[int, dict[str, int]], spent: dict[int, Decimal], scope: set[int] | None
) -> dict[str, dict[str, Any]]:
    """`cost_per_learner`'s rule, per programme kind: `computed` (EUR a learner a month; None without
    learner-months), `spent` and `learner_months` of the institutions in `scope` (None: all), from
    `institution_costs`: an institution's spending shared among its kinds by learner-months."""
    kind_spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    kind_months: dict[str, int] = defaultdict(int)
    for institution_id, kinds in months.items():
        if scope is not None and institution_id not in scope:
            continue
        total_months = sum(kinds.values())
        for kind, count in kinds.items():
            kind_months[kind] += count
            kind_spent[kind] += spent.get(institution_id, ZERO) * count / total_months
    return {
        kind: {
            "computed": money(kind_spent[kind] / kind_months[kind]) if kind_months[kind] else None,
            "spent": money(kind_spent[kind]),
            "learner_months": kind_months[kind],
        }
        for kind in CostKind.values
    }


@cached_figures("registry", "finance")
def computed_costs_of_boards(*, as_of: date, parts: list[list[int]]) -> list[dict[str, dict[str, Any]]]:
    """For each part of `parts` (boards' ids), `cost_per_learner`'s `computed`, `spent` and `learner_months` per
    programme kind for a viewer narrowed to those boards' institutions (the ministry's comparison), from one
    read of the institutions' boards rather than a computation a part. Each board's own institutions only
    (`Institution.objects.boards_own`)."""
    year = as_of.year
    months, spent = institution_costs(year=year, until=min(as_of, date(year, 12, 31)))
    institutions: dict[int, list[int]] = defaultdict(list)
    for pk, board_id in Institution.objects.visible_to(WHOLE_CITY).boards_own().values_list("pk", "board_id"):
        institutions[board_id].append(pk)
    return [_computed_costs(months, spent, set(of_part(institutions, part))) for part in parts]


# --- inter-municipal settlements


def approved_costs(*, year: int, visible_to: Viewer) -> dict[str, Decimal]:
    """Programme kind -> the approved cost per learner per month in `year` of the viewer's boards: a kind whose
    boards approved different costs has none (a cost of several boards is no one's approved cost). One query."""
    found: dict[str, set[Decimal]] = defaultdict(set)
    for kind, cost in CostRate.objects.visible_to(visible_to).filter(year=year).values_list("kind", "monthly_cost"):
        found[kind].add(cost)
    return {kind: next(iter(costs)) for kind, costs in found.items() if len(costs) == 1}


def settlement_lines(
    *, date_from: date, date_to: date, visible_to: Viewer, municipality_id: int | None = None
) -> list[SettlementLine]:
    """The settlement lines of the viewer's boards whose period lies within `date_from`–`date_to`. One query."""
    lines = (
        SettlementLine.objects.visible_to(visible_to)
        .filter(period_start__gte=date_from, period_end__lte=date_to)
        .select_related("municipality")
    )
    if municipality_id is not None:
        lines = lines.filter(municipality_id=municipality_id)
    return list(lines)


def _side(lines: list[SettlementLine]) -> dict[str, Any]:
    by_level = dict.fromkeys(SettlementLevel.values, 0)
    amount_by_level = dict.fromkeys(SettlementLevel.values, ZERO)
    for line in lines:
        by_level[line.level] += line.learners
        amount_by_level[line.level] += line.amount
    return {
        "learners_by_level": by_level,
        "learners_total": sum(by_level.values()),
        "learner_months": sum(line.learners * line.months for line in lines),
        "amount_by_level": {level: money(amount) for level, amount in amount_by_level.items()},
        "amount": money(sum(amount_by_level.values(), ZERO)),
    }


def _totals(lines: list[SettlementLine]) -> dict[str, Any]:
    """Both sides of a set of lines and what they come to: receivable (incoming), due (outgoing), balance."""
    incoming = [line for line in lines if line.direction == Direction.INCOMING]
    outgoing = [line for line in lines if line.direction == Direction.OUTGOING]
    receivable = sum((line.amount for line in incoming), ZERO)
    due = sum((line.amount for line in outgoing), ZERO)
    return {
        "incoming": _side(incoming),
        "outgoing": _side(outgoing),
        "receivable": money(receivable),
        "due": money(due),
        "balance": money(receivable - due),
    }


@cached_figures("registry", "finance")
def settlement_summary(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """Learners in and out by level, and what is receivable and due, per municipality and in total.

    `incoming` (learners of other municipalities learning here) is receivable (income);
    `outgoing` (residents learning elsewhere) is due (expenses). One query.
    """
    lines = settlement_lines(date_from=date_from, date_to=date_to, visible_to=visible_to)
    by_municipality: dict[str, list[SettlementLine]] = defaultdict(list)
    for line in lines:
        by_municipality[line.municipality.name].append(line)
    total = _totals(lines)
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "incoming": total["incoming"],
        "outgoing": total["outgoing"],
        "receivable_total": total["receivable"],
        "due_total": total["due"],
        "balance": total["balance"],
        "municipalities": [
            {"municipality": name, "municipality_id": own[0].municipality_id, **_totals(own)}
            for name, own in sorted(by_municipality.items())
        ],
    }


def settlement_statement(
    *, municipality: Municipality, date_from: date, date_to: date, visible_to: Viewer
) -> dict[str, Any]:
    """The statement of the viewer's boards with one municipality for a period: its lines and their totals. One
    query."""
    lines = settlement_lines(
        date_from=date_from, date_to=date_to, visible_to=visible_to, municipality_id=municipality.pk
    )
    return {
        "municipality": municipality,
        "date_from": date_from,
        "date_to": date_to,
        "lines": lines,
        "totals": _totals(lines),
    }


# --- meal compensation


def meal_days(*, calendar: str, first: date, last: date, days_off: list[DayOff]) -> frozenset[date]:
    """Days meals are served from `first` to `last`: Monday to Friday without the days off of the calendar
    (`preschools` for preschool groups, wherever they are; `schools` for every other group)."""
    scopes = {DayOffScope.ALL, calendar}
    off = {day for entry in days_off if entry.applies_to in scopes for day in days_between(entry.start, entry.end)}
    return frozenset(day for day in days_between(first, last) if day.weekday() < 5 and day not in off)


def calendar_of(level: str) -> str:
    """The calendar of days off a group follows."""
    return DayOffScope.PRESCHOOLS if level == ProgrammeLevel.PRESCHOOL else DayOffScope.SCHOOLS


def meal_rules_in_force(*, as_of: date, board: Board) -> list[dict[str, Any]]:
    """The board's meal compensation rules valid on `as_of`, in rank order, as plain data (amounts per day as
    stored: Decimals with 3 places). One query."""
    rules = MealRule.objects.of_board(board).filter(MEAL_RULE_PERIOD.in_force_q(as_of))
    return [
        {
            "code": rule.code,
            "name": rule.name,
            "names": texts_of(rule, "name"),  # in each language, for a report
            "level": rule.level,
            "grades": f"{rule.grade_from}–{rule.grade_to}" if rule.grade_from is not None else "",
            "until": rule.yearly_until,
            "price": rule.price_per_day,
            "state": rule.state_per_day,
            "municipal": rule.municipal_per_day,
            "grounds": texts_of(rule, "grounds") if rule.grounds else None,  # in each language, for a report
            # The share of the day's price the state and the municipality cover, in whole percent (None: no price).
            "covered_percent": (
                ((rule.state_per_day + rule.municipal_per_day) * 100 / rule.price_per_day).quantize(Decimal(1))
                if rule.price_per_day
                else None
            ),
        }
        for rule in rules.order_by("rank", "code")
    ]


def catering_in_force(*, as_of: date, board: Board) -> dict[str, dict[str, Any]]:
    """The board's latest catering procurement of each kind of institution on `as_of` (one query): planned ones, and
    concluded ones whose term has not ended; per `serves`: `status`, `decided_on`, `years`, `total_amount`
    (a Decimal in euros or None), `procedure`."""
    found: dict[str, dict[str, Any]] = {}
    for contract in (
        CateringContract.objects.of_board(board).filter(decided_on__lte=as_of).order_by("-decided_on", "-pk")
    ):
        ends = date(contract.decided_on.year + contract.years, contract.decided_on.month, 1)
        if contract.serves in found or (contract.status == "concluded" and ends <= as_of):
            continue
        found[contract.serves] = {
            "status": contract.status,
            "decided_on": contract.decided_on,
            "years": contract.years,
            "total_amount": money(contract.total_amount) if contract.total_amount is not None else None,
            "procedure": contract.procedure,
            "procedures": texts_of(contract, "procedure"),  # in each language, for a report
        }
    return found


def rule_spec(rule: MealRule) -> RuleSpec:
    """The plain-data form of a stored rule."""
    until = tuple(int(part) for part in rule.yearly_until.split("-")) if rule.yearly_until else None
    return RuleSpec(
        id=rule.pk,
        board_id=rule.board_id,
        rank=rule.rank,
        level=rule.level,
        grade_from=rule.grade_from,
        grade_to=rule.grade_to,
        preparatory_year=rule.preparatory_year,
        special_needs=rule.special_needs,
        large_family=rule.large_family,
        ukrainian_civilian=rule.ukrainian_civilian,
        social_assistance=rule.social_assistance,
        declared_in_city=rule.declared_in_city,
        requires_contract=rule.requires_contract,
        valid_from=rule.valid_from,
        valid_until=rule.valid_until,
        yearly_until=until,  # type: ignore[arg-type]
        price_per_day=rule.price_per_day,
        state_per_day=rule.state_per_day,
        municipal_per_day=rule.municipal_per_day,
    )


@dataclass
class MealLine:
    """One learner's compensated days under one rule in the month."""

    learner_id: int
    name: str
    masked_code: str
    group: str
    rule_code: str
    rule_name: str
    days: int
    price_per_day: Decimal
    state_per_day: Decimal
    municipal_per_day: Decimal
    total: Decimal
    state: Decimal
    municipal: Decimal


@dataclass
class MealComputation:
    """A month's meal compensation of one institution."""

    institution: Institution
    month: date
    school_days: dict[str, int]  # calendar -> days meals are served in the month
    lines: list[MealLine] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "total": sum((line.total for line in self.lines), ZERO),
            "state": sum((line.state for line in self.lines), ZERO),
            "municipal": sum((line.municipal for line in self.lines), ZERO),
        }

    def by_rule(self) -> list[dict[str, Any]]:
        """Learners, days and amounts per rule."""
        rows: dict[str, dict[str, Any]] = {}
        for line in self.lines:
            row = rows.setdefault(
                line.rule_code,
                {
                    "rule": line.rule_name,
                    "code": line.rule_code,
                    "learners": 0,
                    "days": 0,
                    "total": ZERO,
                    "state": ZERO,
                    "municipal": ZERO,
                },
            )
            row["learners"] += 1
            row["days"] += line.days
            for key in ("total", "state", "municipal"):
                row[key] += getattr(line, key)
        return list(rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "institution": self.institution.registration_number,
            "month": self.month.strftime("%Y-%m"),
            "school_days": self.school_days,
            "totals": {key: money(value) for key, value in self.totals.items()},
            "by_rule": [
                {**row, **{key: money(row[key]) for key in ("total", "state", "municipal")}} for row in self.by_rule()
            ],
            "lines": [
                {
                    "learner_id": line.learner_id,
                    "name": line.name,
                    "personal_code": line.masked_code,
                    "group": line.group,
                    "rule": line.rule_code,
                    "days": line.days,
                    "total": money(line.total),
                    "state": money(line.state),
                    "municipal": money(line.municipal),
                }
                for line in self.lines
            ],
        }


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def _placement(enrolment: Enrolment) -> Placement:
    """An enrolment as the meal rules read it (its group, programme, school year and learner selected with it)."""
    group, learner = enrolment.group, enrolment.learner
    level = group.programme.level
    return Placement(
        enrolment_id=enrolment.pk,
        learner_id=learner.pk,
        institution_id=group.institution_id,
        board_id=group.institution.board_id,
        calendar=calendar_of(level),
        enrolled_on=enrolment.enrolled_on,
        left_on=enrolment.left_on,
        level=level,
        grade=group.grade,
        preparatory_year=level == ProgrammeLevel.PRESCHOOL
        and in_last_preschool_year(learner.birth_date, group.school_year.start_date),
        special_needs=group.programme.special_needs != SpecialNeeds.NONE,
        large_family=learner.large_family_card,
        ukrainian_civilian=learner.ukrainian_civilian,
        social_assistance=learner.social_assistance,
        declared_in_city=bool(cast(Any, enrolment).resident),  # annotated by `meal_compensation` (RESIDENT)
    )


def _meal_contracts(learner_ids: QuerySet[Enrolment, dict[str, Any]]) -> dict[int, list[tuple[date, date | None]]]:
    """Learner id -> (signed on, ended on) of each of the learners' meal contracts (one query)."""
    contracts: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for learner_id, start, end in MealContract.objects.filter(learner_id__in=learner_ids).values_list(
        "learner_id", "signed_on", "ended_on"
    ):
        contracts[learner_id].append((start, end))
    return contracts


def _meal_line(*, learner: Learner, group: str, rule: MealRule, days: int) -> MealLine:
    """A learner's `days` under a stored rule, with the amounts they come to."""
    amounts = amounts_for(rule_spec(rule), days)
    return MealLine(
        learner_id=learner.pk,
        name=f"{learner.last_name} {learner.first_name}",
        masked_code=learner.masked_code,
        group=group,
        rule_code=rule.code,
        rule_name=text_in(rule, "name"),  # in the reader's language
        days=days,
        price_per_day=rule.price_per_day,
        state_per_day=rule.state_per_day,
        municipal_per_day=rule.municipal_per_day,
        total=amounts.total,
        state=amounts.state,
        municipal=amounts.municipal,
    )


def meal_compensation(*, institution: Institution, month: date) -> MealComputation:
    """The month's compensation for the institution's learners: every learner's days under the rule that
    applied, each learner-day paid once (a learner in two institutions is paid by the enrolment that
    began first). Six queries, whatever the number of learners."""
    first, last = month_bounds(month)
    overlapping = enrolment_overlapping_q(first, last)
    learner_ids = Enrolment.objects.filter(overlapping, group__institution=institution).values("learner_id")
    rows = (
        Enrolment.objects.filter(overlapping, learner_id__in=learner_ids)
        .select_related(
            "group__programme", "group__institution", "group__school_year", "learner__declared_municipality"
        )
        .annotate(resident=ExpressionWrapper(RESIDENT, output_field=BooleanField()))
        .order_by("enrolled_on", "pk")
    )
    enrolments = list(rows)
    days_off = list(DayOff.objects.filter(start__lte=last, end__gte=first))
    calendars: dict[str, frozenset[date]] = {
        str(calendar): meal_days(calendar=calendar, first=first, last=last, days_off=days_off)
        for calendar in (DayOffScope.PRESCHOOLS, DayOffScope.SCHOOLS)
    }
    placements = [_placement(enrolment) for enrolment in enrolments]
    groups = {enrolment.pk: enrolment.group.name for enrolment in enrolments}
    contracts = _meal_contracts(learner_ids)
    stored_rules = {rule.pk: rule for rule in MealRule.objects.filter(board_id__in={p.board_id for p in placements})}
    assigned = assign_days(
        placements=placements,
        rules=[rule_spec(rule) for rule in stored_rules.values()],
        meal_days=calendars,
        contracts=contracts,
    )
    learners = {enrolment.learner_id: enrolment.learner for enrolment in enrolments}
    counted: dict[tuple[int, int, int], int] = defaultdict(int)  # (learner, enrolment, rule) -> days
    for (learner_id, _day), (placement, rule) in assigned.items():
        if placement.institution_id == institution.pk:
            counted[(learner_id, placement.enrolment_id, rule.id)] += 1
    computation = MealComputation(
        institution=institution,
        month=first,
        school_days={str(calendar): len(days) for calendar, days in calendars.items()},
    )
    for (learner_id, enrolment_id, rule_id), days in counted.items():
        computation.lines.append(
            _meal_line(learner=learners[learner_id], group=groups[enrolment_id], rule=stored_rules[rule_id], days=days)
        )
    computation.lines.sort(key=lambda line: (line.group, line.name, line.rule_code))
    return computation


# --- everything as of a date


@cached_figures("registry", "finance", beyond_scope=("registry", "finance"))  # its cost per learner
def finance_stats(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The finance figures as of a date: utilisation by allocation and by source, cost per learner, and the
    year's settlements. The data of `manage.py finance_stats` and `GET /api/finance/stats/`, figures as Decimals."""
    uses = allocation_utilisation(as_of=as_of, visible_to=visible_to)
    stats: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "sources": dict(FundingSource.objects.visible_to(visible_to).order_by("pk").values_list("code", "name")),
        "utilisation_by_allocation": [use.as_dict() for use in uses],
        "utilisation_by_source": utilisation_by_source(uses=uses),
        "cost_per_learner": cost_per_learner(as_of=as_of, visible_to=visible_to),
    }
    if sees_whole_city(visible_to):
        stats["settlements"] = settlement_summary(
            date_from=date(as_of.year, 1, 1), date_to=date(as_of.year, 12, 31), visible_to=visible_to
        )
    return stats

"""Figures of the people area as of a date (bounded queries, scoped like every read).

Rules, in one place:
- an employment holds on a day from its start date to its end date, both included;
- a pedagogue is a person holding, on the day, a rate in a pedagogical position (PositionKind.is_pedagogical);
- a pedagogue works "in several institutions" when those rates are in two or more institutions;
- pedagogues in preschool programmes are those in preschools (any pedagogical position) and, in other
  institutions, those in the position `preschool_teacher`;
- general schools are the institutions of types basic, secondary and gymnasium;
- a vacancy is open on a day when declared by then and neither filled nor withdrawn by then (a vacancy
  "filled by 1 September" is still open on 19 August);
- required training is missing when never done, expired when its renewal date has passed, and expiring
  when that date falls within the board's `training_expiry_warning_days` (90) days of the date;
- FTE figures are Decimals with 3 places, never floats; the edge (page, API, file) writes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils.translation import gettext as _

from eduboard.core.figures_cache import cached_figures, reads_beyond_scope
from eduboard.core.latvian import fold, search_words
from eduboard.core.numbers import fte, percent
from eduboard.core.scope import Viewer, institution_scope
from eduboard.core.translated import texts_of
from eduboard.people.models import (
    Employment,
    EmploymentTerms,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
    pedagogical_q,
)
from eduboard.people.rules import expiry, requirement_applies, warning_window
from eduboard.registry.boards import Board, default_fte_warning_limit, of_part
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

PRESCHOOL_TEACHER = "preschool_teacher"
GENERAL_SCHOOL_TYPES = frozenset(
    {InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM}
)


def peak_fte(*, staff_member_id: int, start_date: date, end_date: date | None, extra: Decimal = Decimal(0)) -> Decimal:
    """The highest total FTE the person holds on any day of the period, with `extra` added (a rate being saved)."""
    rates = list(
        Employment.objects.filter(staff_member_id=staff_member_id)
        .overlapping(start_date, end_date or date.max)
        .values_list("start_date", "end_date", "fte")
    )
    days = {start_date} | {max(start, start_date) for start, _end, _fte in rates}
    peak = Decimal(0)
    for day in days:
        total = sum((fte for start, end, fte in rates if start <= day and (end is None or end >= day)), Decimal(0))
        peak = max(peak, total)
    return peak + extra


def fte_warning(*, staff_member: StaffMember, start_date: date, end_date: date | None) -> str | None:
    """A warning (never an error) when the person's FTE across institutions passes the limit of the boards they
    work for (`Board.fte_warning_limit`, the lowest where they work for several; settings.FTE_WARNING_LIMIT before
    they work anywhere)."""
    total = peak_fte(staff_member_id=staff_member.pk, start_date=start_date, end_date=end_date)
    limits = Board.objects.filter(institutions__employments__staff_member=staff_member).aggregate(
        lowest=Min("fte_warning_limit")
    )
    limit: Decimal = limits["lowest"] if limits["lowest"] is not None else default_fte_warning_limit()
    if total > limit:
        return _(
            "%(person)s holds %(total)s FTE across institutions in this period, more than the limit of %(limit)s."
        ) % {"person": staff_member, "total": fte_text(total), "limit": fte_text(limit)}
    return None


def fte_text(value: Decimal) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _scope(visible_to: Viewer) -> set[int] | None:
    return institution_scope(visible_to)


def _count(people: set[int], institutions_of: dict[int, set[int]]) -> dict[str, int]:
    return {
        "pedagogues": len(people),
        "in_several_institutions": sum(1 for person in people if len(institutions_of[person]) > 1),
    }


def pedagogical_rates(*, as_of: date) -> QuerySet[Employment]:
    """The rule of who is a pedagogue on a date: the pedagogical rates holding on `as_of`, of every institution."""
    return Employment.objects.active_on(as_of).pedagogical()


def pedagogue_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """Pedagogues by institution type and institution, and how many work in several institutions (2 queries).

    Whether a person works in several institutions is a fact about the person: it is counted from all
    their rates, also those in institutions outside the user's scope, but only people with a rate in
    the scope are counted.
    """
    scope = _scope(visible_to)
    if scope is not None:
        reads_beyond_scope("people")
    rows = pedagogical_rates(as_of=as_of).values_list("staff_member_id", "institution_id", "position__code")
    institutions_of: dict[int, set[int]] = defaultdict(set)
    rates: list[tuple[int, int, str]] = []
    for person, institution_id, position in rows:
        institutions_of[person].add(institution_id)
        if scope is None or institution_id in scope:
            rates.append((person, institution_id, position))
    institutions = {
        pk: (number, name, kind)
        for pk, number, name, kind in Institution.objects.filter(pk__in={r[1] for r in rates}).values_list(
            "pk", "registration_number", "name", "type"
        )
    }
    by_type: dict[str, set[int]] = defaultdict(set)
    by_institution: dict[int, set[int]] = defaultdict(set)
    in_preschools: set[int] = set()
    preschool_in_schools: set[int] = set()
    general: set[int] = set()
    for person, institution_id, position in rates:
        kind = institutions[institution_id][2]
        by_type[kind].add(person)
        by_institution[institution_id].add(person)
        if kind == InstitutionType.PRESCHOOL:
            in_preschools.add(person)
        elif position == PRESCHOOL_TEACHER:
            preschool_in_schools.add(person)
        if kind in GENERAL_SCHOOL_TYPES:
            general.add(person)
    everyone = {person for person, _i, _p in rates}
    return {
        "pedagogues_total": len(everyone),
        "pedagogues_in_several_institutions": _count(everyone, institutions_of)["in_several_institutions"],
        "pedagogues_by_institution_type": {
            kind: _count(by_type.get(kind, set()), institutions_of) for kind in InstitutionType.values
        },
        "pedagogues_by_institution": {
            institutions[pk][0]: {
                "name": institutions[pk][1],
                "type": institutions[pk][2],
                **_count(people, institutions_of),
            }
            for pk, people in sorted(by_institution.items(), key=lambda item: institutions[item[0]][0])
        },
        "preschool_programme_pedagogues": {
            "preschools": _count(in_preschools, institutions_of),
            "schools": _count(preschool_in_schools, institutions_of),
            **_count(in_preschools | preschool_in_schools, institutions_of),
        },
        "general_school_pedagogues": _count(general, institutions_of),
    }


def staff_fte_by_institution(*, as_of: date, visible_to: Viewer) -> dict[str, dict[str, Any]]:
    """Per institution's registration number on `as_of` (2 queries): `pedagogues` and `staff` (distinct people with a
    pedagogical rate, `pedagogical_rates`, or any rate holding there) and `pedagogues_fte` and `staff_fte` (the sums
    of those rates). A person with two rates in one institution counts once and adds both rates."""
    found: dict[str, dict[str, Any]] = {}
    rates = Employment.objects.active_on(as_of).visible_to(visible_to).order_by()
    pedagogical = set(rates.pedagogical().values_list("pk", flat=True))  # `pedagogical_rates` in scope
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rows = rates.values_list("pk", "institution__registration_number", "staff_member_id", "fte")
    for pk, number, person, rate in rows:
        for measure in ("staff", "pedagogues") if pk in pedagogical else ("staff",):
            people[(number, measure)].add(person)
            sums[(number, measure)] += rate or 0
    for number in sorted({number for number, _measure in people}):
        found[number] = {measure: len(people.get((number, measure), ())) for measure in ("pedagogues", "staff")} | {
            f"{measure}_fte": fte(sums.get((number, measure), Decimal(0))) for measure in ("pedagogues", "staff")
        }
    return found


def staff_count_at(*, kind: str, as_of: date, visible_to: Viewer) -> int:
    """People employed on `as_of` at institutions of type `kind` (one query): seed 002's "3 izglītojošo nodarbību
    organizatori" of the innovation centre."""
    employments: QuerySet[Employment] = (
        Employment.objects.active_on(as_of).visible_to(visible_to).filter(institution__type=kind)
    )
    return employments.values("staff_member").distinct().count()


def employment_terms_figures(*, kind: str, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """Employments (posts) holding on `as_of` at institutions of type `kind` by their terms (one query):
    `employments`, `permanent`, `fixed_term`, and `permanent_percent` (permanent ÷ employments, core.numbers.percent;
    None without employments). Seed 002: "Pastāvīgais darbs BJC “Jaunība” ir 84% darbiniekiem" (101 of 120)."""
    employments: QuerySet[Employment] = (
        Employment.objects.active_on(as_of).visible_to(visible_to).filter(institution__type=kind)
    )
    counted = employments.aggregate(
        employments=Count("pk"), permanent=Count("pk", filter=Q(terms=EmploymentTerms.PERMANENT))
    )
    whole, permanent = int(counted["employments"]), int(counted["permanent"])
    return {
        "employments": whole,
        "permanent": permanent,
        "fixed_term": whole - permanent,
        "permanent_percent": percent(permanent, whole),
    }


def open_vacancies(*, as_of: date, visible_to: Viewer) -> list[Vacancy]:
    """Vacancies open on `as_of` in the user's scope (one query)."""
    vacancies = Vacancy.objects.open_on(as_of)
    vacancies = vacancies.visible_to(visible_to)
    return list(
        vacancies.select_related("institution", "position").order_by("institution__sort_name", "position__name", "pk")
    )


def vacancy_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """Open vacancies grouped by institution (registration number) with position, subject and FTE, and totals."""
    grouped: dict[str, dict[str, Any]] = {}
    total = Decimal(0)
    vacancies = open_vacancies(as_of=as_of, visible_to=visible_to)
    for vacancy in vacancies:
        entry = grouped.setdefault(
            vacancy.institution.registration_number,
            {"institution": vacancy.institution.name, "positions": [], "fte": Decimal(0)},
        )
        entry["positions"].append(
            {
                "position": vacancy.position.code,
                "position_name": vacancy.position.name,
                "position_names": texts_of(vacancy.position, "name"),  # in each language, for a report
                "subject": vacancy.subject,
                "fte": fte(vacancy.fte),
                "published_on": vacancy.published_on.isoformat() if vacancy.published_on else None,
                # The day it is to be filled, when known (seed 002: "tiks aizpildīta līdz 01.09.2024.").
                "filled_on": vacancy.filled_on.isoformat() if vacancy.filled_on else None,
            }
        )
        entry["fte"] += vacancy.fte
        total += vacancy.fte
    for entry in grouped.values():
        entry["fte"] = fte(entry["fte"])
    return {
        "vacancies": dict(sorted(grouped.items())),
        "vacancies_count": len(vacancies),
        "vacancies_fte_total": fte(total),
    }


@dataclass(frozen=True)
class TrainingGap:
    """A staff member whose required training is missing, expired or expiring soon."""

    staff_member_id: int
    name: str
    requirement_id: int
    requirement: str
    status: str  # missing | expired | expiring
    completed_on: date | None
    expires_on: date | None


@cached_figures("registry", "people")
def training_gaps(*, as_of: date, visible_to: Viewer, institution: int | None = None) -> list[TrainingGap]:
    """Staff (with a rate on `as_of`, in `institution` when given) whose required training is missing, expired
    or expiring (4 queries), in the Latvian order of their names."""
    employments = Employment.objects.active_on(as_of)
    employments = employments.visible_to(visible_to)
    if institution is not None:
        employments = employments.filter(institution_id=institution)
    positions: dict[int, set[int]] = defaultdict(set)
    warned_days: dict[int, int] = {}  # each person's board's warning days (the longest where they work for several)
    for person, position, days in employments.values_list(
        "staff_member_id", "position_id", "institution__board__training_expiry_warning_days"
    ):
        positions[person].add(position)
        warned_days[person] = max(days, warned_days.get(person, 0))
    if not positions:
        return []
    pedagogical = set(PositionKind.objects.filter(pedagogical_q(path="")).values_list("pk", flat=True))
    requirements = list(TrainingRequirement.objects.prefetch_related("positions"))
    named = {req.pk: {p.pk for p in req.positions.all()} for req in requirements}
    latest = {
        (person, requirement): completed
        # The people as a subquery, not a list of ids: a country's 40,000 ids made each query 4 times slower.
        for person, requirement, completed in TrainingRecord.objects.filter(
            staff_member_id__in=employments.values("staff_member_id"), completed_on__lte=as_of
        )
        .values_list("staff_member_id", "requirement_id")
        .annotate(last=Max("completed_on"))
        .values_list("staff_member_id", "requirement_id", "last")
    }
    names: dict[int, str] = {}
    order: dict[int, str] = {}
    for pk, first, last, key in StaffMember.objects.filter(pk__in=employments.values("staff_member_id")).values_list(
        "pk", "first_name", "last_name", "sort_name"
    ):
        names[pk] = f"{last} {first}"
        order[pk] = key
    gaps: list[TrainingGap] = []
    for person in sorted(positions, key=lambda pk: (order[pk], pk)):
        held = positions[person]
        for requirement in requirements:
            if not requirement_applies(requirement, held, bool(held & pedagogical), named[requirement.pk]):
                continue
            completed = latest.get((person, requirement.pk))
            expires = expiry(completed, requirement.renewal_months) if completed else None
            if completed is None:
                status = "missing"
            elif expires is not None and expires < as_of:
                status = "expired"
            elif expires is not None and expires <= warning_window(as_of, warned_days[person]):
                status = "expiring"
            else:
                continue
            gaps.append(
                TrainingGap(person, names[person], requirement.pk, requirement.name, status, completed, expires)
            )
    return gaps


#: Gaps a page of the mandatory training list shows.
TRAINING_PAGE_SIZE = 50


def filter_gaps(gaps: list[TrainingGap], *, words: str, requirement: int | None, status: str) -> list[TrainingGap]:
    """The gaps whose name holds every word typed (case and diacritics aside), of a requirement and a status."""
    wanted = search_words(words)
    return [
        gap
        for gap in gaps
        if (not status or gap.status == status)
        and (requirement is None or gap.requirement_id == requirement)
        and all(word in fold(gap.name) for word in wanted)
    ]


@dataclass(frozen=True)
class TrainingGapPage:
    """One page of the training gaps a filter finds: its rows, its number, how many the filter finds in all, and the
    gaps by status before the filter (the page's summary)."""

    rows: list[TrainingGap]
    number: int
    found: int
    counts: dict[str, int]


def gaps_by_status(gaps: list[TrainingGap]) -> dict[str, int]:
    """How many of `gaps` are missing, expired and expiring."""
    counts = dict.fromkeys(("missing", "expired", "expiring"), 0)
    for gap in gaps:
        counts[gap.status] += 1
    return counts


def training_gap_page(
    *,
    as_of: date,
    visible_to: Viewer,
    institution: int | None = None,
    words: str = "",
    requirement: int | None = None,
    status: str = "",
    page: int = 1,
) -> TrainingGapPage:
    """A page of `training_gaps` (TRAINING_PAGE_SIZE rows; a page beyond the last is the last), kept in the figures
    cache per page and filter, so a country's tens of thousands of gaps are read from it once per change, not on
    every request; a search by words, rarely asked twice, is made from the kept gaps instead of being kept itself."""
    read = _gap_page.uncached if words else _gap_page  # type: ignore[attr-defined]
    found: TrainingGapPage = read(
        as_of=as_of,
        visible_to=visible_to,
        institution=institution,
        words=words,
        requirement=requirement,
        status=status,
        page=page,
    )
    return found


@cached_figures("registry", "people")
def _gap_page(
    *,
    as_of: date,
    visible_to: Viewer,
    institution: int | None,
    words: str,
    requirement: int | None,
    status: str,
    page: int,
) -> TrainingGapPage:
    gaps = training_gaps(as_of=as_of, visible_to=visible_to, institution=institution)
    found = filter_gaps(gaps, words=words, requirement=requirement, status=status)
    shown = Paginator(found, TRAINING_PAGE_SIZE).get_page(page)
    return TrainingGapPage(list(shown.object_list), shown.number, len(found), gaps_by_status(gaps))


@cached_figures("registry", "people", beyond_scope=("people",))
def staff_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The pedagogues' and the vacancies' figures as of a date (`pedagogue_figures` and `vacancy_figures`): what the
    readiness report reads, without the training gaps of every person that `people_stats` adds."""
    return {
        "as_of": as_of.isoformat(),
        **pedagogue_figures(as_of=as_of, visible_to=visible_to),
        **vacancy_figures(as_of=as_of, visible_to=visible_to),
    }


@cached_figures("registry", "people")
def staff_totals_of_boards(*, as_of: date, parts: list[list[int]]) -> list[dict[str, Any]]:
    """For each part of `parts` (boards' ids), `pedagogues_total` and `vacancies_fte_total` of `staff_figures` for
    a viewer narrowed to those boards' institutions (the ministry's comparison), from one read of the deployment's
    pedagogical rates and open vacancies rather than two a part (a person with rates in two boards counts once in
    each and once in their total). Each board's own institutions only (`Institution.objects.boards_own`)."""
    own = Institution.objects.boards_own()
    people: dict[int, set[int]] = defaultdict(set)
    rates = pedagogical_rates(as_of=as_of).filter(institution__in=own)
    for person, board in rates.values_list("staff_member_id", "institution__board_id"):
        people[board].add(person)
    vacant: dict[int, list[Decimal]] = defaultdict(list)
    open_vacancies = Vacancy.objects.open_on(as_of).filter(institution__in=own)
    for board, amount in open_vacancies.values_list("institution__board_id", "fte"):
        vacant[board].append(amount)
    return [
        {
            "pedagogues_total": len(set(of_part(people, part))),
            "vacancies_fte_total": fte(sum(of_part(vacant, part), Decimal(0))),
        }
        for part in parts
    ]


@cached_figures("registry", "people", beyond_scope=("people",))
def people_stats(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """Every people figure as of a date, as plain data (FTE as Decimals): `staff_figures` and the training gaps;
    the data of `manage.py people_stats` and `GET /api/people/stats/`."""
    gaps = training_gaps(as_of=as_of, visible_to=visible_to)
    by_status = gaps_by_status(gaps)
    return {
        **staff_figures(as_of=as_of, visible_to=visible_to),
        "training_gaps": [
            {
                "staff_member": gap.staff_member_id,
                "name": gap.name,
                "requirement": gap.requirement,
                "status": gap.status,
                "completed_on": gap.completed_on.isoformat() if gap.completed_on else None,
                "expires_on": gap.expires_on.isoformat() if gap.expires_on else None,
            }
            for gap in gaps
        ],
        "training_gaps_by_status": by_status,
    }


def institution_staff_figures(*, institution: Institution, as_of: date) -> dict[str, Any]:
    """An institution's staff on `as_of` (3 queries): `pedagogues` and `staff` (distinct people with a rate there,
    pedagogical or any), `by_position` ([(position name, people)], most first), and `qualifications`
    ([(qualification title, pedagogues holding it)], most first; a person counts once per title)."""
    rates = Employment.objects.active_on(as_of).filter(institution=institution)
    pedagogues = rates.pedagogical().values("staff_member_id")
    by_position = (
        rates.order_by()
        .values_list("position__name")
        .annotate(n=Count("staff_member_id", distinct=True))
        .values_list("position__name", "n")
    )
    qualifications = (
        Qualification.objects.filter(staff_member_id__in=pedagogues)
        .order_by()
        .values_list("title")
        .annotate(n=Count("staff_member_id", distinct=True))
        .values_list("title", "n")
    )
    return {
        "pedagogues": pedagogues.distinct().count(),
        "staff": rates.values("staff_member_id").distinct().count(),
        "by_position": sorted(by_position, key=lambda row: (-row[1], row[0])),
        "qualifications": sorted(qualifications, key=lambda row: (-row[1], row[0])),
    }

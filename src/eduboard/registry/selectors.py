"""Reads of the registry that compute figures, as of a date.

The rules of "as of" live here, in one place:
- the school year the figures describe is the one containing the date; from June to August it is the
  coming one once its groups exist, since in summer the board reports on the year about to start;
- an institution counts when open on the date (or on the year's first day, for a summer date);
- a learner counts on a date when enrolled in a group of that school year, enrolled on or before the
  date (or on or before the year's first day, for a summer date), and not left by the date
  (`left_on` is the first day the learner is no longer in the group);
- first graders are learners in grade 1 of basic programmes; admitted to grade 10, in grade 10 of
  secondary programmes;
- free places of a group are its capacity less the learners counted, never below zero; groups
  without a capacity have no free places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from eduboard.core.dates import same_day_a_year_before
from eduboard.core.figures_cache import cached_figures, reads_beyond_scope
from eduboard.core.latvian import sort_key
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_code_for
from eduboard.core.scope import WHOLE_CITY, Viewer, institution_scope, scoped, sees_whole_city
from eduboard.registry.board_scope import boards_own_viewer
from eduboard.registry.boards import of_part, several_boards, viewer_boards
from eduboard.registry.choices import InstitutionType, ProgrammeLevel, QueueStatus
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    InstitutionQuerySet,
    Licence,
    QueueEntry,
    ResidentsElsewhere,
    enrolment_holding_q,
    institution_active_q,
)
from eduboard.registry.rules import LICENCE_PERIOD, age_on, queue_lines, queue_order_key

LEVELS = [level.value for level in ProgrammeLevel]
IN_BATCH = 900  # at most this many ids in one `IN (…)` (SQLite allows 999 parameters a statement)
IN_LIST_POSTGRESQL = 30_000  # the same on PostgreSQL, whose limit is 65,535 parameters


def _scoped(queryset: QuerySet[Any], visible_to: Viewer) -> QuerySet[Any]:
    return scoped(queryset, visible_to)


def reporting_school_year(*, as_of: date) -> SchoolYear | None:
    """The school year that figures as of `as_of` describe (see the module's rules)."""
    if as_of.month in (6, 7, 8):
        coming = SchoolYear.objects.filter(code=f"{as_of.year}/{as_of.year + 1}").first()
        if coming is not None and Group.objects.filter(school_year=coming).exists():
            return coming
    return SchoolYear.objects.filter(code=school_year_code_for(as_of)).first()


def default_as_of() -> date:
    """The default date of every page: today when today's reporting school year has groups (data); otherwise the
    first day of the latest school year with groups, up to today (archives, demos): its first day, so that "a year
    before" falls in the year before it. A school year made for planning (a self-assessment of the next year) has no
    groups, so it never moves the default."""
    today = timezone.localdate()
    year = reporting_school_year(as_of=today)
    if year is not None and Group.objects.filter(school_year=year).exists():
        return today
    latest = latest_school_year_with_data(until=today)
    return latest.start_date if latest is not None else today


def latest_school_year_with_data(*, until: date) -> SchoolYear | None:
    """The latest school year begun by `until` that has groups: a year made for planning (no groups) is not one."""
    with_groups = SchoolYear.objects.filter(pk__in=Group.objects.values("school_year"), start_date__lte=until)
    return with_groups.order_by("-start_date").first()


def active_enrolments(*, school_year: SchoolYear, as_of: date) -> QuerySet[Enrolment]:
    """Enrolments that count on `as_of` in groups of `school_year` (`EnrolmentQuerySet.holding_on`)."""
    return Enrolment.objects.holding_on(as_of, school_year=school_year)


def active_enrolment_filter(*, school_year: SchoolYear, as_of: date, prefix: str = "enrolments__") -> Q:
    """The same rule as `active_enrolments`, as a filter on a related name from groups of `school_year`."""
    return enrolment_holding_q(as_of, school_year=school_year, prefix=prefix)


class GroupFigures(NamedTuple):
    """One group of the reporting year, with the learners counted in it on the date.

    A named tuple (immutable, as a frozen dataclass) because it is made once per group, 16,000 times
    on the national set, and a frozen dataclass's `__init__` costs several times as much.
    """

    pk: int
    registration_number: str
    institution_type: str
    level: str
    grade: int | None
    capacity: int | None
    enrolled: int
    from_other_municipalities: int
    board_id: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.enrolled, 0) if self.capacity is not None else 0


# An enrolment of a learner declared in a municipality other than the home of the board their institution belongs
# to: the board's municipality; for the deployment's home board (its municipality flagged as home, or none set
# yet), also every municipality flagged as home (HOME_MUNICIPALITY_NAMES: "Daugavpils", "Daugavpils pilsēta", …).
_HOME_BOARD = Q(group__institution__board__municipality__isnull=True) | Q(
    group__institution__board__municipality__is_home=True
)
_AT_HOME = Q(learner__declared_municipality=F("group__institution__board__municipality")) | (
    Q(learner__declared_municipality__is_home=True) & _HOME_BOARD
)
OTHER_MUNICIPALITY = Q(learner__declared_municipality__isnull=False) & ~_AT_HOME
# An enrolment of a learner declared in the municipality of the board their institution belongs to (the board's
# resident there; a learner with no declaration is neither).
RESIDENT = Q(learner__declared_municipality__isnull=False) & _AT_HOME
# An enrolment of a resident of one board of the deployment in another board's institution: the board of the
# learner's municipality pays the institution's board (finance.board_settlements, residents_learning_elsewhere).
CROSSING_BOARDS = Q(learner__declared_municipality__board__isnull=False) & ~Q(
    learner__declared_municipality__board=F("group__institution__board")
)


def group_figures(*, as_of: date, visible_to: Viewer, others: bool = True) -> list[GroupFigures]:
    """Every group of the reporting year with its learners counted (four queries, read as tuples).

    The whole-city figures are sums over these rows: one scan of the enrolments grouped by group,
    rather than model instances and `COUNT(DISTINCT …)`s, and the learners from other
    municipalities counted apart, from those learners' side, so that the scan of every enrolment
    need not join every learner (see docs/performance.md). `others=False` leaves those at 0 without reading them,
    for a caller that does not show them (half the time on the country's set).
    """
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return []
    enrolments = _scoped(active_enrolments(school_year=year, as_of=as_of), visible_to)
    # Counted from the groups' side (`GROUP BY registry_group.id`, one filter so one join): the same
    # enrolments, but SQLite reads the groups in id order and so counts without sorting the
    # 326,000 enrolments first (0.18 s → 0.12 s on the national set).
    year_groups = _scoped(Group.objects.filter(school_year=year), visible_to)
    counts = dict(
        year_groups.filter(active_enrolment_filter(school_year=year, as_of=as_of))
        .order_by()
        .values_list("pk")
        .annotate(n=Count("enrolments"))
        .values_list("pk", "n")
    )
    other = (
        dict(
            enrolments.filter(OTHER_MUNICIPALITY)  # the one rule: home is the municipality of the institution's board
            .values_list("group_id")
            .annotate(n=Count("pk"))
            .values_list("group_id", "n")
        )
        if others
        else {}
    )
    rows = year_groups.values_list(
        "pk",
        "institution__registration_number",
        "institution__type",
        "programme__level",
        "grade",
        "capacity",
        "institution__board_id",
    )
    return [
        GroupFigures(pk, number, kind, level, grade, capacity, counts.get(pk, 0), other.get(pk, 0), board)
        for pk, number, kind, level, grade, capacity, board in rows
    ]


@dataclass(frozen=True)
class LearnerFigures:
    """Learners counted on a date, by level, with the grades and residences the report needs."""

    by_level: dict[str, int]
    total: int
    first_graders: int
    grade10_admitted: int
    from_other_municipalities: dict[str, int]
    from_other_municipalities_total: int = 0  # each learner once, also one in groups of two levels


def _is_first_grade(group: GroupFigures) -> bool:
    return group.level == ProgrammeLevel.BASIC and group.grade == 1


def _is_grade10(group: GroupFigures) -> bool:
    return group.level == ProgrammeLevel.SECONDARY and group.grade == 10


def learner_figures(*, as_of: date, visible_to: Viewer, groups: list[GroupFigures] | None = None) -> LearnerFigures:
    """Learners by level, first graders, grade 10 and learners from other municipalities.

    A learner counts once per figure even when enrolled in two groups at once: the per-group sums
    are corrected by the few learners with more than one active enrolment (one query; two more
    when `groups` is not given).
    """
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return counted_learners([], [])
    if groups is None:
        groups = group_figures(as_of=as_of, visible_to=visible_to)
    return counted_learners(groups, enrolled_in_several(as_of=as_of, visible_to=visible_to, groups=groups))


#: A learner with more than one active enrolment: whether they are from another municipality, and their groups.
Several = tuple[bool, list[GroupFigures]]


def enrolled_in_several(*, as_of: date, visible_to: Viewer, groups: list[GroupFigures]) -> list[Several]:
    """The learners counted in more than one of `groups` (the viewer's `group_figures` of `as_of`): for each,
    whether they are from another municipality and the groups they count in (one query; two when any)."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return []
    # Their ids come from one scan of the enrolments (no join to the learners); their groups only when any.
    # On SQLite the scan finds candidates instead: the learners with two or more enrolments in the
    # year's groups, whatever their dates. That needs only each enrolment's learner and group, which
    # the unique (learner, group) index holds in learner order, so SQLite reads that index alone and
    # does not sort (`group_id + 0` keeps it from searching the group index instead): 0.10 s instead
    # of 0.24 s on the national set. PostgreSQL reads the same index in order either way, so it keeps
    # the exact filter. A candidate with only one enrolment that counts on the date corrects nothing
    # in `counted_learners`, so the figures are the same.
    enrolments = _scoped(active_enrolments(school_year=year, as_of=as_of), visible_to)
    if connection.vendor == "sqlite":
        year_groups = _scoped(Group.objects.filter(school_year=year), visible_to).values("pk")
        several_scan: QuerySet[Any] = Enrolment.objects.alias(in_group=F("group_id") + 0).filter(
            in_group__in=year_groups
        )
    else:
        several_scan = enrolments
    several_query = several_scan.order_by().values("learner_id").annotate(n=Count("pk")).filter(n__gt=1)
    several: Any = list(several_query.values_list("learner_id", flat=True))
    learners: dict[int, Several] = {}
    if several:
        # Many: as a subquery again rather than a long list of ids; PostgreSQL takes a long list (up to 65,535
        # parameters), and reads 1,080 listed learners of the country's set in 0.09 s against 1.6 s as a subquery.
        if len(several) > (IN_BATCH if connection.vendor == "sqlite" else IN_LIST_POSTGRESQL):
            several = several_query.values("learner_id")
        by_group = {group.pk: group for group in groups}
        for learner_id, group_id, is_other in enrolments.filter(learner_id__in=several).values_list(
            "learner_id", "group_id", ExpressionWrapper(OTHER_MUNICIPALITY, output_field=BooleanField())
        ):
            learners.setdefault(learner_id, (bool(is_other), []))[1].append(by_group[group_id])
    return list(learners.values())


def counted_learners(groups: list[GroupFigures], several: list[Several]) -> LearnerFigures:
    """The rule of counting learners: the sums over `groups` (each group's learners on the date), each learner of
    `several` counted once per figure although they count in several of the groups (once per level, once in
    the total; a learner from elsewhere in groups of two levels once in each level and once in the total)."""
    by_level, other = dict.fromkeys(LEVELS, 0), dict.fromkeys(LEVELS, 0)
    first = grade10 = total = 0
    for group in groups:
        by_level[group.level] += group.enrolled
        other[group.level] += group.from_other_municipalities
        total += group.enrolled
        first += group.enrolled if _is_first_grade(group) else 0
        grade10 += group.enrolled if _is_grade10(group) else 0
    for is_other, in_groups in several:
        if not in_groups:
            continue
        total -= len(in_groups) - 1
        first -= max(sum(map(_is_first_grade, in_groups)) - 1, 0)
        grade10 -= max(sum(map(_is_grade10, in_groups)) - 1, 0)
        for level in {group.level for group in in_groups}:
            extra = sum(group.level == level for group in in_groups) - 1
            by_level[level] -= extra
            other[level] -= extra if is_other else 0
    other_total = sum(other.values()) - sum(
        len({group.level for group in in_groups}) - 1 for is_other, in_groups in several if is_other and in_groups
    )
    return LearnerFigures(by_level, total, first, grade10, other, other_total)


@dataclass(frozen=True)
class Places:
    """Capacity, learners and free places of one institution or of all."""

    capacity: int = 0
    enrolled: int = 0
    free: int = 0

    def __add__(self, other: Places) -> Places:
        return Places(self.capacity + other.capacity, self.enrolled + other.enrolled, self.free + other.free)


def groups_with_places(*, as_of: date, visible_to: Viewer, institution: Institution | None = None) -> list[Group]:
    """Groups of the reporting year as model instances, each with `enrolled` and `free` (one query; for pages)."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return []
    groups = _scoped(Group.objects.filter(school_year=year), visible_to)
    if institution is not None:
        groups = groups.filter(institution=institution)
    groups = groups.select_related("institution", "programme", "school_year").annotate(
        enrolled=Count("enrolments", filter=active_enrolment_filter(school_year=year, as_of=as_of))
    )
    result = list(groups.order_by("institution__sort_name", "grade", "sort_name"))
    for group in result:
        group.free = max(group.capacity - group.enrolled, 0) if group.capacity is not None else 0
    return result


def places_by_institution(*, groups: list[Group] | list[GroupFigures]) -> dict[str, Places]:
    """Capacity, learners and free places per institution (by registration number)."""
    sums: dict[str, list[int]] = {}  # plain sums first: one Places per institution, not one per group
    for group in groups:
        number = group.registration_number if isinstance(group, GroupFigures) else group.institution.registration_number
        capacity, enrolled = group.capacity or 0, group.enrolled  # type: ignore[union-attr]
        free = max(capacity - enrolled, 0) if group.capacity is not None else 0
        row = sums.get(number)
        if row is None:
            sums[number] = [capacity, enrolled, free]
        else:
            row[0] += capacity
            row[1] += enrolled
            row[2] += free
    return {number: Places(*row) for number, row in sums.items()}


def preschool_free_places(*, groups: list[GroupFigures]) -> dict[str, int]:
    """Free places in preschool groups: in preschools, in schools, and in all (seed 002: 65 + 83 = 148)."""
    in_preschools = in_schools = 0
    for group in groups:
        if group.level != ProgrammeLevel.PRESCHOOL:
            continue
        if group.institution_type == InstitutionType.PRESCHOOL:
            in_preschools += group.free
        else:
            in_schools += group.free
    return {"preschools": in_preschools, "schools": in_schools, "total": in_preschools + in_schools}


def queue_waiting(*, as_of: date, visible_to: Viewer) -> dict[str, int]:
    """Children waiting on `as_of`, by age in whole years on that date (one query)."""
    entries = _scoped(QueueEntry.objects.filter(registered_on__lte=as_of), visible_to).filter(
        Q(status=QueueStatus.WAITING) | Q(status_changed_on__gt=as_of)
    )
    by_age: dict[str, int] = defaultdict(int)
    for birth_date in entries.values_list("child__birth_date", flat=True):
        by_age[str(age_on(birth_date, as_of))] += 1
    return dict(sorted(by_age.items(), key=lambda item: int(item[0])))


def special_programmes_by_institution(*, as_of: date, visible_to: Viewer) -> dict[str, list[str]]:
    """Codes of the special programmes each institution runs (its groups of the year) or is licensed for."""
    year = reporting_school_year(as_of=as_of)
    found: dict[str, set[str]] = defaultdict(set)
    if year is not None:
        pairs = (
            _scoped(Group.objects.filter(school_year=year), visible_to)
            .exclude(programme__special_needs="none")
            .values_list("institution__registration_number", "programme__code")
            .distinct()
        )
        for number, code in pairs:
            found[number].add(code)
    licences = (
        _scoped(Licence.objects.exclude(programme__special_needs="none"), visible_to)
        .filter(LICENCE_PERIOD.in_force_q(as_of))
        .values_list("institution__registration_number", "programme__code")
    )
    for number, code in licences:
        found[number].add(code)
    return {number: sorted(codes) for number, codes in sorted(found.items())}


def residents_learning_elsewhere(*, as_of: date, visible_to: Viewer) -> dict[str, int]:
    """Residents of the viewer's boards learning in other municipalities, by level, in the reporting year of
    `as_of`: those learning in another board's institutions on this deployment counted from the enrolments holding
    on the reporting day (the learners that board counts as from other municipalities: the same figure on both
    sides, `CROSSING_BOARDS`), and those learning in municipalities not on the deployment as those reported them
    (typed counts of the viewer's boards). Two queries at most."""
    year = reporting_school_year(as_of=as_of)
    result = dict.fromkeys(LEVELS, 0)
    if year is None:
        return result
    reported = ResidentsElsewhere.objects.visible_to(visible_to).filter(
        school_year=year, municipality__board__isnull=True
    )
    for level, learners in reported.values_list("level", "learners"):
        result[level] += learners
    if not several_boards():
        return result
    reads_beyond_scope("registry")  # another board's enrolments of the viewer's boards' residents
    mine = viewer_boards(visible_to)
    for (board, level), count in crossing_residents(as_of=as_of).items():
        if mine is None or board in mine:
            result[level] += count
    return result


@cached_figures("registry")
def crossing_residents(*, as_of: date) -> dict[tuple[int, str], int]:
    """{(board, level): residents of the board's municipality learning in another board's institutions} in the
    reporting year of `as_of`, from the enrolments holding on its reporting day: one scan for every board, kept (a
    learner is declared in one municipality, so the boards' counts add up without counting anyone twice)."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return {}
    crossing = Enrolment.objects.holding_on(reporting_day(as_of=as_of), school_year=year).filter(
        CROSSING_BOARDS, group__programme__level__in=LEVELS
    )
    rows = (
        crossing.values_list("learner__declared_municipality__board", "group__programme__level")
        .annotate(n=Count("learner", distinct=True))
        .order_by()
    )
    return {(board, level): count for board, level, count in rows}


def reporting_day(*, as_of: date) -> date:
    """The day institutions must be open on to count: `as_of`, or the reporting year's first day if later."""
    year = reporting_school_year(as_of=as_of)
    return max(as_of, year.start_date) if year is not None else as_of


def institution_names(*, visible_to: Viewer, registration_numbers: Iterable[str]) -> dict[str, str]:
    """{registration number: name} of the institutions named that the viewer sees, in the registry's name order."""
    rows = Institution.objects.visible_to(visible_to).filter(registration_number__in=list(registration_numbers))
    return dict(rows.order_by("sort_name", "pk").values_list("registration_number", "name"))


@cached_figures("registry")
def institutions_by_type(*, as_of: date | None = None, visible_to: Viewer, boards_own: bool = False) -> dict[str, int]:
    """Institutions working on the reporting day of `as_of` (all, when no date), by type code (one query);
    only the board's own (`InstitutionQuerySet.boards_own`) when `boards_own`."""
    institutions = cast(InstitutionQuerySet, _scoped(Institution.objects.all(), visible_to))
    if boards_own:
        institutions = cast(InstitutionQuerySet, institutions.boards_own())
    if as_of is not None:
        institutions = institutions.active_on(reporting_day(as_of=as_of))
    counts = dict(institutions.values_list("type").annotate(n=Count("pk")).values_list("type", "n"))
    return {code: counts.get(code, 0) for code in InstitutionType.values}


class ClosedInstitution(NamedTuple):
    """An institution closed before a school year, as the report writes it: the council's decision in each language
    (`notes`), and the institution it joined with its name in the dative ("pievienojot to … vidusskolai")."""

    name: str
    notes: dict[str, str]
    joined: str
    joined_dative: str


def closed_before(*, day: date, visible_to: Viewer) -> list[ClosedInstitution]:
    """The institutions closed in the year up to `day` (the start of a school year), in Latvian order of their
    names (one query): seed 002's liquidations and reorganisations."""
    rows = _scoped(Institution.objects.closed_between(same_day_a_year_before(day), day), visible_to).values_list(
        "name",
        "reorganisation_note",
        "reorganisation_note_en",
        "reorganisation_note_ru",
        "joined_to__name",
        "joined_to__name_dative",
    )
    closed = [
        ClosedInstitution(
            name=name,
            notes={"lv": note, "en": note_en, "ru": note_ru},
            joined=joined or "",
            joined_dative=joined_dative or joined or "",
        )
        for name, note, note_en, note_ru, joined, joined_dative in rows
    ]
    return sorted(closed, key=lambda row: sort_key(row.name))


def groups_by_level_count(*, as_of: date, visible_to: Viewer) -> dict[str, int]:
    """Groups of the reporting year by programme level (one query)."""
    result = dict.fromkeys(LEVELS, 0)
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return result
    groups = _scoped(Group.objects.filter(school_year=year), visible_to)
    for level, count in (
        groups.values_list("programme__level").annotate(n=Count("pk")).values_list("programme__level", "n")
    ):
        result[level] = count
    return result


def registry_stats(*, as_of: date, visible_to: Viewer, groups: list[GroupFigures] | None = None) -> dict[str, Any]:
    """Every registry figure of the readiness report, as of a date, as plain JSON-ready data: those of the
    viewer's institutions (`registry_figures`) and their boards' residents learning elsewhere (`residents_figures`,
    which read other boards' enrolments and so are renewed by every board's writes; kept apart, so the others are
    renewed by the viewer's boards' writes only).

    `groups`: the `group_figures` of the same date and scope when the caller has read them already
    (the readiness report needs them too), so the enrolments are not scanned twice.
    """
    return {
        **registry_figures(as_of=as_of, visible_to=visible_to, groups=groups),
        **residents_figures(as_of=as_of, visible_to=visible_to),
    }


@cached_figures("registry", beyond_scope=("registry",))
def residents_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The viewer's boards' residents learning in other municipalities, by level and in total (the board's roles;
    zeros for an institution's)."""
    residents = (
        residents_learning_elsewhere(as_of=as_of, visible_to=visible_to)
        if sees_whole_city(visible_to)
        else dict.fromkeys(LEVELS, 0)
    )
    return {"residents_learning_elsewhere": residents, "residents_learning_elsewhere_total": sum(residents.values())}


@cached_figures("registry")
def registry_figures(*, as_of: date, visible_to: Viewer, groups: list[GroupFigures] | None = None) -> dict[str, Any]:
    """The registry figures of the viewer's institutions (`registry_stats` without the residents learning
    elsewhere): what the dashboard shows."""
    year = reporting_school_year(as_of=as_of)
    year_before = same_day_a_year_before(as_of)
    if groups is None:
        groups = group_figures(as_of=as_of, visible_to=visible_to)
    now = learner_figures(as_of=as_of, visible_to=visible_to, groups=groups)
    before = learner_figures(as_of=year_before, visible_to=visible_to)
    places = places_by_institution(groups=groups)
    total = sum(places.values(), Places())
    groups_by_institution: dict[str, int] = defaultdict(int)
    groups_by_level: dict[str, int] = dict.fromkeys(LEVELS, 0)
    for group in groups:
        groups_by_institution[group.registration_number] += 1
        groups_by_level[group.level] += 1
    groups_by_level_before = groups_by_level_count(as_of=year_before, visible_to=visible_to)
    queue = queue_waiting(as_of=as_of, visible_to=visible_to)
    return {
        "as_of": as_of.isoformat(),
        "school_year": year.code if year else None,
        "institutions_by_type": institutions_by_type(as_of=as_of, visible_to=visible_to),
        "groups_by_institution": dict(sorted(groups_by_institution.items())),
        "groups_total": len(groups),
        "groups_by_level": groups_by_level,
        "groups_by_level_year_before": groups_by_level_before,
        "learners_by_level": now.by_level,
        "learners_total": now.total,
        "learners_by_level_year_before": before.by_level,
        "learners_by_level_change": {level: now.by_level[level] - before.by_level[level] for level in LEVELS},
        "first_graders": now.first_graders,
        "first_graders_year_before": before.first_graders,
        "grade10_admitted": now.grade10_admitted,
        "grade10_admitted_year_before": before.grade10_admitted,
        "places_by_institution": {
            number: {"capacity": p.capacity, "enrolled": p.enrolled, "free": p.free}
            for number, p in sorted(places.items())
        },
        "capacity_total": total.capacity,
        "enrolled_total": total.enrolled,
        "free_places_total": total.free,
        "free_places_preschool": preschool_free_places(groups=groups),
        "queue_length": sum(queue.values()),
        "queue_by_age": queue,
        "special_programmes_by_institution": special_programmes_by_institution(as_of=as_of, visible_to=visible_to),
        "learners_from_other_municipalities": now.from_other_municipalities,
        "learners_from_other_municipalities_total": now.from_other_municipalities_total,
    }


@cached_figures("registry")
def registry_counts_of_boards(*, as_of: date, parts: list[list[int]]) -> list[dict[str, int]]:
    """For each part of `parts` (boards' ids), the `learners_total`, `groups_total` and `free_places_total` of
    `registry_figures` for a viewer narrowed to those boards' institutions, from one scan of the deployment's
    enrolments (the ministry's comparison: a row per board and the boards' total) rather than one per part: the
    same `group_figures` and `counted_learners`, each part taking its boards' groups and, of the learners counted
    in several groups, the groups in its boards (a learner in two boards counts once in each and once in their
    total). Each board's own institutions only (`board_scope.boards_own_viewer`): a state-founded one counts in no
    board's figures."""
    boards_own = boards_own_viewer(WHOLE_CITY)
    groups = group_figures(as_of=as_of, visible_to=boards_own, others=False)  # not shown: not counted
    several = enrolled_in_several(as_of=as_of, visible_to=boards_own, groups=groups)
    by_board: dict[int, list[GroupFigures]] = defaultdict(list)
    for group in groups:
        by_board[group.board_id].append(group)
    counts = []
    for part in parts:
        boards = set(part)
        own = of_part(by_board, boards)
        learners = counted_learners(
            own, [(is_other, [g for g in in_groups if g.board_id in boards]) for is_other, in_groups in several]
        )
        free = sum(places.free for places in places_by_institution(groups=own).values())
        counts.append({"learners_total": learners.total, "groups_total": len(own), "free_places_total": free})
    return counts


def institution_programmes(*, institution: Institution, groups: list[Group]) -> list[dict[str, Any]]:
    """Programmes an institution is licensed for or runs groups of, with its groups and learners in each."""
    rows: dict[str, dict[str, Any]] = {}
    for licence in Licence.objects.filter(institution=institution).select_related("programme"):
        rows[licence.programme.code] = {"programme": licence.programme, "licence": licence, "groups": 0, "learners": 0}
    for group in groups:
        row = rows.setdefault(
            group.programme.code, {"programme": group.programme, "licence": None, "groups": 0, "learners": 0}
        )
        row["groups"] += 1
        row["learners"] += group.enrolled  # type: ignore[attr-defined]
    return [rows[code] for code in sorted(rows)]


def group_counted_learners(*, group: Group, as_of: date) -> int:
    """Learners counted in one group on `as_of` (one query)."""
    return (
        Enrolment.objects.filter(group=group)
        .filter(active_enrolment_filter(school_year=group.school_year, as_of=as_of, prefix=""))
        .count()
    )


def preschool_institutions(*, institutions: QuerySet[Institution], on: date | None = None) -> QuerySet[Institution]:
    """Those of `institutions` a child may choose in the preschool queue: open on `on` (default today), and a
    preschool or an institution with preschool groups (a school's preschool groups, of any school year)."""
    with_groups = Group.objects.filter(programme__level=ProgrammeLevel.PRESCHOOL).values("institution_id")
    return (
        institutions.filter(institution_active_q(on or timezone.localdate()))
        .filter(Q(type=InstitutionType.PRESCHOOL) | Q(pk__in=with_groups))
        .order_by("sort_name")
    )


def offer_school_year(*, entry: QueueEntry, on: date) -> SchoolYear | None:
    """The school year whose preschool groups a child is offered a place in on `on`: the reporting year of the
    day they want to start, or of `on` when that is later; failing that (no such year yet), the one of the wanted
    start."""
    return reporting_school_year(as_of=max(on, entry.wanted_start_on)) or reporting_school_year(
        as_of=entry.wanted_start_on
    )


def groups_places_taken(*, groups: QuerySet[Group], on: date) -> dict[int, int]:
    """Places taken in each of `groups` on `on` (by group id): learners counted in the group on `on` plus children
    offered a place in it who have not decided yet (one query per school year of the groups, and one)."""
    taken: dict[int, int] = defaultdict(int)
    year_ids = set(groups.order_by().values_list("school_year_id", flat=True).distinct())
    for year in SchoolYear.objects.filter(pk__in=year_ids):
        counted = (
            groups.filter(school_year=year)
            .order_by()
            .annotate(n=Count("enrolments", filter=active_enrolment_filter(school_year=year, as_of=on)))
            .values_list("pk", "n")
        )
        for pk, n in counted:
            taken[pk] += n
    offered = (
        QueueEntry.objects.filter(offered_group__in=groups.values("pk"), status=QueueStatus.OFFERED)
        .order_by()
        .values_list("offered_group")
        .annotate(n=Count("pk"))
        .values_list("offered_group", "n")
    )
    for pk, n in offered:
        taken[pk] += n
    return dict(taken)


def group_places_taken(*, group: Group, on: date) -> int:
    """Learners counted in the group on `on` plus children offered a place in it not yet enrolled
    (`groups_places_taken` of one group)."""
    return groups_places_taken(groups=Group.objects.filter(pk=group.pk), on=on).get(group.pk, 0)


@dataclass
class QueueLine:
    """The waiting children of one birth year who chose one institution, in queue order (`rules.queue_lines`).
    Only the first of them may be offered a place there: in a preschool group of the institution of the school
    year they want to start in (`offer_school_year`) with a free place; the others wait behind them."""

    institution: Institution
    born_in: int
    entries: list[QueueEntry]
    year_code: str  # the school year of the place the first child wants
    later_year: bool  # that school year is later than the one of the day the line is drawn
    groups: list[Group]  # the institution's preschool groups of that year, each with `free` (never below zero)

    @property
    def first(self) -> QueueEntry:
        """The child who may be offered a place."""
        return self.entries[0]

    @property
    def behind(self) -> int:
        """How many children wait behind the first."""
        return len(self.entries) - 1

    @property
    def free_groups(self) -> list[Group]:
        """The groups whose place may be offered to the first child now."""
        return [group for group in self.groups if group.free > 0]  # type: ignore[attr-defined]

    @property
    def reason(self) -> str:
        """Why the first child cannot be offered a place ("" when they can): `later_year` (they want a place
        from a later school year, and the institution has no preschool group of it yet), `no_group` (no
        preschool group of their school year there), `no_free_place` (its groups are full)."""
        if self.free_groups:
            return ""
        if not self.groups:
            return "later_year" if self.later_year else "no_group"
        return "no_free_place"


def queue_offer_lines(
    *, viewer: Viewer, on: date, institution: Institution | None = None, entry: QueueEntry | None = None
) -> list[QueueLine]:
    """The lines of the preschool queue (`rules.queue_lines`) at the institutions where the viewer may offer
    places, on `on`, ordered by institution and birth year: with `institution`, only its lines; with `entry`, only
    the lines that child stands in. The offer list is the lines whose `free_groups` are not empty; every other
    line's `reason` says why its first child waits, and so the children behind them. A bounded number of queries,
    whatever the number of children."""
    scope = institution_scope(viewer)
    wanted: set[int] | None = scope
    if institution is not None:
        wanted = {institution.pk} if wanted is None else wanted & {institution.pk}
    if entry is not None:
        chosen = {pk for pk in (entry.first_choice_id, entry.second_choice_id) if pk}
        wanted = chosen if wanted is None else wanted & chosen
    waiting = QueueEntry.objects.offerable_by(viewer).filter(status=QueueStatus.WAITING)
    if wanted is not None:
        waiting = waiting.filter(Q(first_choice__in=wanted) | Q(second_choice__in=wanted))
    drawn = queue_lines(queue_in_order(entries=waiting), wanted)
    if entry is not None:
        drawn = {key: line for key, line in drawn.items() if any(other.pk == entry.pk for other in line)}
    if not drawn:
        return []
    # The reporting year of a day depends on its year and month only: one look-up per month, not per child.
    years_by_month: dict[tuple[int, int], SchoolYear | None] = {}
    offer_years: dict[int, SchoolYear | None] = {}
    for line in drawn.values():
        first = line[0]
        month = (first.wanted_start_on.year, first.wanted_start_on.month)
        if month not in years_by_month:
            years_by_month[month] = offer_school_year(entry=first, on=on)
        offer_years[first.pk] = years_by_month[month]
    year_ids = {year.pk for year in offer_years.values() if year is not None}
    groups = Group.objects.filter(
        school_year__in=year_ids,
        institution__in={institution_id for institution_id, _born_in in drawn},
        programme__level=ProgrammeLevel.PRESCHOOL,
    )
    taken = groups_places_taken(groups=groups, on=on)
    by_place: dict[tuple[int, int], list[Group]] = defaultdict(list)
    for group in groups.order_by("sort_name", "pk"):
        group.free = max((group.capacity or 0) - taken.get(group.pk, 0), 0)
        by_place[(group.institution_id, group.school_year_id)].append(group)
    today_code = school_year_code_for(on)
    lines = []
    for (institution_id, born_in), entries in drawn.items():
        first = entries[0]
        year = offer_years[first.pk]
        code = year.code if year is not None else school_year_code_for(max(on, first.wanted_start_on))
        chosen_institution = first.first_choice if first.first_choice_id == institution_id else first.second_choice
        lines.append(
            QueueLine(
                institution=cast(Institution, chosen_institution),
                born_in=born_in,
                entries=entries,
                year_code=code,
                later_year=code > today_code,
                groups=by_place.get((institution_id, year.pk), []) if year is not None else [],
            )
        )
    return sorted(lines, key=lambda line: (line.institution.sort_name, line.institution.pk, line.born_in))


def queue_in_order(*, entries: QuerySet[QueueEntry]) -> list[QueueEntry]:
    """Queue entries in queue order (`rules.queue_order_key`; two queries, whatever their number)."""
    loaded = entries.select_related("child__declared_municipality", "first_choice", "second_choice", "offered_group")
    return sorted(loaded.prefetch_related("grounds"), key=queue_order_key)


def institution_programme_figures(
    *, institution: Institution, school_year: SchoolYear, as_of: date
) -> list[dict[str, Any]]:
    """An institution's programmes in a school year: code, name, level, the qualifications its groups study for,
    groups and learners counted on `as_of` (2 queries); ordered by programme code."""
    year = school_year
    groups = Group.objects.filter(institution=institution, school_year=year)
    learners = dict(
        groups.filter(active_enrolment_filter(school_year=year, as_of=as_of))
        .order_by()
        .values_list("programme_id")
        .annotate(n=Count("enrolments"))
        .values_list("programme_id", "n")
    )
    rows: dict[str, dict[str, Any]] = {}
    for programme_id, code, name, level, qualification in groups.order_by("programme__code", "sort_name").values_list(
        "programme_id", "programme__code", "programme__name", "programme__level", "qualification"
    ):
        row = rows.setdefault(
            code,
            {
                "code": code,
                "name": name,
                "level": level,
                "qualifications": [],
                "groups": 0,
                "learners": learners.get(programme_id, 0),
            },
        )
        row["groups"] += 1
        if qualification and qualification not in row["qualifications"]:
            row["qualifications"].append(qualification)
    return [rows[code] for code in sorted(rows)]

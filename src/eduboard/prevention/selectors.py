"""Who is at risk of leaving school early, by rule, on a date (the data up to that date, in the school year it
falls in), and the figures the board reads: counts, never names. A few grouped queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from eduboard.core.figures_cache import reads_beyond_scope
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_code_for
from eduboard.core.scope import Viewer
from eduboard.prevention.choices import DEFAULT_THRESHOLDS, INSUFFICIENT_BELOW, NOT_ASSESSED, RuleCode
from eduboard.prevention.models import Absence, RiskRule, SupportPlan, TermResult
from eduboard.registry.boards import viewer_boards
from eduboard.registry.choices import LeavingReason, ProgrammeLevel
from eduboard.registry.models import Enrolment, Institution
from eduboard.registry.rules import WITHOUT_DESTINATION

#: Early school leaving is about school: leavings of preschool and of interest education (clubs) are not counted.
SCHOOL_LEVELS = [ProgrammeLevel.BASIC.value, ProgrammeLevel.SECONDARY.value, ProgrammeLevel.VOCATIONAL.value]

INSUFFICIENT_GRADES = [str(grade) for grade in range(1, INSUFFICIENT_BELOW)] + [NOT_ASSESSED]


def rules_by_board(boards: set[int] | None) -> dict[int, dict[str, int | None]]:
    """Board id -> its active rules' codes and thresholds (the defaults where no row says otherwise), for the
    boards given (None: every board). One query."""
    stored: dict[int, dict[str, tuple[int | None, bool]]] = {}
    rows = RiskRule.objects.all() if boards is None else RiskRule.objects.filter(board_id__in=boards)
    for board, code, threshold, active in rows.values_list("board_id", "code", "threshold", "active"):
        stored.setdefault(board, {})[code] = (threshold, active)
    found: dict[int, dict[str, int | None]] = {}
    for board in stored.keys() | (boards or set()):
        own = stored.get(board, {})
        found[board] = {}
        for code, default in DEFAULT_THRESHOLDS.items():
            threshold, active = own.get(code, (default, True))
            if active:
                found[board][code] = threshold if threshold is not None else default
    return found


def _rules_in_play(visible_to: Viewer, institution: Institution | None) -> dict[int, dict[str, int | None]]:
    """The rules of each board whose institutions a risk figure reads: the institution's board, or the viewer's
    (the defaults under the key 0 before any board exists)."""
    if institution is not None:
        return rules_by_board({institution.board_id})
    return rules_by_board(viewer_boards(visible_to)) or {0: dict(DEFAULT_THRESHOLDS)}


def _enrolments(visible_to: Viewer, institution: Institution | None) -> Any:
    enrolments = Enrolment.objects.visible_to(visible_to)
    return enrolments.filter(group__institution=institution) if institution is not None else enrolments


def learners_at_risk(*, as_of: date, visible_to: Viewer, institution: Institution | None = None) -> dict[str, set[int]]:
    """Rule code -> the ids of the learners the rule holds for on `as_of` (see `risk_pairs`)."""
    return {
        code: {learner for learner, _institution in pairs}
        for code, pairs in risk_pairs(as_of=as_of, visible_to=visible_to, institution=institution).items()
    }


def risk_pairs(
    *, as_of: date, visible_to: Viewer, institution: Institution | None = None
) -> dict[str, set[tuple[int, int]]]:
    """Rule code -> (learner id, institution id) of the learners the rule holds for on `as_of`, in the school
    year `as_of` falls in, with the institution whose data shows it:

    - `unexcused_absences`: unexcused lessons in one calendar month (up to `as_of`) ≥ the threshold (20);
    - `insufficient_grades`: insufficient grades (below 4, or `nv`) in ≥ the threshold (2) subjects of one term;
    - `repeating`: enrolled on `as_of` in the same grade as in a group of the school year before;
    - `left_without_destination`: the learner's last leaving of a school programme (basic, secondary, vocational)
      in this school year by `as_of` has the reason `dropped_out` or `unknown`, and no other enrolment in a formal
      programme is open after that day (begun before and still holding, or begun later): `school_leavings`.
    """
    rules = _thresholds(_rules_in_play(visible_to, institution))
    year = SchoolYear.objects.filter(code=school_year_code_for(as_of)).first()
    found: dict[str, set[tuple[int, int]]] = {code: set() for code in DEFAULT_THRESHOLDS if code in rules.active}
    if year is None:
        return found
    scope = {"institution": institution} if institution is not None else {}
    enrolments = _enrolments(visible_to, institution).order_by()
    finders = {
        RuleCode.UNEXCUSED_ABSENCES: lambda: _absence_pairs(visible_to, year, as_of, scope, rules),
        RuleCode.INSUFFICIENT_GRADES: lambda: _grade_pairs(visible_to, year, scope, rules),
        RuleCode.REPEATING: lambda: _repeating_pairs(enrolments, year, as_of, rules),
        RuleCode.LEFT_WITHOUT_DESTINATION: lambda: _leaver_pairs(enrolments, year, as_of, rules),
    }
    for code, find in finders.items():
        if code in rules.active:
            found[code] = find()
    return found


@dataclass(frozen=True)
class _Thresholds:
    """The risk rules in play: each board's active rules and thresholds, and which board each institution is of
    (one board's rules: every institution's, with no query; with several, each institution's board's)."""

    rules_of: dict[int, dict[str, int | None]]
    board_of: dict[int, int]

    @property
    def active(self) -> set[str]:
        """The rules some board uses."""
        return set().union(*(set(own) for own in self.rules_of.values()))

    def at(self, where: int) -> dict[str, int | None]:
        """The rules of the board of the institution `where`."""
        if len(self.rules_of) == 1:
            return next(iter(self.rules_of.values()))
        return self.rules_of.get(self.board_of.get(where, 0), {})

    def least(self, code: str) -> int:
        """The lowest threshold of `code` among the boards (what a query may filter on before each board's own)."""
        return min((own[code] or 0) for own in self.rules_of.values() if code in own)

    def reaches(self, code: str, where: int, count: int) -> bool:
        """Whether `count` reaches the threshold of `code` of the board of the institution `where`."""
        own = self.at(where)
        return code in own and count >= (own[code] or 0)

    def used(self, code: str, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """The (learner, institution) pairs whose institution's board uses the rule `code`."""
        return {(learner, where) for learner, where in pairs if code in self.at(where)}


def _thresholds(rules_of: dict[int, dict[str, int | None]]) -> _Thresholds:
    """`_Thresholds` of `rules_of`; the institutions' boards read (one query) only when there are several boards."""
    if len(rules_of) == 1:
        return _Thresholds(rules_of, {})
    return _Thresholds(rules_of, dict(Institution.objects.filter(board_id__in=rules_of).values_list("pk", "board_id")))


def _absence_pairs(
    visible_to: Viewer, year: SchoolYear, as_of: date, scope: dict[str, Any], rules: _Thresholds
) -> set[tuple[int, int]]:
    """`unexcused_absences`: unexcused lessons in one calendar month of the year, up to `as_of`, at the threshold."""
    code = RuleCode.UNEXCUSED_ABSENCES
    rows = (
        Absence.objects.visible_to(visible_to)
        .filter(excused=False, date__gte=year.start_date, date__lte=as_of, **scope)
        .annotate(month=TruncMonth("date"))
        .values("learner_id", "institution_id", "month")
        .annotate(lessons=Sum("lessons"))
        .filter(lessons__gte=rules.least(code))
        .values_list("learner_id", "institution_id", "lessons")
    )
    return {(learner, where) for learner, where, lessons in rows if rules.reaches(code, where, lessons)}


def _grade_pairs(
    visible_to: Viewer, year: SchoolYear, scope: dict[str, Any], rules: _Thresholds
) -> set[tuple[int, int]]:
    """`insufficient_grades`: insufficient grades in at least the threshold's number of subjects of one term."""
    code = RuleCode.INSUFFICIENT_GRADES
    rows = (
        TermResult.objects.visible_to(visible_to)
        .filter(school_year=year, grade__in=INSUFFICIENT_GRADES, **scope)
        .values("learner_id", "institution_id", "term")
        .annotate(subjects=Count("subject", distinct=True))
        .filter(subjects__gte=rules.least(code))
        .values_list("learner_id", "institution_id", "subjects")
    )
    return {(learner, where) for learner, where, subjects in rows if rules.reaches(code, where, subjects)}


def _repeating_pairs(enrolments: Any, year: SchoolYear, as_of: date, rules: _Thresholds) -> set[tuple[int, int]]:
    """`repeating`: enrolled on `as_of` in the same grade as in a group of the school year before."""
    start = year.start_date.year
    now = set(
        enrolments.holding_on(as_of, school_year=year)
        .filter(group__grade__isnull=False)
        .values_list("learner_id", "group__grade", "group__institution_id")
    )
    # The year before in any institution (a fact about the learner; only the flag is shown): one scan of that
    # year's enrolments, no list of ids in the query (the national set has 326,000).
    reads_beyond_scope("registry")
    before = set(
        Enrolment.objects.filter(group__school_year__code=f"{start - 1}/{start}", group__grade__isnull=False)
        .order_by()
        .values_list("learner_id", "group__grade")
    )
    return rules.used(
        RuleCode.REPEATING, {(learner, where) for learner, grade, where in now if (learner, grade) in before}
    )


def _leaver_pairs(enrolments: Any, year: SchoolYear, as_of: date, rules: _Thresholds) -> set[tuple[int, int]]:
    """`left_without_destination`: the learner's last school leaving of the year, with no destination."""
    leavings = school_leavings(year=year, as_of=as_of, enrolments=enrolments)
    return rules.used(
        RuleCode.LEFT_WITHOUT_DESTINATION,
        {
            (learner, where)
            for learner, (reason, where, destination) in leavings.items()
            if reason in WITHOUT_DESTINATION and not destination
        },
    )


def school_leavings(*, year: SchoolYear, as_of: date, enrolments: Any) -> dict[int, tuple[str, int, bool]]:
    """Learner id -> (reason, institution id, has a destination) of each learner's last leaving of a school programme
    (basic, secondary, vocational: not preschool, not a club) among `enrolments` from the first day of `year` to
    `as_of`; a leaving with no reason (a move to another group of the same institution) is not one. The destination:
    another enrolment of the learner in a formal programme, anywhere, still open after the leaving day. Two queries."""
    leavings = (
        enrolments.ended_between(year.start_date, as_of)
        .filter(group__programme__level__in=SCHOOL_LEVELS)
        .exclude(leaving_reason="")
    )
    left: dict[int, tuple[date, int, str, int]] = {}
    for pk, learner, day, reason, where in leavings.values_list(
        "pk", "learner_id", "left_on", "leaving_reason", "group__institution_id"
    ):
        if learner not in left or (day, pk) > (left[learner][0], left[learner][3]):
            left[learner] = (day, where, reason, pk)
    if not left:
        return {}
    open_after: dict[int, list[tuple[int, date | None]]] = {}
    # The leavers' enrolments not ended before this school year, in any institution (a fact about the learner): the
    # leavers as a subquery, so a country's 300,000 other enrolments are not read.
    reads_beyond_scope("registry")
    for pk, learner, left_on in (
        Enrolment.objects.exclude(group__programme__level=ProgrammeLevel.INTEREST)
        .open_after(year.start_date)
        .filter(learner_id__in=leavings.order_by().values("learner_id"))
        .order_by()
        .values_list("pk", "learner_id", "left_on")
    ):
        open_after.setdefault(learner, []).append((pk, left_on))
    return {
        learner: (
            reason,
            where,
            any(other != pk and (ends is None or ends > day) for other, ends in open_after.get(learner, [])),
        )
        for learner, (day, where, reason, pk) in left.items()
    }


def prevention_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """`manage.py prevention_stats --as-of`: `at_risk_by_rule` {rule code: learners}, `at_risk_total` (distinct
    learners), `with_support_plan` (of those, with a plan started by then), `left_without_destination`,
    `repeating`, `left_by_reason` {leaving reason code: learners whose last leaving of a school programme in the
    school year by `as_of` had that reason} (`school_leavings`)."""
    at_risk = learners_at_risk(as_of=as_of, visible_to=visible_to)
    year = SchoolYear.objects.filter(code=school_year_code_for(as_of)).first()
    by_reason = dict.fromkeys(LeavingReason.values, 0)
    if year is not None:
        for reason, _where, _destination in school_leavings(
            year=year, as_of=as_of, enrolments=Enrolment.objects.visible_to(visible_to).order_by()
        ).values():
            by_reason[reason] += 1
    everyone = set().union(*at_risk.values()) if at_risk else set()
    planned = set(
        SupportPlan.objects.visible_to(visible_to)
        .filter(learner_id__in=everyone, started_on__lte=as_of)
        .values_list("learner_id", flat=True)
    )
    return {
        "as_of": as_of.isoformat(),
        "at_risk_by_rule": {code: len(learners) for code, learners in at_risk.items()},
        "at_risk_total": len(everyone),
        "with_support_plan": len(planned),
        "left_without_destination": len(at_risk.get(RuleCode.LEFT_WITHOUT_DESTINATION, set())),
        "repeating": len(at_risk.get(RuleCode.REPEATING, set())),
        "left_by_reason": by_reason,
    }


def risk_by_institution(*, as_of: date, visible_to: Viewer) -> list[dict[str, Any]]:
    """Per institution in scope with anyone at risk: learners at risk by rule, in all (distinct), and of those with
    a support plan started by `as_of`: figures, no names (the board's view)."""
    pairs = risk_pairs(as_of=as_of, visible_to=visible_to)
    per: dict[int, dict[str, set[int]]] = {}
    for code, found in pairs.items():
        for learner, institution_id in found:
            per.setdefault(institution_id, {}).setdefault(code, set()).add(learner)
    planned = set(
        SupportPlan.objects.visible_to(visible_to)
        .filter(started_on__lte=as_of)
        .values_list("learner_id", "institution_id")
        .order_by()
    )
    names = dict(Institution.objects.filter(pk__in=list(per)).values_list("pk", "name"))
    rows = []
    for institution_id, by_rule in per.items():
        learners = set().union(*by_rule.values())
        rows.append(
            {
                "institution_id": institution_id,
                "institution": names.get(institution_id, ""),
                "by_rule": {code: len(by_rule.get(code, set())) for code in pairs},
                "total": len(learners),
                "with_plan": len({learner for learner, where in planned if where == institution_id} & learners),
            }
        )
    return sorted(rows, key=lambda row: (-row["total"], row["institution"]))


def risk_list(*, as_of: date, visible_to: Viewer, institution: Institution) -> list[dict[str, Any]]:
    """The institution's learners at risk on `as_of` for its support team: each with the rules that hold, their
    current group and their latest support plan (None without one). Scoped: a role without the prevention data
    (a teacher) gets nothing."""
    from eduboard.registry.models import Learner

    pairs = risk_pairs(as_of=as_of, visible_to=visible_to, institution=institution)
    rules_of: dict[int, list[str]] = {}
    for code, found in pairs.items():
        for learner, _where in found:
            rules_of.setdefault(learner, []).append(code)
    if not rules_of:
        return []
    learners = {learner.pk: learner for learner in Learner.objects.visible_to(visible_to).filter(pk__in=list(rules_of))}
    groups = dict(
        Enrolment.objects.visible_to(visible_to)
        .begun_by(as_of)  # the latest group, also of a learner who has left since
        .filter(learner_id__in=list(learners), group__institution=institution)
        .order_by("learner_id", "enrolled_on")
        .values_list("learner_id", "group__name")
    )
    plans: dict[int, SupportPlan] = {}
    for plan in (
        SupportPlan.objects.visible_to(visible_to)
        .filter(learner_id__in=list(learners), institution=institution)
        .order_by("started_on", "pk")
    ):
        plans[plan.learner_id] = plan  # the latest wins
    rows = [
        {"learner": learner, "rules": sorted(rules_of[pk]), "group": groups.get(pk, ""), "plan": plans.get(pk)}
        for pk, learner in learners.items()
    ]
    return sorted(rows, key=lambda row: (row["group"], row["learner"].sort_name))


def default_as_of(*, visible_to: Viewer, today: date) -> date:
    """The day the pages open on: today, or, when nothing is recorded in this school year yet, the last day with
    an absence recorded (so last year's data shows rather than an empty page)."""
    from django.db.models import Max

    latest: date | None = Absence.objects.visible_to(visible_to).aggregate(last=Max("date"))["last"]
    if latest is not None and latest < today and school_year_code_for(latest) != school_year_code_for(today):
        return latest
    return today


def learner_case(*, learner: Any, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """A learner's prevention case as the viewer may read it: the latest enrolment in scope, the rules that hold
    on `as_of` (worked out on that enrolment's institution only, not the whole scope), unexcused lessons by month
    (the latest 12), insufficient grades, and the support plans, each with its history from the audit trail
    (`history_entries`)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    enrolment = (
        Enrolment.objects.visible_to(visible_to)
        .filter(learner=learner)
        .select_related("group__institution")
        .order_by("-enrolled_on")
        .first()
    )
    rules_now: list[str] = []
    if enrolment is not None:
        pairs = risk_pairs(as_of=as_of, visible_to=visible_to, institution=enrolment.group.institution)
        rules_now = [code for code, found in pairs.items() if any(who == learner.pk for who, _where in found)]
    absences = list(
        Absence.objects.visible_to(visible_to)
        .filter(learner=learner, excused=False)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(lessons=Sum("lessons"))
        .order_by("-month")[:12]
    )
    grades = list(
        TermResult.objects.visible_to(visible_to)
        .filter(learner=learner, grade__in=INSUFFICIENT_GRADES)
        .select_related("school_year")
        .order_by("-school_year__start_date", "term", "subject")
    )
    plans = list(
        SupportPlan.objects.visible_to(visible_to).filter(learner=learner).select_related("responsible", "institution")
    )
    history: dict[int, list[Any]] = {}
    if plans:
        for entry in (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(SupportPlan), object_id__in=[p.pk for p in plans]
            )
            .select_related("actor", "content_type")
            .order_by("timestamp")
        ):
            history.setdefault(int(entry.object_id or 0), []).append(entry)
        _rows_named_at_once([entry for entries in history.values() for entry in entries])
    for plan in plans:
        plan.history_entries = history.get(plan.pk, [])
    return {"enrolment": enrolment, "rules_now": rules_now, "absences": absences, "grades": grades, "plans": plans}


def _rows_named_at_once(entries: list[Any]) -> None:
    """Let audit entries show the rows their changes point to (a plan's learner, institution, responsible person)
    from one query per kind of row for all of them: auditlog would look each value of each entry up alone. What
    each entry shows is auditlog's own (`str` of the row; a value it cannot find is left to auditlog)."""
    from auditlog.models import LogEntry
    from django.conf import settings
    from django.core.exceptions import FieldDoesNotExist, ValidationError
    from django.utils.encoding import smart_str

    def pointed(entry: LogEntry) -> list[tuple[Any, Any]]:
        model = entry.content_type.model_class()
        found = []
        for name, values in entry.changes_dict.items():
            try:
                field = model._meta.get_field(name) if model is not None else None
            except FieldDoesNotExist:
                continue
            if field is None or field.get_internal_type() not in ("ForeignKey", "OneToOneField"):
                continue
            for value in values if isinstance(values, list) else []:
                try:
                    found.append((field.related_model, field.related_model._meta.pk.to_python(value)))
                except ValidationError:
                    continue
        return found

    wanted: dict[Any, set[Any]] = {}
    for entry in entries:
        for related, pk in pointed(entry):
            wanted.setdefault(related, set()).add(pk)
    names = {}
    for related, pks in wanted.items():
        manager = (
            related._meta.base_manager
            if getattr(settings, "AUDITLOG_USE_BASE_MANAGER", False)
            else related._meta.default_manager
        )
        names.update({(related, row.pk): smart_str(row) for row in manager.filter(pk__in=pks)})

    for entry in entries:
        lookup = entry._get_changes_display_for_fk_field

        def display(field: Any, value: Any, lookup: Any = lookup) -> str:
            try:
                key = (field.related_model, field.related_model._meta.pk.to_python(value))
            except ValidationError:
                return str(lookup(field, value))
            return names[key] if key in names else str(lookup(field, value))

        entry.__dict__["_get_changes_display_for_fk_field"] = display

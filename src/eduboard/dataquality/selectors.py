"""The data-quality area's reads: findings as rows (the command's JSON, the page's export), each board's counts by
rule over time, and the latest run per board."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from eduboard.core.data_checks import Finding, fill_text, object_pk
from eduboard.core.scope import Viewer
from eduboard.core.translated import text_in
from eduboard.dataquality.checks import rule_threshold
from eduboard.dataquality.choices import RuleCode, Severity
from eduboard.dataquality.defaults import DEFAULT_RULES
from eduboard.dataquality.models import CensusDate, CheckRun, DataIssue, QualityRule
from eduboard.finance.checks import money_sent_at
from eduboard.people.checks import staff_sent_at
from eduboard.registry.checks import learners_sent_at
from eduboard.registry.models import Institution, Learner


def findings_as_rows(found: Iterable[tuple[QualityRule, Finding]]) -> list[dict[str, Any]]:
    """Findings as `check_data --json` writes them: rule, severity, institution (registration number, None for
    one of no institution), object (`app_label.model:pk`) and message (the rule's text in the active language),
    ordered by institution, rule and object."""
    found = list(found)
    numbers = dict(
        Institution.objects.filter(pk__in={f.institution_id for _r, f in found if f.institution_id}).values_list(
            "pk", "registration_number"
        )
    )
    rows = [
        {
            "rule": rule.code,
            "severity": rule.severity,
            "institution": numbers.get(finding.institution_id) if finding.institution_id else None,
            "object": finding.object,
            "message": fill_text(text_in(rule, "text"), finding.params),
        }
        for rule, finding in found
    ]
    return sorted(rows, key=lambda row: (row["institution"] or "", row["rule"], row["object"]))


def counts_over_time(*, visible_to: Viewer, limit: int = 30) -> list[CheckRun]:
    """The latest `limit` whole-board runs of the viewer's boards, newest first, with their counts by rule."""
    return list(
        CheckRun.objects.visible_to(visible_to)
        .filter(institution__isnull=True, finished_at__isnull=False)
        .select_related("board")
        .order_by("-started_at", "-pk")[:limit]
    )


#: The kinds of institution whose learners, staff and money a census counts (the innovation centre and "other" have
#: no learners of their own to send).
CENSUS_TYPES = ("preschool", "basic", "secondary", "gymnasium", "vocational", "interest")
CENSUS_PARTS = ("learners", "staff", "money")


@dataclass(frozen=True)
class CensusRow:
    """One institution on a census day: when each part of its data for the day was last written (None: not sent)."""

    institution_id: int
    registration_number: str
    name: str
    sent_at: dict[str, datetime | None]
    due_on: date
    late: bool

    @property
    def complete(self) -> bool:
        return all(self.sent_at[part] is not None for part in CENSUS_PARTS)

    @property
    def missing(self) -> list[str]:
        return [part for part in CENSUS_PARTS if self.sent_at[part] is None]


def census_completeness(*, day: date, visible_to: Viewer, today: date, due_days: int = 14) -> list[CensusRow]:
    """The census of `day` for the viewer's institutions active on it, founded by the board (`boards_own`), of the
    kinds that send learners (`CENSUS_TYPES`): for each, when its learners (enrolments holding on the day), staff
    (employments holding on the day) and money (spending of its allocations in the year up to the day) were last
    written, each area's rule (`registry.checks.learners_sent_at`, `people.checks.staff_sent_at`,
    `finance.checks.money_sent_at`). An institution is complete with all three; late when it is not complete and
    `today` is after the day plus its board's `due_days` (the board's CensusDate of that day, else `due_days`).
    Ordered by the Latvian sort of the names."""
    institutions = list(
        Institution.objects.visible_to(visible_to)
        .active_on(day)
        .boards_own()
        .filter(type__in=CENSUS_TYPES)
        .order_by("sort_name")
        .values_list("pk", "registration_number", "name", "board_id")
    )
    ids = [pk for pk, _number, _name, _board in institutions]
    sent = {
        "learners": learners_sent_at(day=day, institutions=ids),
        "staff": staff_sent_at(day=day, institutions=ids),
        "money": money_sent_at(day=day, institutions=ids),
    }
    due_of = dict(CensusDate.objects.filter(day=day).values_list("board_id", "due_days"))
    rows = []
    for pk, number, name, board_id in institutions:
        due_on = day + timedelta(days=due_of.get(board_id, due_days))
        sent_at = {part: sent[part].get(pk) for part in CENSUS_PARTS}
        complete = all(at is not None for at in sent_at.values())
        rows.append(CensusRow(pk, number, name, sent_at, due_on, late=not complete and today > due_on))
    return rows


def census_summary(rows: Iterable[CensusRow]) -> dict[str, list[str]]:
    """`check_data --census`'s `census`: the registration numbers of the complete institutions and of the late ones,
    each sorted."""
    rows = list(rows)
    return {
        "complete": sorted(row.registration_number for row in rows if row.complete),
        "late": sorted(row.registration_number for row in rows if row.late),
    }


def issue_counts(issues: QuerySet[DataIssue]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The data-quality page's summaries of `issues` (the viewer's findings): errors and warnings per institution
    (in the Latvian order of the names; None for the board's own), and the count of each rule's code (0 included)."""
    per_institution: dict[tuple[int | None, str | None], Counter[str]] = {}
    for institution_id, name, severity in issues.values_list(
        "institution_id", "institution__name", "severity"
    ).order_by("institution__sort_name"):
        per_institution.setdefault((institution_id, name), Counter())[severity] += 1
    by_rule = Counter(issues.values_list("rule", flat=True).order_by())
    return (
        [
            {"id": key[0], "name": key[1], "errors": counts[Severity.ERROR], "warnings": counts[Severity.WARNING]}
            for key, counts in per_institution.items()
        ],
        {code: by_rule.get(code, 0) for code in RuleCode.values},
    )


def duplicate_pairs(issues: Iterable[DataIssue], learners: QuerySet[Learner]) -> list[dict[str, Any]]:
    """The review queue: each `duplicate_learner` finding with its two records among `learners` (the viewer's);
    a pair one of whose records the viewer does not read, or that is gone, is left out."""
    issues = list(issues)
    ids = {object_pk(issue.object) for issue in issues} | {object_pk(issue.params.get("other_id")) for issue in issues}
    records = learners.filter(pk__in=ids - {None}).in_bulk()
    pairs = [
        {
            "issue": issue,
            "this": records.get(object_pk(issue.object)),
            "other": records.get(object_pk(issue.params.get("other_id"))),
        }
        for issue in issues
    ]
    return [pair for pair in pairs if pair["this"] and pair["other"]]


#: How the rules page names each threshold's unit (`defaults.DEFAULT_RULES`).
UNITS = {
    "years": gettext_lazy("years"),
    "percent": gettext_lazy("per cent over"),
    "fte": gettext_lazy("FTE (the board's limit)"),
    "z": gettext_lazy("robust z-score"),
    "": "",
}


def rule_rows(rules: Iterable[QualityRule]) -> list[dict[str, Any]]:
    """The rules as the rules page lists them: each rule with the unit of its threshold and the threshold it is
    checked with (`checks.rule_threshold`: its own, or the board's figure it names)."""
    return [
        {
            "rule": rule,
            "unit": UNITS[DEFAULT_RULES[rule.code][2]] if rule.code in DEFAULT_RULES else "",
            "checked_with": rule_threshold(rule=rule, board=rule.board),
        }
        for rule in rules
    ]

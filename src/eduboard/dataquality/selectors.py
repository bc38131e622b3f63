"""The data-quality area's reads: findings as rows (the command's JSON, the page's export), each board's counts by
rule over time, and the latest run per board."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from eduboard.core.data_checks import Finding, fill_text
from eduboard.core.scope import Viewer
from eduboard.core.translated import text_in
from eduboard.dataquality.models import CensusDate, CheckRun, QualityRule
from eduboard.finance.checks import money_sent_at
from eduboard.people.checks import staff_sent_at
from eduboard.registry.checks import learners_sent_at
from eduboard.registry.models import Institution


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

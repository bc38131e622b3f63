"""The data-quality area's reads: findings as rows (the command's JSON, the page's export), each board's counts by
rule over time, and the latest run per board."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eduboard.core.data_checks import Finding, fill_text
from eduboard.core.scope import Viewer
from eduboard.core.translated import text_in
from eduboard.dataquality.models import CheckRun, QualityRule
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

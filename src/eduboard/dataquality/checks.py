"""Each rule's check, by code: the function of the area that owns the rule's data (docs/architecture.md: the
data-quality area reads registry, people, finance and quality). A check takes the date, the viewer and the board's
threshold and returns `core.data_checks.Finding`s."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from eduboard.core.data_checks import Finding
from eduboard.core.scope import Viewer
from eduboard.dataquality.choices import RuleCode
from eduboard.finance import checks as finance
from eduboard.people import checks as people
from eduboard.quality import checks as quality
from eduboard.registry import checks as registry

Check = Callable[..., list[Finding]]

CHECKS: dict[str, Check] = {
    RuleCode.AGE_OUTSIDE_GRADE: registry.age_outside_grade,
    RuleCode.ENROLLED_BEFORE_BIRTH: registry.enrolled_before_birth,
    RuleCode.LEFT_BEFORE_ENROLLED: registry.left_before_enrolled,
    RuleCode.TWO_OPEN_ENROLMENTS: registry.two_open_enrolments,
    RuleCode.GROUP_OVER_CAPACITY: registry.group_over_capacity,
    RuleCode.FTE_OVER_LIMIT: people.fte_over_limit,
    RuleCode.STAFF_WITHOUT_EMPLOYMENT: people.staff_without_employment,
    RuleCode.SPENDING_OVER_ALLOCATION: finance.spending_over_allocation,
    RuleCode.EXAM_OUTLIER: quality.exam_outlier,
    RuleCode.PERSONAL_CODE_INVALID: registry.personal_code_invalid,
    RuleCode.DUPLICATE_LEARNER: registry.duplicate_learner,
}

#: Rules whose threshold is a figure the board keeps elsewhere, edited there (one home): the FTE limit is the
#: board's `fte_warning_limit`, which the staff pages warn with too.
THRESHOLD_ON_BOARD = {RuleCode.FTE_OVER_LIMIT: "fte_warning_limit"}


def run_check(code: str, *, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """The findings of the rule `code`."""
    return CHECKS[code](as_of=as_of, visible_to=visible_to, threshold=threshold)


def rule_threshold(*, rule: Any, board: Any) -> Decimal | None:
    """The threshold a board's rule is checked with: its own, or the board's figure it names (`THRESHOLD_ON_BOARD`)."""
    kept = THRESHOLD_ON_BOARD.get(RuleCode(rule.code))
    threshold: Decimal | None = getattr(board, kept) if kept else rule.threshold
    return threshold

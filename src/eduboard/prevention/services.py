"""Rules of the prevention area: support plans (only for learners and staff of the viewer's institutions, versioned,
their history in the audit trail), the board's thresholds, and opening a case by a board-wide role (with a reason
written to the audit trail: the board reads figures, and names only case by case)."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.people.models import StaffMember
from eduboard.prevention.choices import DEFAULT_THRESHOLDS
from eduboard.prevention.models import RiskRule, SupportPlan
from eduboard.prevention.rules import reads_names_case_by_case
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution, Learner

CASE_SESSION_KEY = "prevention-open-cases"


def case_open(*, viewer: Viewer, learner: Learner, reason: str, session: Any) -> None:
    """Record in the audit trail that `viewer` opened `learner`'s prevention case and why; the session then shows
    it to them."""
    reason = " ".join(reason.split())[:300]
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why you open this case (at least 5 characters).")})
    if not viewer.has_perm("prevention.view_supportplan"):
        raise PermissionDenied
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Learner),
        object_pk=str(learner.pk),
        object_id=learner.pk,
        object_repr=f"prevention case of learner {learner.pk}",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=viewer,
        additional_data={"prevention_case": True, "reason": reason},
    )
    opened = set(session.get(CASE_SESSION_KEY, []))
    opened.add(learner.pk)
    session[CASE_SESSION_KEY] = sorted(opened)


def case_is_open(*, viewer: Viewer, learner: Learner, session: Any) -> bool:
    """Whether `viewer` sees the learner's case: always, unless their role opens cases one by one with a reason."""
    return not reads_names_case_by_case(viewer) or learner.pk in session.get(CASE_SESSION_KEY, [])


@atomic_write
def support_plan_save(*, viewer: Viewer, plan: SupportPlan, expected_version: int | None = None) -> SupportPlan:
    """Create or edit a support plan of a learner of one of the viewer's institutions, with a responsible staff
    member of that institution; a stale edit is refused."""
    if not viewer.has_perm("prevention.add_supportplan" if plan.pk is None else "prevention.change_supportplan"):
        raise PermissionDenied(_("Your role does not keep support plans."))
    if not Institution.objects.editable_by(viewer).filter(pk=plan.institution_id).exists():
        raise ValidationError({"institution": _("This institution is not in your scope.")})
    if not Learner.objects.editable_by(viewer).filter(pk=plan.learner_id).exists():
        raise ValidationError({"learner": _("This learner is not in your scope.")})
    if plan.responsible_id is not None and not (
        StaffMember.objects.filter(pk=plan.responsible_id, employments__institution_id=plan.institution_id).exists()
    ):
        raise ValidationError({"responsible": _("The responsible person must work in the learner's institution.")})
    save_versioned(plan, expected_version=expected_version)
    return plan


def risk_rules_for_new_board(*, board: Board) -> None:
    """A new board's risk rules: every rule in use with its default threshold (`choices.DEFAULT_THRESHOLDS`)."""
    RiskRule.objects.bulk_create(
        [RiskRule(board=board, code=code, threshold=threshold) for code, threshold in DEFAULT_THRESHOLDS.items()],
        ignore_conflicts=True,
    )


@atomic_write
def risk_rule_threshold_set(
    *,
    viewer: Viewer,
    code: str,
    threshold: int | None,
    active: bool,
    expected_version: int | None,
    board: str = "",
) -> RiskRule:
    """The board sets a rule's threshold (and whether it is used): the rule `code` of the board the viewer works
    for (of the board with the code `board` when it works for several)."""
    if not viewer.has_perm("prevention.change_riskrule"):
        raise PermissionDenied(_("Only the board sets the risk rules' thresholds."))
    candidates = RiskRule.objects.editable_by(viewer).filter(code=code)
    if board:
        candidates = candidates.filter(board__code=board)
    found = list(candidates[:2])
    if not found:
        raise ValidationError({"code": _("There is no rule %s.") % code})
    if len(found) > 1:
        raise ValidationError({"board": _("Name the board whose rule this is.")})
    rule = found[0]
    if rule.code in ("unexcused_absences", "insufficient_grades") and (threshold is None or threshold < 1):
        raise ValidationError({"threshold": _("This rule needs a threshold of 1 or more.")})
    rule.threshold = threshold
    rule.active = active
    save_versioned(rule, expected_version=expected_version)
    return rule

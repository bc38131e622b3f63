"""Writes of the privacy area: a subject-access request prepared and signed off, a retention rule edited, and the
retention run (by hand, by the command, or nightly by a worker)."""

from __future__ import annotations

from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from eduboard.core import board_wall
from eduboard.core.audit import audit_bulk_write
from eduboard.core.priority import background_priority
from eduboard.core.scope import Viewer, acting_user, institution_scope
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.privacy.models import AccessRequest, RequestStatus, RetentionRule
from eduboard.privacy.retention import RUN_RECORD, RetentionKind, rules_in_force
from eduboard.privacy.rules import may_prepare, may_sign_off
from eduboard.privacy.selectors import subject_access_answer
from eduboard.registry.models import Enrolment, Learner


def _institution_of(learner: Learner, viewer: Viewer) -> Any:
    """The institution a head prepares the answer in: one of their scope where the learner is enrolled now (a head
    answers for their own learners; a child who left, or is only in the queue, is answered by the board)."""
    scope = institution_scope(viewer)
    if scope is None:
        return None
    place = (
        Enrolment.objects.filter(learner=learner, group__institution__in=scope)
        .open()
        .order_by("-enrolled_on")
        .values_list("group__institution_id", flat=True)
        .first()
    )
    if place is None:
        raise PermissionDenied(
            _("This learner is not enrolled in your institution now: the board prepares the answer.")
        )
    return place


@atomic_write
def access_request_prepare(
    *, viewer: Viewer, learner: Learner, requester: str, received_on: date, language: str, command: bool = False
) -> AccessRequest:
    """Prepare the answer to a request for everything held about `learner`: the answer is gathered now and kept
    with the request, to be signed off by the board. A head prepares it for the learners of their institutions only;
    `command`: the board's own command (no user), which prepares and signs off at once."""
    if not command and not may_prepare(viewer):
        raise PermissionDenied(_("Your role does not prepare subject-access answers."))
    if not Learner.objects.visible_to(viewer).filter(pk=learner.pk).exists():
        raise PermissionDenied(_("This learner is not one of your institutions'."))
    institution = _institution_of(learner, viewer)
    requester = requester.strip()
    if not requester:
        raise ValidationError({"requester": _("Name who asked: the parent or the learner.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A request is received today or earlier.")})
    answer = subject_access_answer(learner=learner, language=language, visible_to=viewer)
    now = timezone.now()
    request = AccessRequest(
        learner=learner,
        institution_id=institution,
        requester=requester[:200],
        received_on=received_on,
        language=language,
        requested_by=acting_user(viewer),
        prepared_at=now,
        answer=answer,
        status=RequestStatus.SIGNED_OFF if command else RequestStatus.PREPARED,
        signed_off_at=now if command else None,
    )
    save_versioned(request)
    LogEntry.objects.create(  # the answer holds the learner's whole record: a read of it
        content_type=ContentType.objects.get_for_model(Learner),
        object_pk=str(learner.pk),
        object_id=learner.pk,
        object_repr="subject-access answer",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=acting_user(viewer),
        additional_data={"subject_access": request.pk},
    )
    return request


@atomic_write
def access_request_sign_off(
    *, viewer: Viewer, request: AccessRequest, expected_version: int | None = None
) -> AccessRequest:
    """The board signs a prepared answer off: from then on it may be given (downloaded as PDF or JSON)."""
    if not may_sign_off(viewer):
        raise PermissionDenied(_("Only the board signs an answer off."))
    if request.status == RequestStatus.SIGNED_OFF:
        raise ValidationError(_("This answer is signed off already."))
    request.status = RequestStatus.SIGNED_OFF
    request.signed_off_by = acting_user(viewer)
    request.signed_off_at = timezone.now()
    save_versioned(request, expected_version=expected_version)
    return request


def access_request_given(*, viewer: Viewer, request: AccessRequest, fmt: str) -> None:
    """Record that the answer was taken out of the system (a download, a file written by the command): an entry
    of the request's history, with the format."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(AccessRequest),
        object_pk=str(request.pk),
        object_id=request.pk,
        object_repr=f"subject-access answer {request.pk}",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=acting_user(viewer),
        additional_data={"given": fmt, "learner": request.learner_id},
    )


@atomic_write
def retention_rule_save(*, viewer: Viewer, rule: RetentionRule, expected_version: int | None = None) -> RetentionRule:
    """Save the board's edit of a retention rule (its period, legal ground, whether it is applied)."""
    if not viewer.has_perm("privacy.change_retentionrule"):
        raise PermissionDenied(_("Only the board edits the retention rules."))
    rule.legal_ground = rule.legal_ground.strip()
    if not rule.legal_ground:
        raise ValidationError({"legal_ground": _("Name the law or ground the period comes from.")})
    save_versioned(rule, expected_version=expected_version)
    return rule


def retention_rules() -> list[tuple[RetentionKind, RetentionRule]]:
    """Each retention kind with its rule (`retention.rules_in_force`), the rules made from the kinds' defaults
    stored where there were none yet, so that the board edits what is applied."""
    in_force = rules_in_force(RetentionRule.objects.all())
    missing = [rule for _kind, rule in in_force if rule.pk is None]
    if missing:
        RetentionRule.objects.bulk_create(missing, ignore_conflicts=True)
        in_force = rules_in_force(RetentionRule.objects.all())
    return in_force


def retention_apply(*, viewer: Viewer, today: date, dry_run: bool = False) -> dict[str, dict[str, int]]:
    """Apply every active retention rule on `today`: the rows past their period anonymised or deleted, kind by kind,
    each kind in its own transaction and audited with its count (`dry_run`: counted only). Returns
    {"by_kind": {kind: rows}}; a kind whose rule is inactive is not in it."""
    by_kind: dict[str, int] = {}
    for kind, rule in retention_rules():
        if not rule.active:
            continue
        with transaction.atomic():
            rows = kind.due(today, rule.months)
            if dry_run:
                by_kind[kind.code] = rows.count()
                continue
            done = kind.apply(rows, today)
            by_kind[kind.code] = done
            model = kind.catalogue.model_class
            audit_bulk_write(
                actor=viewer,
                model=model,
                action=LogEntry.Action.DELETE if kind.action == "delete" else LogEntry.Action.UPDATE,
                rows=done,
                what=f"{RUN_RECORD}{kind.code}: {kind.action} past {rule.months} months",
            )
    return {"by_kind": by_kind}


@task()
def retention_task(*, today: str) -> dict[str, dict[str, int]]:
    """The nightly run (cron hands it to a worker: `apply_retention --enqueue`)."""
    from eduboard.core.scope import WHOLE_CITY

    with background_priority(19), board_wall.whole_deployment(reason="the nightly retention of every board"):
        return retention_apply(viewer=WHOLE_CITY, today=date.fromisoformat(today))

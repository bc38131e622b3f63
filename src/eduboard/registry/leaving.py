"""Leaving reasons: the one place that infers a reason where none was given (`rules.inferred_leaving_reason`) and
writes it, marked inferred. Takes the Enrolment model as an argument, so the data migration that introduced the codes
runs the same rule on its historical model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date
from typing import Any

from django.db.models import Max, Q

from eduboard.core.figures_writes import beyond_the_writers_scope, writers_institutions
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.rules import inferred_leaving_reason

BATCH = 900  # ids in one `IN (…)` (SQLite allows 999 parameters a statement)

# What `_reasons_to_write` reads of each left enrolment whose reason was not given, in this order.
_PENDING_FIELDS = (
    "pk",
    "learner_id",
    "enrolled_on",
    "left_on",
    "leaving_reason",
    "leaving_reason_inferred",
    "group__institution_id",
    "group__programme__level",
    "group__programme_id",
    "group__grade",
    "learner__birth_date",
)


def _last_vocational_grades(group_model: Any) -> dict[int, int]:
    """Vocational programme id -> the last grade any of its groups has (one query)."""
    return dict(
        group_model.objects.filter(programme__level=ProgrammeLevel.VOCATIONAL)
        .order_by()
        .values_list("programme_id")
        .annotate(last=Max("grade"))
        .values_list("programme_id", "last")
    )


def _school_starts(rows: Any) -> dict[int, list[tuple[int, int, date]]]:
    """Learner id -> (enrolment id, institution id, enrolled on) of each of the learner's enrolments outside
    interest education (one query)."""
    starts: dict[int, list[tuple[int, int, date]]] = defaultdict(list)
    for pk, learner_id, institution_id, enrolled_on in (
        rows.exclude(group__programme__level=ProgrammeLevel.INTEREST)
        .order_by()
        .values_list("pk", "learner_id", "group__institution_id", "enrolled_on")
    ):
        starts[learner_id].append((pk, institution_id, enrolled_on))
    return starts


def _reasons_to_write(enrolment_model: Any, rows: Any, last_vocational: dict[int, int]) -> list[Any]:
    """The left enrolments among `rows` whose reason was not given (empty or inferred before) and whose inferred
    reason differs from the one stored, as unsaved instances carrying the new reason (two queries)."""
    starts = _school_starts(rows)
    pending = (
        rows.filter(left_on__isnull=False)
        .filter(Q(leaving_reason="") | Q(leaving_reason_inferred=True))
        .order_by()
        .values_list(*_PENDING_FIELDS)
    )
    updates = []
    for row in pending:
        (
            pk,
            learner_id,
            enrolled_on,
            left_on,
            reason,
            inferred,
            institution_id,
            level,
            programme_id,
            grade,
            birth,
        ) = row
        if level == ProgrammeLevel.INTEREST:  # a club is not a school: its leavings are not inferred
            continue
        others = [(where, day) for other, where, day in starts[learner_id] if other != pk]
        found = inferred_leaving_reason(
            left_on=left_on,
            level=level,
            grade=grade,
            birth_date=birth,
            last_vocational_grade=last_vocational.get(programme_id),
            starts_elsewhere=[day for where, day in others if where != institution_id],
            starts_here=[day for where, day in others if where == institution_id and day >= enrolled_on],
        )
        if found != reason or inferred != bool(found):
            update = enrolment_model(pk=pk, leaving_reason=found, leaving_reason_inferred=bool(found))
            update.inferred_at = institution_id  # whose row it is (the cached figures' writer, below)
            updates.append(update)
    return updates


def _audit_inferred(enrolment_model: Any, updates: list[Any]) -> None:
    """One audit entry for a batch of reasons written."""
    from auditlog.models import LogEntry

    from eduboard.core.audit import audit_bulk_write

    audit_bulk_write(
        actor=None,
        model=enrolment_model,
        action=LogEntry.Action.UPDATE,
        rows=len(updates),
        what="leaving reasons inferred from the registry",
        ids=[update.pk for update in updates],
    )


def infer_leaving_reasons(*, enrolment_model: Any = None, learner_ids: Iterable[int] | None = None) -> int:
    """Infer the reason of every left enrolment whose reason was not given (empty or inferred before), for the
    learners named (all when None), and write the changed ones marked inferred. Returns how many changed.
    A given reason is never touched; an inferred one is inferred again, since a later enrolment may make it a
    transfer."""
    audited = enrolment_model is None  # a migration's historical model writes before the audit trail exists
    if enrolment_model is None:
        from eduboard.registry.models import Enrolment

        enrolment_model = Enrolment
    group_model = enrolment_model._meta.get_field("group").related_model
    ids = None if learner_ids is None else sorted(set(learner_ids))
    if ids is not None and not ids:
        return 0
    batches: list[list[int] | None] = [None] if ids is None else [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    last_vocational = _last_vocational_grades(group_model)
    changed = 0
    for batch in batches:
        rows = enrolment_model.objects.all()
        if batch is not None:
            rows = rows.filter(learner_id__in=batch)
        updates = _reasons_to_write(enrolment_model, rows, last_vocational)
        # The learner's enrolments anywhere: a row of an institution outside its writer's is the system's write, and
        # renews the whole area's figures (core.figures_writes), not only the writer's institutions'.
        placed_at = writers_institutions()
        outside = placed_at is None or any(update.inferred_at not in placed_at for update in updates)
        with beyond_the_writers_scope() if outside else nullcontext():
            enrolment_model.objects.bulk_update(updates, ["leaving_reason", "leaving_reason_inferred"], batch_size=500)
        changed += len(updates)
        if audited:
            _audit_inferred(enrolment_model, updates)
    return changed

"""One child, one record (issue 43, point 3): two learner records of one child merged into the one kept.

Every row that names the merged record moves to the kept one in one transaction: enrolments, queue entries, and
whatever other areas keep of a learner (results, absences, loans, support plans, bookings, …), found through the
relations Django knows to `Learner` rather than a list, so that a new area's rows move too without this module
knowing it (the registry imports no other area). The merge is refused, with nothing changed, when the two records
hold what cannot both be true of one child: enrolments in general education in two institutions on the same day,
different birth dates, or rows that would then be one row twice (e.g. both enrolled in the same group). The merged
record is deleted; the audit trail keeps who merged what into what and how many rows moved.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from eduboard.core.audit import audit_bulk_write
from eduboard.core.scope import Viewer, institution_scope, sees_whole_city
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.models import Enrolment, Learner

GENERAL_LEVELS = (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY)


def _general_places(learner: Learner) -> list[tuple[int, object, object]]:
    return list(
        Enrolment.objects.filter(learner=learner, group__programme__level__in=GENERAL_LEVELS).values_list(
            "group__institution_id", "enrolled_on", "left_on"
        )
    )


def _overlap(first: tuple[int, object, object], second: tuple[int, object, object]) -> bool:
    """Two enrolments in different institutions that hold on a common day (`left_on` is the first day away)."""
    (where_a, start_a, end_a), (where_b, start_b, end_b) = first, second
    if where_a == where_b:
        return False
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)  # type: ignore[operator]


def learner_merge_refusal(*, kept: Learner, merged: Learner) -> ValidationError | None:
    """Why the two records cannot be one child's (a ValidationError with its code), or None when they can."""
    if kept.pk == merged.pk:
        return ValidationError(_("A record cannot be merged into itself."), code="same_record")
    if kept.anonymised_on is not None or merged.anonymised_on is not None:
        return ValidationError(
            _("An anonymised record names no one: it cannot be told to be the same child as another."),
            code="anonymised",
        )
    if kept.birth_date != merged.birth_date:
        return ValidationError(
            _("The two records have different birth dates (%(kept)s and %(merged)s).")
            % {"kept": kept.birth_date.isoformat(), "merged": merged.birth_date.isoformat()},
            code="different_birth_dates",
        )
    for place in _general_places(kept):
        for other in _general_places(merged):
            if _overlap(place, other):
                return ValidationError(
                    _(
                        "Both records are enrolled in general education in two institutions at the same time "
                        "(from %(first)s and from %(second)s): one child cannot be."
                    )
                    % {"first": place[1], "second": other[1]},
                    code="at_two_schools_at_once",
                )
    return None


def _relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key and one-to-one field to Learner, and of every many-to-many
    field's join table to it, in every installed area (those with `related_name="+"` too)."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is not Learner or field.auto_created:
                continue
            if field.many_to_many:
                m2m: Any = field
                found.append((m2m.remote_field.through, m2m.m2m_reverse_field_name()))
            elif field.many_to_one or field.one_to_one:
                found.append((model, field.name))
    return found


def may_merge_learners(viewer: Viewer) -> bool:
    """Whether `viewer` merges learner records: the board's roles that change learners (on a deployment of several
    boards, within their boards: `learner_merge` asks which records)."""
    return sees_whole_city(viewer) and viewer.has_perm("registry.change_learner")


def _beyond_scope(viewer: Viewer, *learners: Learner) -> bool:
    """Whether any of `learners` was ever enrolled in an institution outside the viewer's scope (another board's):
    their rows there are that board's, and a merge would move them."""
    scope = institution_scope(viewer)
    if scope is None:
        return False
    return Enrolment.objects.filter(learner__in=learners).exclude(group__institution__in=scope).exists()


def learner_merge(*, kept: Learner, merged: Learner, viewer: Viewer) -> dict[str, int]:
    """Merge the record `merged` into `kept` (the board's decision on a duplicate candidate): every row naming
    `merged` moves to `kept` in one transaction, audited, and `merged` is deleted. Refused (ValidationError,
    nothing changed) by `learner_merge_refusal`, or when a moved row would repeat one of `kept`'s. Returns the rows
    moved by model label."""
    if not may_merge_learners(viewer):
        raise PermissionDenied(_("Only the board merges learner records."))
    editable = Learner.objects.editable_by(viewer)
    if not editable.filter(pk=kept.pk).exists() or not editable.filter(pk=merged.pk).exists():
        raise PermissionDenied(_("These records are not yours to merge."))
    if _beyond_scope(viewer, kept, merged):
        raise PermissionDenied(
            _(
                "One of these records holds an enrolment in another board's institution, which is not yours to "
                "change: the deployment's administrator merges them."
            )
        )
    refusal = learner_merge_refusal(kept=kept, merged=merged)
    if refusal is not None:
        raise refusal
    moved: Counter[str] = Counter()
    try:
        with transaction.atomic():
            for model, field in _relations():
                rows = model._default_manager.filter(**{field: merged.pk})
                count = rows.update(**{field: kept.pk})
                if count:
                    moved[model._meta.label] += count
            audit_bulk_write(
                actor=viewer,
                model=Learner,
                action=LogEntry.Action.UPDATE,
                rows=max(sum(moved.values()), 1),
                what=f"merged learner {merged.pk} ({merged.masked_code}) into {kept.pk} ({kept.masked_code})",
                instance=kept,
                changes={label: [merged.pk, kept.pk] for label in moved} or None,
            )
            Learner.objects.filter(pk=merged.pk).delete()
    except IntegrityError:
        raise ValidationError(
            _("Both records hold the same row (e.g. an enrolment in the same group): remove one of them first."),
            code="same_row_twice",
        ) from None
    return dict(moved)

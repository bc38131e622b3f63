"""Writes of the self-assessment report's tables (`quality.models.self_assessment_tables`): a row is added, changed or
deleted by whoever may change the institution's self-assessment (its head, the board's administrators), only for an
institution of their scope, and never over a newer version of the row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.registry.models import Institution

#: The permission these tables are written with: they are part of the institution's self-assessment.
CHANGE_PERMISSION = "quality.change_selfassessment"


def _refuse_outside_scope(*, row: models.Model, viewer: Viewer) -> None:
    if not viewer.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied(_("Your role does not change self-assessments."))
    model = type(row)
    if row.pk is not None and not model._default_manager.all().editable_by(viewer).filter(pk=row.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("This row is not in your scope."))


@atomic_write
def self_assessment_table_row_save(*, row: models.Model, viewer: Viewer, expected_version: int | None = None) -> None:
    """Add or edit a row of a self-assessment table of an institution in `viewer`'s scope (a stale edit is refused;
    a row is not moved to an institution outside the scope)."""
    _refuse_outside_scope(row=row, viewer=viewer)
    institution_id = getattr(row, "institution_id", None)
    if not Institution.objects.editable_by(viewer).filter(pk=institution_id).exists():
        raise ValidationError({"institution": _("Choose an institution of your scope.")}, code="foreign_institution")
    accreditation = getattr(row, "accreditation", None)
    if accreditation is not None and accreditation.institution_id != institution_id:
        raise ValidationError(
            {"accreditation": _("Choose an accreditation of the same institution.")}, code="foreign_accreditation"
        )
    save_versioned(row, expected_version=expected_version)


@atomic_write
def self_assessment_table_row_delete(*, row: models.Model, viewer: Viewer) -> None:
    """Delete a row of a self-assessment table of an institution in `viewer`'s scope."""
    _refuse_outside_scope(row=row, viewer=viewer)
    row.delete()

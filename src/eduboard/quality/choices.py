"""Choices of the quality area; the values are the codes import files use."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObservationKind(models.TextChoices):
    """Who observed the lesson (vērošanas veids)."""

    EXTERNAL = "external", _("External (by the board)")
    INTERNAL = "internal", _("Internal (by the institution)")
    PEER = "peer", _("Peer (a colleague)")


class ExamKind(models.TextChoices):
    """Kinds of exams and tests (valsts pārbaudes darbi, monitoringa darbi)."""

    CE_BASIC = "ce_basic", _("Basic-school centralised exam")
    CE_SECONDARY = "ce_secondary", _("Secondary centralised exam")
    MONITORING = "monitoring", _("City monitoring test")
    PILOT = "pilot", _("Pilot exam")
    QUALIFICATION = "qualification", _("Vocational qualification exam")


class ExamLevel(models.TextChoices):
    """The level of a secondary exam (mācību satura apguves līmenis); empty for the others."""

    NONE = "", _("—")
    OPTIMAL = "optimal", _("Optimal level")
    HIGHER = "higher", _("Higher level")


# The pass threshold (minimālais kopvērtējuma slieksnis) when no PassThreshold row names another for the year.
DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    ExamKind.CE_BASIC: Decimal("10"),
    ExamKind.CE_SECONDARY: Decimal("15"),
}

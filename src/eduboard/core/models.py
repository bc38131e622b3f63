"""Shared model bases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class SchoolYear(models.Model):
    """A school year (mācību gads), 1 September to 31 August, named like `2024/2025`."""

    code = models.CharField(_("school year"), max_length=9, unique=True)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="school_year_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.code

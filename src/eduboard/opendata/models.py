"""A published version of one board's open dataset: its files as they were published, so that the catalogue's
`modified` and the feed's entries are the days the figures changed (a run that finds the same figures records
nothing)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.opendata.choices import DatasetCode


class PublicationQuerySet(models.QuerySet["Publication"]):
    """Publications are public by nature: their files hold figures only, small cells withheld."""

    def latest_per_dataset(self) -> PublicationQuerySet:
        """The newest version of each board's dataset."""
        newest = self.filter(board=models.OuterRef("board"), dataset=models.OuterRef("dataset")).order_by(
            "-modified", "-pk"
        )
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))


class Publication(models.Model):
    """One version of a board's dataset (atvērto datu kopa): its period, when it changed, and its CSV and JSON."""

    board = models.ForeignKey(
        "registry.Board", verbose_name=_("board"), on_delete=models.CASCADE, related_name="publications"
    )
    dataset = models.CharField(_("dataset"), max_length=32, choices=DatasetCode.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    modified = models.DateTimeField(_("modified"), help_text=_("When the figures of this version were published."))
    checked_at = models.DateTimeField(
        _("last checked"), help_text=_("When the figures were last computed again and found the same.")
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    csv = models.TextField(_("CSV"))
    json = models.TextField(_("JSON"))
    checksum = models.CharField(_("checksum"), max_length=64, help_text=_("SHA-256 of the dataset's rows."))

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("open data publication")
        verbose_name_plural = _("open data publications")
        ordering = ["-modified", "-pk"]
        indexes = [models.Index(fields=["board", "dataset", "-modified"], name="opendata_pub_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="opendata_pub_period_in_order",
                violation_error_message=_("A period ends on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board_id} {self.dataset} {self.modified:%Y-%m-%d %H:%M}"

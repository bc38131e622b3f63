"""Report editions: the board's reports as drafts (figures recomputed on each view) and published (frozen)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.registry.board_data import BoardData, BoardDataQuerySet


class ReportKind(models.TextChoices):
    """Kinds of report the board writes from the data."""

    READINESS = "readiness", _("Readiness for the school year")


class EditionStatus(models.TextChoices):
    """A draft recomputes its figures; a published edition keeps them as they were when published."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ReportEditionQuerySet(BoardDataQuerySet["ReportEdition"]):
    def visible_to(self, user: Any) -> ReportEditionQuerySet:
        """The editions of the boards the user works for: the board's roles see every one, others only published
        ones."""
        mine: ReportEditionQuerySet = super().visible_to(user)  # type: ignore[assignment]
        if getattr(user, "sees_all_institutions", False):
            return mine
        return mine.filter(status=EditionStatus.PUBLISHED)


class ReportEdition(BoardData, TimeStampedModel):
    """One edition (izdevums) of a board's report for a school year and an "as of" date, with its narrative.

    `narrative` maps each narrative place of the report (a slot such as `challenges.text`) to its text;
    `content` holds the figures frozen on publishing (empty for a draft); `version` grows with every change,
    so two people editing the same edition cannot overwrite each other silently.
    """

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices, default=ReportKind.READINESS)
    school_year = models.ForeignKey(
        "core.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="report_editions"
    )
    number = models.PositiveIntegerField(_("edition"), default=1)
    title = models.CharField(_("title"), max_length=200, blank=True)
    as_of = models.DateField(_("figures as of"))
    dates = models.JSONField(
        _("dates of the areas' figures"),
        default=dict,
        blank=True,
        help_text=_("An area's own date (YYYY-MM-DD) where its figures are read on another day than the report's."),
    )
    status = models.CharField(_("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    content = models.JSONField(_("frozen figures"), null=True, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self", verbose_name=_("started from"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportEditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        ordering = ["-school_year__start_date", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "kind", "school_year", "number"], name="report_edition_board_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status=EditionStatus.DRAFT)
                | models.Q(content__isnull=False, published_at__isnull=False),
                name="report_edition_published_is_frozen",
                violation_error_message=_("A published edition keeps the content and the time it was published with."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("reports:edition_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED

    def area_dates(self) -> dict[str, date]:
        """`dates` as dates (they are stored as ISO text, checked by `reports.services.clean_dates`)."""
        return {area: date.fromisoformat(text) for area, text in sorted(self.dates.items())}


class FileJobQuerySet(models.QuerySet["FileJob"]):
    def visible_to(self, user: Any) -> FileJobQuerySet:
        """A report file is for the user who asked for it, and for no one else (not even the board): it may hold
        the sections that user's role reads."""
        return self.filter(user_id=getattr(user, "pk", None) or 0)


class FileJob(TimeStampedModel):
    """One report file made by a worker for the user who asked: while it is made, its progress (only theirs to
    follow); once made, the record of the file kept with its edition (format, language, who built it, when, size)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="file_jobs", null=True, blank=True
    )
    # Or an institution's self-assessment report (reports/self_assessment.py), built from the data when it runs.
    self_assessment = models.ForeignKey(
        "quality.SelfAssessment", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    fmt = models.CharField(max_length=8)
    language = models.CharField(max_length=8)
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Times the job was queued again after its worker died (core.jobs.retake_if_worker_gone).
    retakes = models.PositiveSmallIntegerField(default=0, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True, editable=False)
    # The permissions the figures in the file need (`reports.selectors.content_reads`): a reader of the edition
    # whose role has them all may fetch the file too (`reports.selectors.file_jobs_readable`). None (a file made
    # before this was recorded, or a self-assessment's): only the user who asked for it.
    reads = models.JSONField(null=True, blank=True, editable=False)
    # Some figures were left out of the file because the role of the user who asked does not include them.
    partial = models.BooleanField(default=False, editable=False)

    objects = FileJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report file job")
        verbose_name_plural = _("report file jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(edition__isnull=False, self_assessment__isnull=True)
                | Q(edition__isnull=True, self_assessment__isnull=False),
                name="file_job_one_report",
                violation_error_message=_("A report file is made of an edition or of a self-assessment."),
            )
        ]

    def __str__(self) -> str:
        return self.filename

    def subject_url(self) -> str:
        """The page of what the file is made of (the edition or the self-assessment): the job page links back."""
        if self.edition_id is not None:
            return reverse("reports:edition_detail", args=[self.edition_id])
        return reverse("quality:self_assessment_detail", args=[self.self_assessment_id])

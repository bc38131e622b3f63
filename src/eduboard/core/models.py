"""Shared model bases."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.core.scope import ReferenceQuerySet, Viewer, acting_user, institution_scope


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

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="school_year_ends_after_start",
                violation_error_message=_("A school year ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.code


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    """Import jobs in scope. A job holds what its file said (names, personal codes, in its errors, preview and
    change log), and its rows were written within its sender's scope, which is one board's at most: the job is
    recorded with that board (`ImportJob.board`)."""

    def visible_to(self, viewer: Viewer) -> ImportJobQuerySet:
        """The viewer's own imports, and, for a role that reads imports (`core.view_importjob`: the board's), those
        of the boards whose every institution is in the viewer's scope: every job where the viewer sees the whole
        deployment; a job of no one board (its sender worked for several, or the job is older than boards) only
        there."""
        scope = institution_scope(viewer)  # refuses None
        author = acting_user(viewer)
        own = models.Q(created_by_id=author.pk) if author is not None else models.Q(pk__in=[])
        if not viewer.has_perm("core.view_importjob"):
            return self.filter(own)
        if scope is None:
            return self
        # core names the registry's model, it does not import it (core imports no area)
        institution: Any = apps.get_model("registry", "Institution")
        inside = institution.objects.filter(pk__in=scope).values("board_id")
        outside = institution.objects.exclude(pk__in=scope).values("board_id")
        return self.filter(own | (models.Q(board_id__in=inside) & ~models.Q(board_id__in=outside)))

    def editable_by(self, viewer: Viewer) -> ImportJobQuerySet:
        """The viewer's own imports: only the one who sent a file retries or confirms it, in their own scope."""
        author = acting_user(viewer)
        return self.filter(created_by_id=author.pk) if author is not None else self.none()


class ImportJob(TimeStampedModel):
    """One uploaded file being imported: who sent it, for which board, how far it got, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")
        PREVIEWED = "previewed", _("Previewed, waiting to be confirmed")

    area = models.CharField(_("area"), max_length=40)
    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    total_errors = models.PositiveIntegerField(_("errors in all"), default=0)
    warnings = models.JSONField(
        _("warnings"), default=list, blank=True, help_text=_("What a saved file's rows were warned of (not errors).")
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("imported by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    board = models.ForeignKey(
        "registry.Board",
        verbose_name=_("board"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The board its sender worked for; empty when they worked for several boards (then the job is seen by "
            "them and by those who see every board)."
        ),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Times the job was queued again after its worker died (core.jobs.retake_if_worker_gone).
    retakes = models.PositiveSmallIntegerField(_("taken up again"), default=0, editable=False)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True, help_text=_("Empty: detected."))
    change_log_path = models.CharField(max_length=500, blank=True, editable=False)
    change_log_entries = models.PositiveIntegerField(_("objects created or changed"), default=0)
    # A preview (issue 43, point 4): the worker runs the file and rolls it back; the job keeps what it would do.
    preview_only = models.BooleanField(
        _("preview only"), default=False, help_text=_("The file is tried and nothing is saved until it is confirmed.")
    )
    preview = models.JSONField(_("preview"), default=dict, blank=True, editable=False)
    # The data's tokens when the preview ran (core.figures_cache): the confirmed import is refused if they changed.
    preview_tokens = models.JSONField(default=dict, blank=True, editable=False)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.area}/{self.kind}: {self.filename}"


class DataGeneration(models.Model):
    """The current token of an area's data (core.figures_cache): renewed after every committed write to the
    area's tables, so figures cached under an older token are never read again."""

    area = models.CharField(_("area"), max_length=40, primary_key=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")

    def __str__(self) -> str:
        return f"{self.area}: {self.token}"


class RateCount(models.Model):
    """How many tries (or places, or anything counted) one key has used in its current time window: the per-address
    and per-account limits of the public pages (`core.public.count_up`). One row per key and window, counted up
    with one atomic statement so concurrent requests cannot pass a limit; rows past `expires_at` are cleaned."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate count")
        verbose_name_plural = _("rate counts")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

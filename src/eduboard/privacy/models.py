"""Privacy tables: the retention rules (a period and a legal ground per kind of personal data, the board's to edit)
and the requests for a learner's data with the answers prepared and signed off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.dates import add_months
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope


class RetentionRule(TimeStampedModel):
    """How long one kind of personal data is kept (glabāšanas termiņš) and on what legal ground; past it, the
    nightly run anonymises or deletes the rows (privacy.retention). One set for the deployment: the periods come
    from the country's laws, the same for every board; the board's administrators edit them."""

    kind = models.CharField(_("kind of data"), max_length=32, unique=True)
    months = models.PositiveIntegerField(
        _("kept for, months"),
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("Counted from the day named for the kind (a leaving day, an absence's day, a return ...)."),
    )
    legal_ground = models.CharField(_("legal ground"), max_length=300)
    active = models.BooleanField(
        _("applied"), default=True, help_text=_("An inactive rule keeps the data until it is made active again.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.months}"


class RequestStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared, waiting for the board's sign-off")
    SIGNED_OFF = "signed_off", _("signed off: may be given to the parent")


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def visible_to(self, viewer: Viewer) -> AccessRequestQuerySet:
        """The board sees every request; a head those prepared for the learners of their institutions (the
        institution the request was prepared in)."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(institution__in=scope)

    def editable_by(self, viewer: Viewer) -> AccessRequestQuerySet:
        """The same rows: what a user may do with one (prepare, sign off) is decided by privacy.rules."""
        return self.visible_to(viewer)


class AccessRequest(models.Model):
    """A request for everything the system holds about one learner (GDPR Art. 15) and the answer prepared for it:
    kept as it was prepared (`answer`), so the answer signed off is the one given. Prepared by a head for their own
    learners or by the board; signed off by the board."""

    learner = models.ForeignKey(
        "registry.Learner", verbose_name=_("learner"), on_delete=models.CASCADE, related_name="access_requests"
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the request was prepared: a head's own institution; empty when the board prepared it."),
    )
    requester = models.CharField(
        _("requested by"), max_length=200, help_text=_("Who asked: the parent or the learner, as they signed.")
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    language = models.CharField(_("language of the answer"), max_length=2, choices=settings.LANGUAGES, default="lv")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    answer = models.JSONField(_("answer"), default=dict, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PREPARED)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject-access request")
        verbose_name_plural = _("subject-access requests")
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="prepared", signed_off_at__isnull=True)
                | models.Q(status="signed_off", signed_off_at__isnull=False),
                name="privacy_access_signed_off_has_time",
                violation_error_message=_("A signed-off answer has the time it was signed off, and only it."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.learner_id}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:request_detail", args=[self.pk])

    @property
    def due_on(self) -> Any:
        """The day the answer is due: a month after the request was received (GDPR Art. 12(3))."""
        return add_months(self.received_on, 1)

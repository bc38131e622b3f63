"""The shared events calendar: meetings, conferences, deadlines, celebrations and the centre's public events.

Its tables keep the names they were made with in the `innovation` app (`innovation_event`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import Viewer, institution_scope
from eduboard.core.translated import translations_of
from eduboard.registry.models import Institution, ScopedQuerySet


class EventKind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    CONFERENCE = "conference", _("conference")
    DEADLINE = "deadline", _("deadline")
    CELEBRATION = "celebration", _("celebration")
    INSPECTION = "inspection", _("inspection")
    COMPETITION = "competition", _("competition")
    COURSE = "course", _("course")
    OTHER = "other", _("other")


class EventQuerySet(ScopedQuerySet):
    """Every signed-in user reads the shared calendar; a role changes the events its institutions organise (the
    board: all, also the board's own, which have no organiser institution)."""

    def visible_to(self, viewer: Viewer) -> Any:
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        if getattr(viewer, "is_authenticated", True):
            return self
        return self.filter(public=True)

    def editable_by(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(organiser__in=scope)


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=255)
    title_en, title_ru = translations_of(_("title"), max_length=255)  # where a report in English or Russian names it
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("whole days"), default=True, help_text=_("Dates only, no time of day."))
    when_text = models.CharField(
        _("when, as written"), max_length=120, blank=True,
        help_text=_("Where the dates read better in words (e.g. “27.09., 25.10., 29.11.2024.”); the report shows it."),
    )  # fmt: skip
    when_text_en, when_text_ru = translations_of(_("when, as written"), max_length=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Institution, verbose_name=_("organiser"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Empty: the education board."),
    )  # fmt: skip
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.OTHER)
    public = models.BooleanField(_("public"), default=False, help_text=_("Shown in the public feeds."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        db_table = "innovation_event"
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("An event ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{date_format(timezone.localtime(self.starts_at), 'SHORT_DATE_FORMAT')} {self.title}"

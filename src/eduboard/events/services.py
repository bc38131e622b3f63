"""Writes of the events calendar: an institution's events by its roles, the board's own by the board."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.events.models import Event
from eduboard.registry.models import Institution


@atomic_write
def event_save(*, viewer: Viewer, event: Event, expected_version: int | None) -> Event:
    """Add or edit an event of the shared calendar: an institution's by its roles, the board's own (no organiser)
    by the board only."""
    if event.organiser_id is None:
        if not sees_whole_city(viewer):
            raise ValidationError(
                {"organiser": _("Choose your institution: the board's own events are the board's to enter.")}
            )
    elif not Institution.objects.editable_by(viewer).filter(pk=event.organiser_id).exists():
        raise ValidationError({"organiser": _("This institution is not in your scope.")})
    save_versioned(event, expected_version=expected_version)
    return event

"""The events calendar's API: read-only routes of the shared calendar's events (list and detail). Every signed-in
user reads every event, as on the calendar's page; the organisers' roles change them on the page."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from eduboard.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet
from eduboard.events.filters import EventFilter
from eduboard.events.models import Event


class EventSerializer(ScopedModelSerializer):
    """An event: its times (or whole days), place, organiser (none: the education board), audience and kind."""

    organiser = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="registration_number", read_only=True, allow_null=True, help_text="null: the education board"
    )

    class Meta:
        model = Event
        fields = [
            "id", "title", "title_en", "title_ru", "kind", "starts_at", "ends_at", "all_day", "when_text",
            "when_text_en", "when_text_ru", "place", "organiser", "audience", "public", "version",
        ]  # fmt: skip
        read_only_fields = fields


class EventViewSet(ScopedReadOnlyViewSet):
    """The shared calendar's events, in the order they start."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    queryset = Event.objects.select_related("organiser")
    ordering_fields = ["starts_at", "title", "kind"]
    ordering = ["starts_at", "title", "pk"]


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("events/events", EventViewSet, basename="event")

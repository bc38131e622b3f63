"""The innovation centre's API: `GET /api/innovation/stats/?from=&to=`, the same JSON as `innovation_stats visits`;
and read-only routes of the centre's activities, slots, bookings, visits and visitor cards (list and detail), each
scoped to the caller as the pages are (core.api.ScopedReadOnlyViewSet: the centre's staff their centre's rows, a
school's head also their school's bookings, the board all).

What the pages do not show is not here either: a booking's token (the teacher's own link), a card's secret code
(stored only as a hash) and a waiting school's contact."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.centre.filters import ActivityApiFilter, BookingFilter, SlotFilter, VisitFilter
from eduboard.centre.models import Activity, Booking, Card, Slot, Visit
from eduboard.centre.selectors import innovation_figures
from eduboard.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet, query_date
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures


@extend_schema(
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="first day"),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="last day"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def innovation_stats_view(request: Request) -> Response:
    """The centre's visits, visitors, bookings, occupancy and points for a period, scoped to the caller."""
    date_from, date_to = query_date(request, "from"), query_date(request, "to")
    if date_to < date_from:  # a rule of the data a schema cannot state: code `rule`, as the services' refusals
        raise ValidationError({"to": [ErrorDetail(_("The last day is before the first."), code="rule")]})
    return Response(
        api_figures(
            request,
            lambda viewer: innovation_figures(date_from=date_from, date_to=date_to, visible_to=viewer),
            "innovation.view_visit",
        )
    )


urlpatterns = [path("stats/", innovation_stats_view, name="api-innovation-stats")]


# --- the centre's rows, read-only


#: A time of day as the centre keeps it (a slot's start and end): the local time (settings.TIME_ZONE, Europe/Riga) on
#: the row's date, HH:MM:SS. Not OpenAPI's `format: time`: OpenAPI 3.0 defines no such format and validators read it
#: apart (JSON Schema's RFC 3339 full-time needs a UTC offset, openapi-core's takes HH:MM:SS and refuses one), so the
#: schema says the form itself.
TIME_OF_DAY = {
    "type": "string",
    "pattern": "^(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
    "example": "09:30:00",
    "description": "local time (Europe/Riga) on the row's date, HH:MM:SS",
}


@extend_schema_field(TIME_OF_DAY)
class TimeOfDayField(serializers.TimeField):
    """A read-only time of day written HH:MM:SS (`TIME_OF_DAY`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M:%S", read_only=True, **kwargs)


def _institution(*, allow_null: bool = False) -> serializers.SlugRelatedField:
    """An institution named by its registration number, as every area's API names one."""
    return serializers.SlugRelatedField(slug_field="registration_number", read_only=True, allow_null=allow_null)


class ActivitySerializer(ScopedModelSerializer):
    """An activity of the catalogue, published or a draft."""

    centre = _institution()
    module = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    age_bands = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Activity
        fields = [
            "id", "centre", "code", "kind", "module", "age_bands", "duration_min", "places", "confirm_group_over",
            "languages", "equipment", "price", "title_lv", "title_en", "title_ru", "description_lv", "description_en",
            "description_ru", "published", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ActivityViewSet(ScopedReadOnlyViewSet):
    """The catalogue as the centre keeps it: its published and draft activities."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityApiFilter
    queryset = Activity.objects.select_related("centre", "module").prefetch_related("age_bands")
    ordering_fields = ["code", "title_lv", "kind", "duration_min", "places"]
    ordering = ["module__position", "code"]


class SlotSerializer(ScopedModelSerializer):
    """A bookable time of an activity, with the places booked and free."""

    activity = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    start = TimeOfDayField()
    end = TimeOfDayField()
    free = serializers.IntegerField(read_only=True, help_text="places not yet booked")

    class Meta:
        model = Slot
        fields = ["id", "activity", "date", "start", "end", "room", "places", "booked", "free", "version"]
        read_only_fields = fields


class SlotViewSet(ScopedReadOnlyViewSet):
    """The slots of the centre's activities."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    queryset = Slot.objects.select_related("activity")
    ordering_fields = ["date", "start", "places", "booked"]
    ordering = ["date", "start", "pk"]


class BookingSerializer(ScopedModelSerializer):
    """A school's booking of a slot with the teacher's contact (as the bookings page shows it); never its token."""

    activity = serializers.CharField(source="slot.activity.code", read_only=True)
    date = serializers.DateField(source="slot.date", read_only=True)
    start = TimeOfDayField(source="slot.start")
    school = _institution(allow_null=True)

    class Meta:
        model = Booking
        fields = [
            "id", "slot", "activity", "date", "start", "status", "school", "school_name", "municipality",
            "contact_name", "email", "phone", "group_size", "grade", "language", "special_needs", "created_at",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class BookingViewSet(ScopedReadOnlyViewSet):
    """The centre's bookings; a city school's head reads their school's own bookings too."""

    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    queryset = Booking.objects.select_related("slot__activity", "school")
    ordering_fields = ["date", "school_name", "status", "group_size", "created_at"]
    ordering_aliases = {"date": "slot__date"}
    ordering = ["slot__date", "slot__start", "pk"]


class VisitSerializer(ScopedModelSerializer):
    """A visit that took place: a booked group that came, walk-in visitors or an event."""

    centre = _institution()
    activity = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    school = _institution(allow_null=True)
    module = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    age_band = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]

    class Meta:
        model = Visit
        fields = [
            "id", "centre", "kind", "booking", "activity", "date", "school", "school_name", "municipality", "grade",
            "learners", "teachers", "parents", "seniors", "other_adults", "children_under_school_age", "place",
            "place_name", "equipment_taken", "module", "age_band", "note", "version",
        ]  # fmt: skip
        read_only_fields = fields


class VisitViewSet(ScopedReadOnlyViewSet):
    """The centre's visits, the newest first."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    queryset = Visit.objects.select_related("centre", "activity", "school", "module", "age_band")
    ordering_fields = ["date", "school_name", "kind", "learners", "teachers"]
    ordering = ["-date", "pk"]


class CardSerializer(ScopedModelSerializer):
    """A visitor card: its number and whom it was given to (it names no one); never its secret code."""

    centre = _institution()

    class Meta:
        model = Card
        fields = ["id", "centre", "number", "school_name", "class_label", "issued_on"]
        read_only_fields = fields


class CardViewSet(ScopedReadOnlyViewSet):
    """The centre's visitor cards."""

    serializer_class = CardSerializer
    queryset = Card.objects.select_related("centre")
    ordering_fields = ["number", "issued_on", "school_name"]
    ordering = ["number"]


def register(router: DefaultRouter) -> None:
    """Register the centre's viewsets on the project's API router (under /api/innovation/, beside the stats)."""
    router.register("innovation/activities", ActivityViewSet, basename="activity")
    router.register("innovation/slots", SlotViewSet, basename="slot")
    router.register("innovation/bookings", BookingViewSet, basename="booking")
    router.register("innovation/visits", VisitViewSet, basename="visit")
    router.register("innovation/cards", CardViewSet, basename="card")

"""The innovation centre's API: `GET /api/innovation/stats/?from=&to=`, the same JSON as `innovation_stats visits`."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from eduboard.core.api import query_date
from eduboard.innovation.selectors import innovation_figures


@extend_schema(
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="first day"),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="last day"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def innovation_stats_view(request: Request) -> Response:
    """The centre's visits, visitors, bookings, occupancy and points for a period, scoped to the caller."""
    if not request.user.has_perm("innovation.view_visit"):
        raise PermissionDenied
    date_from, date_to = query_date(request, "from"), query_date(request, "to")
    if date_to < date_from:  # a rule of the data a schema cannot state: code `rule`, as the services' refusals
        raise ValidationError({"to": [ErrorDetail(_("The last day is before the first."), code="rule")]})
    return Response(innovation_figures(date_from=date_from, date_to=date_to, visible_to=request.user))


urlpatterns = [path("stats/", innovation_stats_view, name="api-innovation-stats")]

"""API of the reports area: the readiness report's content as JSON, and a report edition with its content."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from eduboard.core.api import api_error, query_date
from eduboard.core.views import scoped_rows
from eduboard.registry.selectors import default_as_of
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import DATE_AREAS
from eduboard.reports.selectors import edition_content, readiness_content
from eduboard.reports.services import clean_dates


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; the latest data when not given"),
        *[
            OpenApiParameter(
                f"{area}_as_of",
                OpenApiTypes.DATE,
                description=f"YYYY-MM-DD, not after as_of: the {area} figures' own date (when not given: "
                + ("the day of the last spending up to as_of)" if area == "money" else "as_of)"),
            )
            for area in DATE_AREAS
        ],
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def readiness_api_view(request: Request) -> Response:
    """The readiness report's content as of a date (sections, figures, tables), scoped to the caller and
    without the blocks the caller's role does not include."""
    if not request.user.has_perm("reports.view_reportedition"):
        raise PermissionDenied
    as_of = query_date(request, "as_of", default_as_of())
    given: dict[str, date | None] = {
        area: query_date(request, f"{area}_as_of") for area in DATE_AREAS if request.query_params.get(f"{area}_as_of")
    }
    try:
        dates = clean_dates(as_of=as_of, dates=given)
    except DjangoValidationError as error:
        by_parameter = {f"{area}_as_of": items for area, items in error.error_dict.items()}
        raise api_error(DjangoValidationError(by_parameter)) from None
    return Response(readiness_content(as_of=as_of, visible_to=request.user, dates=dates))


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def edition_api_view(request: Request, pk: int) -> Response:
    """A report edition: its facts, narrative and content (frozen when published, computed now for a draft),
    without the blocks the caller's role does not include."""
    if not request.user.has_perm("reports.view_reportedition"):
        raise PermissionDenied
    edition = scoped_rows(request, ReportEdition.objects.select_related("school_year")).filter(pk=pk).first()
    if edition is None:
        raise NotFound
    return Response(
        {
            "id": edition.pk,
            "kind": edition.kind,
            "school_year": edition.school_year.code,
            "number": edition.number,
            "title": edition.title,
            "as_of": edition.as_of.isoformat(),
            "dates": edition.dates,
            "status": edition.status,
            "version": edition.version,
            "based_on": edition.based_on_id,
            "published_at": edition.published_at.isoformat() if edition.published_at else None,
            "narrative": edition.narrative,
            "content": edition_content(edition=edition, viewer=request.user),
        }
    )

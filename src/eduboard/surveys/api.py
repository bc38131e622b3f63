"""The surveys area's API: `GET /api/surveys/CODE/stats/`, the same JSON as `manage.py survey_stats CODE`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from eduboard.core.views import scoped_rows
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures, figures_viewer, refuse_without
from eduboard.registry.models import Institution
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS, survey_by_code, survey_figures


@extend_schema(
    parameters=[
        OpenApiParameter("institution", OpenApiTypes.STR, description="registration number: one institution"),
        OpenApiParameter(
            "type", OpenApiTypes.STR, enum=sorted(INSTITUTION_GROUPS), description="schools or preschools"
        ),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def survey_stats_view(request: Request, code: str) -> Response:
    """A survey's response rates and the share of each answer per question and audience, scoped to the caller;
    a cut with fewer than 5 answers is null."""
    refuse_without(request, "surveys.view_survey")
    try:
        chooser = figures_viewer(request.user, request.query_params.get("board"), boards_own=False)
    except DjangoValidationError as error:  # an unknown board: 404, as every stats API answers it
        raise NotFound(" ".join(error.messages)) from None
    try:
        survey = survey_by_code(code, visible_to=chooser)
    except Survey.DoesNotExist:
        raise NotFound(_("There is no survey %s.") % code[:40]) from None
    except Survey.MultipleObjectsReturned as error:
        raise ValidationError({"board": [str(error)]}) from None
    institution = None
    number = request.query_params.get("institution")
    if number:
        institution = scoped_rows(request, Institution).filter(registration_number=number[:20]).first()
        if institution is None:
            raise ValidationError({"institution": [_("Unknown institution.")]})
    group = request.query_params.get("type")
    if group and group not in INSTITUTION_GROUPS:
        raise ValidationError({"type": [_("One of %s.") % ", ".join(sorted(INSTITUTION_GROUPS))]})
    types = INSTITUTION_GROUPS[group] if group else None
    return Response(
        api_figures(
            request,
            lambda viewer: survey_figures(
                survey=survey, visible_to=viewer, institution=institution, institution_types=types
            ),
            boards_own=institution is None,  # one institution named: its figures, whoever founded it
        )
    )


urlpatterns = [path("<slug:code>/stats/", survey_stats_view, name="api-survey-stats")]

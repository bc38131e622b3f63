"""The REST API's root: routes of every area, health, and who the caller is."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from eduboard.assets import api as assets_api
from eduboard.centre import api as centre_api
from eduboard.competitions import api as competitions_api
from eduboard.courses import api as courses_api
from eduboard.events import api as events_api
from eduboard.finance import api as finance_api
from eduboard.materials import api as materials_api
from eduboard.people import api as people_api
from eduboard.projects import api as projects_api
from eduboard.quality import api as quality_api
from eduboard.registry import api as registry_api

router = DefaultRouter()
router.register("registry/institutions", registry_api.InstitutionViewSet, basename="institution")
router.register("registry/programmes", registry_api.ProgrammeViewSet, basename="programme")
router.register("registry/groups", registry_api.GroupViewSet, basename="group")
router.register("registry/learners", registry_api.LearnerViewSet, basename="learner")
router.register("registry/enrolments", registry_api.EnrolmentViewSet, basename="enrolment")
router.register("registry/queue", registry_api.QueueEntryViewSet, basename="queueentry")
router.register("people/positions", people_api.PositionKindViewSet, basename="positionkind")
router.register("people/staff", people_api.StaffMemberViewSet, basename="staffmember")
router.register("people/employments", people_api.EmploymentViewSet, basename="employment")
router.register("people/qualifications", people_api.QualificationViewSet, basename="qualification")
router.register("people/vacancies", people_api.VacancyViewSet, basename="vacancy")
router.register("people/training-requirements", people_api.TrainingRequirementViewSet, basename="trainingrequirement")
router.register("people/training-records", people_api.TrainingRecordViewSet, basename="trainingrecord")
router.register("public/vacancies", people_api.PublicVacancyViewSet, basename="public-vacancy")
finance_api.register(router)
quality_api.register(router)
assets_api.register(router)
projects_api.register(router)
centre_api.register(router)
competitions_api.register(router)
courses_api.register(router)
materials_api.register(router)
events_api.register(router)


HEALTH = inline_serializer("Health", {"status": serializers.CharField(help_text="ok, or error (503)")})
HEALTH_DETAILS = inline_serializer(
    "HealthDetails",
    {
        "status": serializers.CharField(help_text="ok"),
        "database": serializers.CharField(help_text="ok: the database answered (board users only)", required=False),
        "engine": serializers.CharField(help_text="sqlite or postgresql (board users only)", required=False),
    },
)


def sees_health_details(user: Any) -> bool:
    """Whether the caller may see the database details of the health check: a signed-in board user."""
    return bool(user is not None and user.is_authenticated and getattr(user, "sees_all_institutions", False))


class HealthView(APIView):
    """Whether the service and its database answer: 200 when they do, 503 when the database does not.

    The details (database state, engine) are for signed-in board users only: to anyone else they would
    tell what runs behind the service.
    """

    permission_classes = [AllowAny]

    def perform_authentication(self, request: Request) -> None:
        """Authenticate only once the database answered: a session or token check needs it, and a
        failing database must still answer 503, not 500."""

    @extend_schema(
        description="Anyone gets the status; a signed-in board user also gets the database state and engine.",
        responses={
            200: HEALTH_DETAILS,
            503: HEALTH,
        },
    )
    def get(self, request: Request) -> Response:
        """The status, and its details for a board user."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return Response({"status": "error"}, status=503)
        answer = {"status": "ok"}
        if sees_health_details(request.user):
            answer |= {"database": "ok", "engine": connection.vendor}
        return Response(answer)


health_view = HealthView.as_view()


@extend_schema(
    responses={
        200: inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "role": serializers.CharField(),
                "institutions": serializers.ListField(child=serializers.CharField()),
            },
        )
    }
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me_view(request: Request) -> Response:
    """The signed-in caller: username, role, and registration numbers of the institutions in scope."""
    user = request.user
    return Response(
        {
            "username": user.username,
            "role": getattr(user, "role", ""),
            "institutions": list(user.institutions.values_list("registration_number", flat=True)),  # type: ignore[union-attr]
        }
    )

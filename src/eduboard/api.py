"""The REST API's root: routes of every area, health, and who the caller is."""

from __future__ import annotations

from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.finance import api as finance_api
from eduboard.people import api as people_api
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


@extend_schema(
    responses={
        200: inline_serializer(
            "Health",
            {"status": serializers.CharField(), "database": serializers.CharField(), "engine": serializers.CharField()},
        )
    }
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health_view(request: Request) -> Response:
    """Whether the service and its database answer: 200 when they do, 503 when the database does not."""
    engine = connection.vendor
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Response({"status": "error", "database": "unavailable", "engine": engine}, status=503)
    return Response({"status": "ok", "database": "ok", "engine": engine})


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

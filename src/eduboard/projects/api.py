"""The projects area's API: programmes, projects, partners, the tranche plan, payments received, prefinancing,
mobilities, deadlines, and the figures.

Writes go through the same services as the pages; an update sends back the `version` it read (400 without it),
and a stale one is refused (409 Conflict). A project's tranches are set as a whole by
`POST projects/{id}/tranche-plan/`; a payment is recorded by POST and never edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import ErrorDetail, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.core.api import (
    DecimalField,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    query_date,
)
from eduboard.core.scope import institution_scope
from eduboard.core.views import scoped_rows
from eduboard.finance.models import FundingSource
from eduboard.projects import selectors, services
from eduboard.projects.models import (
    Deadline,
    Mobility,
    Partner,
    Payment,
    Prefinancing,
    Project,
    ProjectProgramme,
    Tranche,
)
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures
from eduboard.registry.models import Institution


class ProjectProgrammeSerializer(ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = ProjectProgramme
        fields = ["id", "code", "name", "name_en", "name_ru", "version"]


class ProjectProgrammeViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Funding programmes (the board extends the list)."""

    serializer_class = ProjectProgrammeSerializer
    queryset = ProjectProgramme.objects.all()

    def save_with(self, instance: ProjectProgramme, expected: int | None, many: Mapping[str, Any]) -> None:
        services.programme_save(programme=instance, expected_version=expected)


class ProjectSerializer(ScopedModelSerializer):
    programme = ScopedSlugRelatedField(ProjectProgramme, slug_field="code")
    institutions = ScopedSlugRelatedField(Institution, slug_field="registration_number", many=True, required=False)
    funding_source = ScopedSlugRelatedField(FundingSource, slug_field="code", required=False, allow_null=True)
    coordinator_country = CountryField(required=False, allow_blank=True, help_text="ISO 3166 alpha-2")
    city_share = DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="The whole grant when not given."
    )
    version = VersionField()

    class Meta:
        model = Project
        fields = [
            "id", "reference", "title", "title_en", "title_ru", "programme", "action", "role", "coordinator",
            "coordinator_country", "institutions", "start_date", "end_date", "status", "aims", "target_groups",
            "results", "publicity", "grant", "city_share", "co_financing", "funding_source", "version",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        scope = institution_scope(self.context["request"].user)
        if scope is not None and "institutions" in attrs and not {i.pk for i in attrs["institutions"]} & scope:
            raise serializers.ValidationError({"institutions": [_("Name at least one of your institutions.")]})
        if scope is not None and self.instance is None and not attrs.get("institutions"):
            raise serializers.ValidationError({"institutions": [_("Name at least one of your institutions.")]})
        return attrs


class PlannedTrancheSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    share_percent = DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    amount = DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)


class TranchePlanSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    tranches = PlannedTrancheSerializer(many=True)


class TrancheSerializer(ScopedModelSerializer):
    class Meta:
        model = Tranche
        fields = ["id", "due_on", "share_percent", "amount"]


class ProjectViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Projects of the caller's institutions (the board: all). `tranche-plan` replaces the planned tranches."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.select_related("programme", "funding_source").prefetch_related("institutions")
    filterset_fields = ["status", "role"]

    def save_with(self, instance: Project, expected: int | None, many: Mapping[str, Any]) -> None:
        services.project_save(
            project=instance, viewer=self.request.user, institutions=many.get("institutions"), expected_version=expected
        )

    @extend_schema(request=TranchePlanSerializer, responses={200: TrancheSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="tranche-plan", pagination_class=None)  # the whole plan, a list
    def tranche_plan(self, request: Request, pk: str | None = None) -> Response:
        """Set the project's tranches as a whole: shares adding up to 100 % and amounts to the city's share."""
        project = self.get_object()
        body = TranchePlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            tranches = services.tranche_plan_set(
                project=project,
                tranches=[services.PlannedTranche(**item) for item in body.validated_data["tranches"]],
                version=body.validated_data["version"],
                viewer=request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(TrancheSerializer(tranches, many=True, context=self.get_serializer_context()).data)


class PartnerSerializer(ScopedModelSerializer):
    project = ScopedSlugRelatedField(Project, slug_field="reference")
    country = CountryField(help_text="ISO 3166 alpha-2")
    version = VersionField()

    class Meta:
        model = Partner
        fields = ["id", "project", "organisation", "country", "role", "version"]


class PartnerViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Partner organisations of the caller's projects."""

    serializer_class = PartnerSerializer
    queryset = Partner.objects.select_related("project")

    def save_with(self, instance: Partner, expected: int | None, many: Mapping[str, Any]) -> None:
        services.partner_save(partner=instance, expected_version=expected)


class PaymentSerializer(ScopedModelSerializer):
    project = ScopedSlugRelatedField(Project, slug_field="reference")
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "project", "tranche", "received_on", "amount", "note", "version"]


class PaymentViewSet(ScopedModelViewSet):
    """Payments received of the caller's projects: POST records one (at most what is still due, between the
    project's start and 12 months after its end); a payment is never edited."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.select_related("project")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.payment_record(
                project=data["project"],
                tranche=data.get("tranche"),
                received_on=data["received_on"],
                amount=data["amount"],
                note=data.get("note", ""),
                viewer=self.request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error


class PrefinancingSerializer(ScopedModelSerializer):
    project = ScopedSlugRelatedField(Project, slug_field="reference")
    version = VersionField()

    class Meta:
        model = Prefinancing
        fields = [
            "id", "project", "paid_on", "amount", "return_planned_on", "returned_on", "returned_amount", "version",
        ]  # fmt: skip


class PrefinancingViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """The city's prefinancing of the caller's projects and its return."""

    serializer_class = PrefinancingSerializer
    queryset = Prefinancing.objects.select_related("project")

    def save_with(self, instance: Prefinancing, expected: int | None, many: Mapping[str, Any]) -> None:
        services.prefinancing_save(prefinancing=instance, expected_version=expected)


class MobilitySerializer(ScopedModelSerializer):
    project = ScopedSlugRelatedField(Project, slug_field="reference")
    host_country = CountryField(help_text="ISO 3166 alpha-2")
    version = VersionField()

    class Meta:
        model = Mobility
        fields = [
            "id", "project", "direction", "from_date", "to_date", "host_city", "host_country", "participants", "flow",
            "purpose", "status", "staff", "learners", "version",
        ]  # fmt: skip
        extra_kwargs = {"staff": {"required": False}, "learners": {"required": False}}


class MobilityViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Mobilities of the caller's projects, within the projects' dates; staff and learners named by id (of the
    caller's institutions)."""

    serializer_class = MobilitySerializer
    queryset = Mobility.objects.select_related("project").prefetch_related("staff", "learners")
    filterset_fields = ["direction", "flow", "status"]

    def save_with(self, instance: Mobility, expected: int | None, many: Mapping[str, Any]) -> None:
        services.mobility_save(
            mobility=instance, staff=many.get("staff"), learners=many.get("learners"), expected_version=expected
        )


class DeadlineSerializer(ScopedModelSerializer):
    project = ScopedSlugRelatedField(Project, slug_field="reference")
    version = VersionField()

    class Meta:
        model = Deadline
        fields = ["id", "project", "title", "due_on", "done_on", "version"]


class DeadlineViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Deadlines of the caller's projects (reports due, …)."""

    serializer_class = DeadlineSerializer
    queryset = Deadline.objects.select_related("project")

    def save_with(self, instance: Deadline, expected: int | None, many: Mapping[str, Any]) -> None:
        services.deadline_save(deadline=instance, expected_version=expected)


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; today when not given"),
        OpenApiParameter("institution", OpenApiTypes.STR, description="registration number: its projects only"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def projects_stats_view(request: Request) -> Response:
    """The projects figures as of a date: the same JSON as `manage.py projects_stats --as-of`, scoped to the
    caller."""
    if not request.user.has_perm("projects.view_project"):
        raise PermissionDenied
    as_of = query_date(request, "as_of", timezone.localdate())
    institution = None
    number = request.query_params.get("institution")
    if number:
        institution = scoped_rows(request, Institution).filter(registration_number=number[:20]).first()
        if institution is None:
            unknown = ErrorDetail(_("Unknown institution."), code="does_not_exist")  # or not the caller's
            raise serializers.ValidationError({"institution": [unknown]})
    return Response(
        api_figures(
            request,
            lambda viewer: selectors.projects_stats(as_of=as_of, visible_to=viewer, institution=institution),
            boards_own=False,  # the city's projects, whoever runs them, as the report counts them
        )
    )


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("projects/programmes", ProjectProgrammeViewSet, basename="projectprogramme")
    router.register("projects/projects", ProjectViewSet, basename="project")
    router.register("projects/partners", PartnerViewSet, basename="partner")
    router.register("projects/payments", PaymentViewSet, basename="payment")
    router.register("projects/prefinancing", PrefinancingViewSet, basename="prefinancing")
    router.register("projects/mobilities", MobilityViewSet, basename="mobility")
    router.register("projects/deadlines", DeadlineViewSet, basename="deadline")


urlpatterns = [path("stats/", projects_stats_view, name="api-projects-stats")]

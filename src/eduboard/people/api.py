"""API of the people area: scoped reads and writes, the figures, and the public vacancies (no token).

Every row carries its `version`: an update sends back the version it read (400 without it) and is refused with
409 Conflict when someone else changed the row since; only the fields that changed are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from eduboard.core.api import (
    BUSY_ANSWER,
    CONFLICT_ANSWER,
    RefuseUnknownFields,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    query_date,
)
from eduboard.core.audit import audit_read
from eduboard.people import rules, selectors, services
from eduboard.people.filters import EmploymentFilter, StaffFilter, VacancyFilter
from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures
from eduboard.registry.models import Institution
from eduboard.registry.validators import normalise_personal_code


class PositionKindSerializer(ScopedModelSerializer):
    """A kind of position; `code` is what files use."""

    version = VersionField()

    class Meta:
        model = PositionKind
        fields = ["id", "code", "name", "name_en", "name_ru", "is_pedagogical", "version"]


class StaffMemberSerializer(ScopedModelSerializer):
    """A staff member; the personal code is masked unless the caller's role may see it."""

    version = VersionField()

    class Meta:
        model = StaffMember
        fields = ["id", "personal_code", "first_name", "last_name", "version"]

    def to_representation(self, instance: StaffMember) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not (
            self.context.get("full_record") and self.context["request"].user.has_perm("people.reveal_personal_code")
        ):
            data["personal_code"] = instance.masked_code
        return data

    def validate_personal_code(self, value: str) -> str:
        # The unique validator ran on the code as written; the viewset's full_clean() checks the normalised
        # code against the stored ones (the model's own rule, as on the page).
        return normalise_personal_code(value)


class EmploymentSerializer(ScopedModelSerializer):
    """A rate a person holds; institution by registration number, position by code. Writes may return a warning."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    position = ScopedSlugRelatedField(PositionKind, slug_field="code")
    version = VersionField()

    class Meta:
        model = Employment
        fields = [
            "id", "staff_member", "institution", "position", "subject", "fte", "start_date", "end_date", "version",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        try:
            rules.validate_employment_values(
                fte=attrs.get("fte", getattr(instance, "fte", None)),
                start_date=attrs.get("start_date", getattr(instance, "start_date", None)),
                end_date=attrs.get("end_date", getattr(instance, "end_date", None)),
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return attrs


class EmploymentSavedSerializer(EmploymentSerializer):
    """An employment as a create or an update answers it: the rate as saved, and the total-FTE warning."""

    warning = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="A warning when the person's FTE across institutions passes the limit in the rate's period (the "
        "rate is saved all the same); null when it does not.",
    )

    class Meta(EmploymentSerializer.Meta):
        fields = [*EmploymentSerializer.Meta.fields, "warning"]


@extend_schema_view(
    create=extend_schema(responses={201: EmploymentSavedSerializer}),
    update=extend_schema(responses={200: EmploymentSavedSerializer}),
    partial_update=extend_schema(responses={200: EmploymentSavedSerializer}),
)
class EmploymentViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Rates in the caller's institutions. A create or update answers with `warning` when the person's
    total FTE across institutions passes the configured limit (the rate is saved all the same)."""

    serializer_class = EmploymentSerializer
    filterset_class = EmploymentFilter
    ordering = ["-start_date"]
    queryset = Employment.objects.select_related("institution", "position")

    def _with_warning(self, response: Response) -> Response:
        instance = getattr(self, "_saved", None)
        if instance is not None and response.status_code < 300:
            response.data["warning"] = selectors.fte_warning(
                staff_member=instance.staff_member, start_date=instance.start_date, end_date=instance.end_date
            )
        return response

    def save_with(self, instance: Employment, expected: int | None, many: Mapping[str, Any]) -> None:
        services.employment_save(employment=instance, expected_version=expected)
        self._saved = instance

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._with_warning(super().create(request, *args, **kwargs))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._with_warning(super().update(request, *args, **kwargs))


class StaffMemberViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Staff with a rate (now or before) in the caller's institutions; personal codes masked by role.

    Writes run the model's validation (ScopedModelViewSet), so a code stored already, however it is written, is refused.
    """

    serializer_class = StaffMemberSerializer
    filterset_class = StaffFilter
    ordering_fields = ["last_name", "first_name"]
    ordering_aliases = {"last_name": "sort_name"}
    ordering = ["sort_name"]
    queryset = StaffMember.objects.all()

    def save_with(self, instance: StaffMember, expected: int | None, many: Mapping[str, Any]) -> None:
        services.staff_member_save(staff_member=instance, expected_version=expected)

    def get_serializer_context(self) -> dict[str, Any]:
        # Full codes only in one person's record, which is audited; a list never carries them in bulk.
        return {**super().get_serializer_context(), "full_record": self.action != "list"}

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        audit_read(actor=request.user, instance=person)
        return Response(self.get_serializer(person).data)


class VacancySerializer(ScopedModelSerializer):
    """A vacancy and its life cycle; `version` must be sent back on update (a stale one is refused)."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    position = ScopedSlugRelatedField(PositionKind, slug_field="code")
    status = serializers.CharField(read_only=True)
    version = VersionField()

    class Meta:
        model = Vacancy
        fields = [
            "id", "institution", "position", "subject", "fte", "description", "declared_on", "published_on",
            "filled_on", "withdrawn_on", "status", "version",
        ]  # fmt: skip


class VacancyStepSerializer(RefuseUnknownFields, serializers.Serializer):
    """A step of a vacancy (publish, fill, withdraw): the day it happens, and the vacancy's `version` the caller
    read, required as on every other change: a stale one is refused with 409, nothing changed."""

    on = serializers.DateField(required=False, help_text="YYYY-MM-DD; today when not given")
    version = VersionField(required=True)


# A step answers the vacancy, 409 on a stale version, 503 when the database stayed busy (as an update does).
STEP_ANSWERS = {200: VacancySerializer, 409: CONFLICT_ANSWER, 503: BUSY_ANSWER}


class VacancyViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Vacancies of the caller's institutions, with the steps publish, fill and withdraw."""

    serializer_class = VacancySerializer
    filterset_class = VacancyFilter
    queryset = Vacancy.objects.select_related("institution", "position")

    def save_with(self, instance: Vacancy, expected: int | None, many: Mapping[str, Any]) -> None:
        services.vacancy_save(vacancy=instance, expected_version=expected)

    def _step(self, request: Request, step: str) -> Response:
        vacancy = self.get_object()
        body = VacancyStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            vacancy = services.vacancy_step(
                vacancy_id=vacancy.pk,
                step=step,
                on=body.validated_data.get("on") or timezone.localdate(),
                version=body.validated_data["version"],
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(self.get_serializer(vacancy).data)

    step_request = VacancyStepSerializer

    @extend_schema(request=step_request, responses=STEP_ANSWERS)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the vacancy on `on` (today when not given)."""
        return self._step(request, "publish")

    @extend_schema(request=step_request, responses=STEP_ANSWERS)
    @action(detail=True, methods=["post"])
    def fill(self, request: Request, pk: str | None = None) -> Response:
        """Mark the vacancy filled on `on`; refused before it is published."""
        return self._step(request, "fill")

    @extend_schema(request=step_request, responses=STEP_ANSWERS)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw the vacancy on `on`."""
        return self._step(request, "withdraw")


class QualificationSerializer(ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = Qualification
        fields = ["id", "staff_member", "title", "document", "issued_on", "version"]


class QualificationViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Qualifications of the staff the caller may see."""

    serializer_class = QualificationSerializer
    ordering = ["-issued_on"]
    queryset = Qualification.objects.all()

    def save_with(self, instance: Qualification, expected: int | None, many: Mapping[str, Any]) -> None:
        services.qualification_save(qualification=instance, expected_version=expected)


class TrainingRequirementSerializer(ScopedModelSerializer):
    positions = ScopedSlugRelatedField(PositionKind, slug_field="code", many=True, required=False)
    version = VersionField()

    class Meta:
        model = TrainingRequirement
        fields = ["id", "name", "legal_basis", "hours", "renewal_months", "applies_to", "positions", "version"]


class TrainingRequirementViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Mandatory training: the board maintains it, everyone signed in reads it."""

    serializer_class = TrainingRequirementSerializer
    queryset = TrainingRequirement.objects.prefetch_related("positions")
    ordering = ["name"]

    def save_with(self, instance: TrainingRequirement, expected: int | None, many: Mapping[str, Any]) -> None:
        services.training_requirement_save(
            requirement=instance, expected_version=expected, positions=many.get("positions")
        )


class TrainingRecordSerializer(ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = TrainingRecord
        fields = ["id", "staff_member", "requirement", "completed_on", "hours", "document", "version"]


class TrainingRecordViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Training records of the staff the caller may see."""

    serializer_class = TrainingRecordSerializer
    ordering = ["-completed_on"]
    queryset = TrainingRecord.objects.select_related("requirement")

    def save_with(self, instance: TrainingRecord, expected: int | None, many: Mapping[str, Any]) -> None:
        services.training_record_save(record=instance, expected_version=expected)


class PositionKindViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Position kinds (the board maintains them)."""

    serializer_class = PositionKindSerializer
    queryset = PositionKind.objects.all()
    ordering = ["code"]

    def save_with(self, instance: PositionKind, expected: int | None, many: Mapping[str, Any]) -> None:
        services.position_kind_save(position=instance, expected_version=expected)


class PublicVacancySerializer(ScopedModelSerializer):
    """A published vacancy as the public sees it."""

    institution = serializers.CharField(source="institution.name")
    institution_registration_number = serializers.CharField(source="institution.registration_number")
    position = serializers.CharField(source="position.code")
    position_name = serializers.SerializerMethodField()

    class Meta:
        model = Vacancy
        fields = [
            "id", "institution", "institution_registration_number", "position", "position_name", "subject", "fte",
            "description", "published_on",
        ]  # fmt: skip

    def get_position_name(self, vacancy: Vacancy) -> str:
        return str(vacancy.position)


class PublicVacancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published, open vacancies of every institution: readable by anyone, no token needed."""

    serializer_class = PublicVacancySerializer
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    ordering = ["institution__sort_name"]

    def get_queryset(self) -> QuerySet[Any]:
        return Vacancy.objects.public_on(timezone.localdate()).select_related("institution", "position")


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; today when not given"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def people_stats_view(request: Request) -> Response:
    """The people figures as of a date: the same JSON as `manage.py people_stats --as-of`, scoped to the caller."""
    as_of = query_date(request, "as_of", timezone.localdate())
    return Response(
        api_figures(
            request, lambda viewer: selectors.people_stats(as_of=as_of, visible_to=viewer), "people.view_employment"
        )
    )

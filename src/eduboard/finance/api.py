"""The finance area's API: allocations, spending, costs, meal rules, settlements, and the figures.

Writes go through the same services as the pages; an update must send back the `version` it read (400 without
it), and a stale one is refused (409 Conflict) instead of overwriting someone else's change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.core.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    query_date,
)
from eduboard.core.audit import audit_bulk_read
from eduboard.core.views import scoped_rows
from eduboard.finance import selectors, services
from eduboard.finance.board_settlements import board_settlements
from eduboard.finance.filters import (
    AllocationFilter,
    CateringFilter,
    CostRateFilter,
    ExpenditureFilter,
    SettlementFilter,
)
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    DayOff,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealRule,
    SettlementLine,
)
from eduboard.registry.board_data import BoardDataSerializerMixin
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures
from eduboard.registry.models import Institution, Learner, Municipality, institution_scope


def _check_scope(user: Any, institution: Institution | None) -> None:
    scope = institution_scope(user)
    if institution is not None and scope is not None and institution.pk not in scope:
        raise ValidationError({"institution": [_("This institution is not in your scope.")]}, code="does_not_exist")


class FundingSourceSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = FundingSource
        fields = ["id", "board", "code", "name", "version"]


class FundingSourceViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Funding sources (the board extends the list)."""

    serializer_class = FundingSourceSerializer
    queryset = FundingSource.objects.all()

    def save_with(self, instance: FundingSource, expected: int | None, many: Mapping[str, Any]) -> None:
        services.funding_source_save(source=instance, expected_version=expected)


class InstitutionSetSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    members = ScopedSlugRelatedField(Institution, slug_field="registration_number", many=True)
    version = VersionField()

    class Meta:
        model = InstitutionSet
        fields = ["id", "board", "name", "name_en", "name_ru", "members", "version"]


class InstitutionSetViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Named groups of institutions that allocations can be made to (e.g. “all preschools”)."""

    serializer_class = InstitutionSetSerializer
    queryset = InstitutionSet.objects.prefetch_related("members")

    def save_with(self, instance: InstitutionSet, expected: int | None, many: Mapping[str, Any]) -> None:
        services.institution_set_save(institution_set=instance, expected_version=expected, members=many.get("members"))


class AllocationSerializer(ScopedModelSerializer):
    """An allocation; `spent` counts every expenditure recorded. Send back `version` on update."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number", required=False, allow_null=True)
    institution_set = ScopedSlugRelatedField(InstitutionSet, slug_field="name", required=False, allow_null=True)
    source = ScopedSlugRelatedField(FundingSource, slug_field="code")  # type: ignore[assignment]
    version = VersionField()

    class Meta:
        model = Allocation
        fields = ["id", "year", "institution", "institution_set", "purpose", "source", "amount", "note", "version"]
        # DRF would make `institution` required for the model's unique constraints (each holds for one kind of
        # recipient only); the service's full_clean checks them, an allocation to a group sends no institution.
        validators: list[Any] = []

    def validate_institution(self, institution: Institution | None) -> Institution | None:
        _check_scope(self.context["request"].user, institution)
        return institution


class AllocationViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Allocations the caller may see (own institutions and their groups); the board writes them."""

    serializer_class = AllocationSerializer
    filterset_class = AllocationFilter
    queryset = Allocation.objects.select_related("institution", "institution_set", "source")
    ordering_fields = ["year", "amount", "purpose"]

    def save_with(self, instance: Allocation, expected: int | None, many: Mapping[str, Any]) -> None:
        services.allocation_save(allocation=instance, expected_version=expected)

    def perform_destroy(self, instance: Allocation) -> None:
        try:
            services.allocation_delete(allocation=instance)
        except DjangoValidationError as error:
            raise api_error(error) from error


class ExpenditureSerializer(ScopedModelSerializer):
    """Spending from an allocation. Send back `version` on update."""

    version = VersionField()

    class Meta:
        model = Expenditure
        fields = ["id", "allocation", "date", "amount", "document", "description", "version"]

    def validate_allocation(self, allocation: Allocation) -> Allocation:
        if not scoped_rows(self.context["request"], Allocation).filter(pk=allocation.pk).exists():
            raise ValidationError(_("This allocation is not in your scope."), code="does_not_exist")
        return allocation


class ExpenditureViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Spending of the allocations the caller may see."""

    serializer_class = ExpenditureSerializer
    filterset_class = ExpenditureFilter
    queryset = Expenditure.objects.all()
    ordering_fields = ["date", "amount"]

    def save_with(self, instance: Expenditure, expected: int | None, many: Mapping[str, Any]) -> None:
        services.expenditure_save(expenditure=instance, expected_version=expected)


class CostRateSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = CostRate
        fields = ["id", "board", "year", "kind", "monthly_cost", "version"]


class CostRateViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Approved costs per learner per month."""

    serializer_class = CostRateSerializer
    queryset = CostRate.objects.all()
    filterset_class = CostRateFilter

    def save_with(self, instance: CostRate, expected: int | None, many: Mapping[str, Any]) -> None:
        services.cost_rate_save(rate=instance, expected_version=expected)


class MealRuleSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    """A meal compensation rule; the state's and the municipality's shares add up to the price."""

    version = VersionField()

    class Meta:
        model = MealRule
        fields = [
            "id", "board", "code", "name", "name_en", "name_ru", "rank", "level", "grade_from", "grade_to",
            "preparatory_year", "special_needs", "large_family", "ukrainian_civilian", "social_assistance",
            "declared_in_city",
            "requires_contract", "valid_from", "valid_until", "yearly_until", "price_per_day", "state_per_day",
            "municipal_per_day", "grounds", "grounds_en", "grounds_ru", "version",
        ]  # fmt: skip


class MealRuleViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Meal compensation rules (the board edits them)."""

    serializer_class = MealRuleSerializer
    queryset = MealRule.objects.all()

    def save_with(self, instance: MealRule, expected: int | None, many: Mapping[str, Any]) -> None:
        services.meal_rule_save(rule=instance, expected_version=expected)


class CateringContractSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    """The catering contracts of a procurement: whose meals, planned or concluded, the term and the total."""

    version = VersionField()

    class Meta:
        model = CateringContract
        fields = [
            "id", "board", "serves", "status", "decided_on", "years", "total_amount", "procedure", "procedure_en",
            "procedure_ru", "note", "version",
        ]  # fmt: skip


class CateringContractViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Catering contracts of the preschools and the general schools (the board records them)."""

    serializer_class = CateringContractSerializer
    queryset = CateringContract.objects.all()
    filterset_class = CateringFilter

    def save_with(self, instance: CateringContract, expected: int | None, many: Mapping[str, Any]) -> None:
        services.catering_contract_save(contract=instance, expected_version=expected)


class DayOffSerializer(ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = DayOff
        fields = ["id", "name", "start", "end", "applies_to", "version"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise ValidationError({"end": [_("The end is before the start.")]}, code="rule")
        return attrs


class DayOffViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Days without school meals (holidays)."""

    serializer_class = DayOffSerializer
    queryset = DayOff.objects.all()

    def save_with(self, instance: DayOff, expected: int | None, many: Mapping[str, Any]) -> None:
        services.day_off_save(day_off=instance, expected_version=expected)


class SettlementLineSerializer(BoardDataSerializerMixin, ScopedModelSerializer):
    """A settlement line; `amount` = learners × months × monthly cost."""

    municipality = ScopedSlugRelatedField(Municipality, slug_field="name")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    version = VersionField()

    class Meta:
        model = SettlementLine
        fields = [
            "id", "board", "municipality", "direction", "level", "period_start", "period_end", "learners", "months",
            "monthly_cost", "amount", "note", "version",
        ]  # fmt: skip


class SettlementLineViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Inter-municipal settlement lines (board only)."""

    serializer_class = SettlementLineSerializer
    filterset_class = SettlementFilter
    queryset = SettlementLine.objects.select_related("municipality")

    def save_with(self, instance: SettlementLine, expected: int | None, many: Mapping[str, Any]) -> None:
        services.settlement_line_save(line=instance, expected_version=expected)


def _date_param(request: Request, name: str, default: date | None = None) -> date:
    return query_date(request, name, default)


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; today when not given"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def finance_stats_view(request: Request) -> Response:
    """The finance figures as of a date: the same JSON as `manage.py finance_stats --as-of`, scoped to the caller."""
    as_of = _date_param(request, "as_of", timezone.localdate())
    return Response(
        api_figures(
            request, lambda viewer: selectors.finance_stats(as_of=as_of, visible_to=viewer), "finance.view_allocation"
        )
    )


@extend_schema(
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def settlement_summary_view(request: Request) -> Response:
    """Learners in and out by level, receivable and due, per municipality and in total, for a period."""
    if not request.user.has_perm("finance.view_settlementline"):
        raise PermissionDenied
    date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
    if date_to < date_from:
        raise ValidationError({"to": [_("The end is before the start.")]}, code="rule")
    return Response(selectors.settlement_summary(date_from=date_from, date_to=date_to, visible_to=request.user))


@extend_schema(
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def board_settlements_view(request: Request) -> Response:
    """Settlements between the boards of the deployment for a period, computed from the enrolments: the same JSON
    as `manage.py board_settlements`, for the pairs the caller's boards are a side of."""
    date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
    if date_to < date_from:
        raise ValidationError({"to": [_("The end is before the start.")]}, code="rule")
    return Response(
        api_figures(
            request,
            lambda viewer: board_settlements(date_from=date_from, date_to=date_to, visible_to=viewer),
            "finance.view_settlementline",
        )
    )


class XlsxRenderer(BaseRenderer):
    """Lets `?format=xlsx` through DRF's content negotiation (which reads `format` itself and answers 404 to a
    format no renderer has); the view answers with the workbook, and an error is still written as JSON."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        rendered: bytes = JSONRenderer().render(data)
        return rendered


@extend_schema(
    parameters=[
        OpenApiParameter("institution", OpenApiTypes.STR, required=True, description="registration number"),
        OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM"),
        OpenApiParameter("format", OpenApiTypes.STR, description="json (default) or xlsx"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
@renderer_classes([JSONRenderer, BrowsableAPIRenderer, XlsxRenderer])
def meal_compensation_view(request: Request) -> Response | HttpResponse:
    """A month's meal compensation of one institution in the caller's scope: every learner's line and totals."""
    if not request.user.has_perm("finance.view_mealrule"):
        raise PermissionDenied
    institution = get_object_or_404(
        scoped_rows(request, Institution), registration_number=request.query_params.get("institution", "")
    )
    try:
        month = date.fromisoformat(request.query_params.get("month", "") + "-01")
    except ValueError:
        return Response({"month": [_("Write the month as YYYY-MM.")]}, status=status.HTTP_400_BAD_REQUEST)
    computation = selectors.meal_compensation(institution=institution, month=month)
    learners = len({line.learner_id for line in computation.lines})
    audit_bulk_read(request=request, model=Learner, rows=learners, route="api:meal-compensation")
    if request.query_params.get("format") == "xlsx":
        from eduboard.finance.exports import meal_workbook

        response = HttpResponse(
            meal_workbook(computation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="meals-{institution.registration_number}-{month:%Y-%m}.xlsx"'
        )
        return response
    return Response(computation.as_dict())


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("finance/sources", FundingSourceViewSet, basename="fundingsource")
    router.register("finance/institution-sets", InstitutionSetViewSet, basename="institutionset")
    router.register("finance/allocations", AllocationViewSet, basename="allocation")
    router.register("finance/expenditures", ExpenditureViewSet, basename="expenditure")
    router.register("finance/cost-rates", CostRateViewSet, basename="costrate")
    router.register("finance/meal-rules", MealRuleViewSet, basename="mealrule")
    router.register("finance/catering-contracts", CateringContractViewSet, basename="cateringcontract")
    router.register("finance/days-off", DayOffViewSet, basename="dayoff")
    router.register("finance/settlements", SettlementLineViewSet, basename="settlementline")


urlpatterns = [
    path("stats/", finance_stats_view, name="api-finance-stats"),
    path("settlement-summary/", settlement_summary_view, name="api-finance-settlement-summary"),
    path("board-settlements/", board_settlements_view, name="api-finance-board-settlements"),
    path("meal-compensation/", meal_compensation_view, name="api-finance-meal-compensation"),
]

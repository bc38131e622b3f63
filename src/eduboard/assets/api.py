"""The assets area's API: devices, their loans (lend, return), licences, rooms, and the figures.

Writes go through the same services as the pages; an update sends back the `version` it read (400 without it),
and a stale one is refused (409 Conflict). A loan is made by POST and closed by `POST loans/{id}/return/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.assets import selectors, services
from eduboard.assets.choices import ReturnCondition
from eduboard.assets.models import Asset, AssetKind, Licence, Loan, Room
from eduboard.core.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    query_date,
)
from eduboard.finance.models import FundingSource
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures
from eduboard.registry.models import Institution


class AssetKindSerializer(ScopedModelSerializer):
    version = VersionField()

    class Meta:
        model = AssetKind
        fields = ["id", "code", "name", "version"]


class AssetKindViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Kinds of devices (the board extends the list)."""

    serializer_class = AssetKindSerializer
    queryset = AssetKind.objects.all()

    def save_with(self, instance: AssetKind, expected: int | None, many: Mapping[str, Any]) -> None:
        services.asset_kind_save(kind=instance, expected_version=expected)


class AssetSerializer(ScopedModelSerializer):
    kind = ScopedSlugRelatedField(AssetKind, slug_field="code")
    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    funding_source = ScopedSlugRelatedField(FundingSource, slug_field="code", required=False, allow_null=True)
    version = VersionField()

    class Meta:
        model = Asset
        fields = [
            "id", "inventory_number", "kind", "model", "serial_number", "institution", "funding_source",
            "acquired_on", "price", "status", "status_since", "version",
        ]  # fmt: skip
        read_only_fields = ["status_since"]


class AssetViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Devices of the caller's institutions; a changed status enters the device's history."""

    serializer_class = AssetSerializer
    queryset = Asset.objects.select_related("kind", "institution", "funding_source")
    filterset_fields = ["status"]

    def save_with(self, instance: Asset, expected: int | None, many: Mapping[str, Any]) -> None:
        services.asset_save(asset=instance, viewer=self.request.user, expected_version=expected)


class LoanSerializer(ScopedModelSerializer):
    asset = ScopedSlugRelatedField(Asset, slug_field="inventory_number")
    condition = serializers.ChoiceField(choices=ReturnCondition.choices, allow_blank=True, read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id", "asset", "learner", "staff_member", "lent_on", "due_on", "returned_on", "condition", "version",
        ]  # fmt: skip
        read_only_fields = ["returned_on", "condition"]


class LoanReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
    condition = serializers.ChoiceField(choices=ReturnCondition.choices)
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class LoanViewSet(ScopedModelViewSet):
    """Loans of the caller's institutions' devices: POST lends (to a learner enrolled there or a staff member
    working there), `return` closes; a loan is never edited otherwise."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.select_related("asset")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.loan_create(
                asset=data["asset"],
                learner=data.get("learner"),
                staff_member=data.get("staff_member"),
                lent_on=data["lent_on"],
                due_on=data.get("due_on"),
                viewer=self.request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error

    @extend_schema(request=LoanReturnSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_loan(self, request: Request, pk: str | None = None) -> Response:
        """Record the device's return and its condition (ok, damaged, lost)."""
        loan = self.get_object()
        body = LoanReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            loan = services.loan_return(
                loan_id=loan.pk,
                returned_on=body.validated_data["returned_on"],
                condition=body.validated_data["condition"],
                version=body.validated_data["version"],
                viewer=request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(LoanSerializer(loan, context=self.get_serializer_context()).data)


class LicenceSerializer(ScopedModelSerializer):
    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    funding_source = ScopedSlugRelatedField(FundingSource, slug_field="code", required=False, allow_null=True)
    version = VersionField()

    class Meta:
        model = Licence
        fields = ["id", "product", "institution", "seats", "valid_from", "valid_to", "funding_source", "version"]


class LicenceViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Licences of the caller's institutions."""

    serializer_class = LicenceSerializer
    queryset = Licence.objects.select_related("institution", "funding_source")

    def save_with(self, instance: Licence, expected: int | None, many: Mapping[str, Any]) -> None:
        services.licence_save(licence=instance, expected_version=expected)


class RoomSerializer(ScopedModelSerializer):
    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    version = VersionField()

    class Meta:
        model = Room
        fields = ["id", "institution", "name", "kind", "places", "computers", "version"]


class RoomViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Rooms of the caller's institutions."""

    serializer_class = RoomSerializer
    queryset = Room.objects.select_related("institution")

    def save_with(self, instance: Room, expected: int | None, many: Mapping[str, Any]) -> None:
        services.room_save(room=instance, expected_version=expected)


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; today when not given"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assets_stats_view(request: Request) -> Response:
    """The assets figures as of a date: the same JSON as `manage.py assets_stats --as-of`, scoped to the caller."""
    as_of = query_date(request, "as_of", timezone.localdate())
    return Response(
        api_figures(request, lambda viewer: selectors.assets_stats(as_of=as_of, visible_to=viewer), "assets.view_asset")
    )


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("assets/kinds", AssetKindViewSet, basename="assetkind")
    router.register("assets/assets", AssetViewSet, basename="asset")
    router.register("assets/loans", LoanViewSet, basename="loan")
    router.register("assets/licences", LicenceViewSet, basename="licence")
    router.register("assets/rooms", RoomViewSet, basename="room")


urlpatterns = [path("stats/", assets_stats_view, name="api-assets-stats")]

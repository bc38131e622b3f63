"""API of the registry: read and write, scoped by role, with the same filters as the pages.

Every row carries its `version`: an update sends back the version it read (400 without it) and is refused with
409 Conflict when someone else changed the row since; only the fields that changed are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404  # a pk that is not a number is a 404, not a 500
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from eduboard.core.api import (
    RefuseUnknownFields,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    StrictCharField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    error_details,
    query_date,
)
from eduboard.core.audit import audit_read
from eduboard.core.views import scoped_rows
from eduboard.registry import selectors, services
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures
from eduboard.registry.boards import Board
from eduboard.registry.filters import GroupFilter, InstitutionFilter, LearnerFilter, ProgrammeFilter, QueueFilter
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme, QueueEntry
from eduboard.registry.validators import (
    PERSONAL_CODE_SCHEMA_PATTERN,
    normalise_personal_code,
    validate_programme_code,
)


class InstitutionSerializer(ScopedModelSerializer):
    """An institution."""

    joined_to = ScopedSlugRelatedField(Institution, slug_field="registration_number", required=False, allow_null=True)
    part_of = ScopedSlugRelatedField(
        Institution, slug_field="registration_number", required=False, allow_null=True,
        help_text="the registration number of the institution this one is a structural unit of",
    )  # fmt: skip
    board = ScopedSlugRelatedField(
        Board, slug_field="code", required=False, help_text="the board's code; a new institution's default is yours"
    )
    version = VersionField()

    class Meta:
        model = Institution
        fields = [
            "id", "name", "short_name", "type", "registration_number", "address", "founder",
            "opened_on", "closed_on", "joined_to", "part_of", "reorganisation_note", "reorganisation_note_en",
            "reorganisation_note_ru", "name_genitive", "name_dative", "name_locative", "board", "version",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A new institution without a board joins the caller's only board (or the deployment's only one)."""
        if self.instance is None and attrs.get("board") is None:
            viewer = self.context["request"].user
            mine = viewer.board_ids() if callable(getattr(viewer, "board_ids", None)) else set()
            board = Board.objects.filter(pk__in=mine).first() if len(mine) == 1 else Board.objects.for_new_institution()
            if board is None:
                raise ValidationError({"board": [_("Name the institution's board: this deployment has several.")]})
            attrs["board"] = board
        return attrs


class ProgrammeSerializer(ScopedModelSerializer):
    """A programme; the code is checked against its level and special-needs category."""

    version = VersionField()

    class Meta:
        model = Programme
        fields = ["id", "code", "name", "level", "special_needs", "language", "stem", "field", "version"]
        schema_patterns = {"code": "^[0-9]{8}$"}  # the rest of a code's rules are checked against its level

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs.get("code", getattr(self.instance, "code", ""))
        level = attrs.get("level", getattr(self.instance, "level", ""))
        special_needs = attrs.get("special_needs", getattr(self.instance, "special_needs", "none"))
        try:
            validate_programme_code(code, level=level, special_needs=special_needs)
        except DjangoValidationError as error:
            raise ValidationError({"code": error_details(error.error_list)}) from error
        return attrs


class GroupSerializer(ScopedModelSerializer):
    """A group of one school year; institution by registration number, programme by code; an interest group's
    leader (a staff member employed at the institution) and club by id."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    programme = ScopedSlugRelatedField(Programme, slug_field="code")
    school_year: serializers.SlugRelatedField = ScopedSlugRelatedField(slug_field="code", read_only=True)
    school_year_code = StrictCharField(write_only=True, help_text="2024/2025")
    version = VersionField()

    class Meta:
        model = Group
        fields = [
            "id", "institution", "school_year", "school_year_code", "programme", "name", "grade", "age_band", "kind",
            "capacity", "qualification", "leader", "club", "version",
        ]  # fmt: skip
        schema_patterns = {"school_year_code": "^[0-9]{4}/[0-9]{4}$"}  # two years that follow: a rule of the data

    def validate_school_year_code(self, value: str) -> Any:
        from eduboard.core.schoolyears import school_year_get_or_create

        try:
            return school_year_get_or_create(code=value)
        except DjangoValidationError as error:
            raise ValidationError(error_details(error.error_list)) from error

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "school_year_code" in attrs:
            attrs["school_year"] = attrs.pop("school_year_code")
        return attrs


class LearnerSerializer(ScopedModelSerializer):
    """A learner; the personal code is masked in lists, and in one learner's record unless the role may see it."""

    declared_municipality: serializers.StringRelatedField = serializers.StringRelatedField(allow_null=True)
    version = VersionField()
    correction_reason = serializers.CharField(
        write_only=True,
        required=False,
        max_length=300,
        help_text=_(
            "Why the personal data is corrected (an edit of a stored learner is traced with it: docs/privacy.md); "
            "without it the trace says it came through the API."
        ),
    )

    class Meta:
        model = Learner
        fields = [
            "id", "personal_code", "first_name", "last_name", "birth_date", "declared_municipality",
            "large_family_card", "ukrainian_civilian", "social_assistance", "version", "correction_reason",
        ]  # fmt: skip

    def to_representation(self, instance: Learner) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not (
            self.context.get("full_record") and self.context["request"].user.has_perm("registry.reveal_personal_code")
        ):
            data["personal_code"] = instance.masked_code
        return data

    def validate_personal_code(self, value: str) -> str:
        return normalise_personal_code(value)


class EnrolmentSerializer(ScopedModelSerializer):
    """A learner's enrolment in a group of the caller's institutions. The learner and the group are chosen
    among those the caller may change; an enrolment is never moved to another learner (a learner who comes
    from another institution is enrolled through `learners/transfer/`). `leaving_reason` is a code (completed,
    transferred, moved_municipality, moved_abroad, dropped_out, other, unknown) given with `left_on`; left empty,
    the system infers one and `leaving_reason_inferred` says so."""

    version = VersionField()

    class Meta:
        model = Enrolment
        fields = [
            "id", "learner", "group", "enrolled_on", "left_on", "leaving_reason", "leaving_reason_inferred",
            "leaving_note", "version",
        ]  # fmt: skip
        read_only_fields = ["leaving_reason_inferred"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "leaving_reason" in attrs:  # a reason sent is a reason given (empty: the system infers one)
            attrs["leaving_reason_inferred"] = False
        return attrs  # a reason without a leaving day: refused by rules.enrolment_leaving_check

    def validate_learner(self, learner: Learner) -> Learner:
        if self.instance is not None and learner.pk != self.instance.learner_id:
            raise ValidationError(
                _("An enrolment cannot be moved to another learner; enrol that learner instead."), code="rule"
            )
        return learner


class QueueEntrySerializer(ScopedModelSerializer):
    """A child's place in the preschool queue."""

    version = VersionField()

    class Meta:
        model = QueueEntry
        fields = [
            "id", "child", "registered_on", "wanted_start_on", "first_choice", "second_choice", "grounds", "status",
            "status_changed_on", "offered_group", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "status_changed_on", "offered_group"]

    def validate_registered_on(self, value: Any) -> Any:
        """The registration date fixes the child's place in the queue: it is set once, never changed."""
        if self.instance is not None and value != self.instance.registered_on:
            raise ValidationError(
                _("The registration date decides the place in the queue and cannot be changed."), code="rule"
            )
        return value

    def validate_child(self, child: Learner) -> Learner:
        if self.instance is not None and child.pk != self.instance.child_id:
            raise ValidationError(_("An application cannot be moved to another child."), code="rule")
        return child


class QueueOfferSerializer(RefuseUnknownFields, serializers.Serializer):
    """The group whose place is offered: one of the caller's preschool groups; and the entry's `version` read."""

    group = ScopedPrimaryKeyRelatedField(Group)
    version = VersionField(help_text="The entry's version you read; when sent, a stale one is refused (409).")


QUEUE_DECISION = inline_serializer(
    "QueueDecision",
    {"version": VersionField(help_text="The entry's version you read; when sent, a stale one is refused (409).")},
)


class LearnerTransferSerializer(RefuseUnknownFields, serializers.Serializer):
    """A learner who comes from another institution, named by the full personal code, and the group they join."""

    personal_code = StrictCharField(max_length=12)
    group = ScopedPrimaryKeyRelatedField(Group)
    enrolled_on = serializers.DateField()

    class Meta:
        schema_patterns = {"personal_code": PERSONAL_CODE_SCHEMA_PATTERN}

    def validate_personal_code(self, value: str) -> str:
        return normalise_personal_code(value)


class InstitutionViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Institutions in the caller's scope; the board adds and changes them."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    ordering_fields = ["name", "type", "registration_number"]
    ordering_aliases = {"name": "sort_name"}
    ordering = ["sort_name"]
    queryset = Institution.objects.all()

    def save_with(self, instance: Institution, expected: int | None, many: Mapping[str, Any]) -> None:
        services.institution_save(institution=instance, expected_version=expected)


class ProgrammeViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Programmes (shared by all institutions; the board maintains them)."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["code", "name"]
    ordering_aliases = {"name": "sort_name"}
    ordering = ["code"]
    queryset = Programme.objects.all()

    def save_with(self, instance: Programme, expected: int | None, many: Mapping[str, Any]) -> None:
        services.programme_save(programme=instance, expected_version=expected)


class GroupViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Groups of the caller's institutions."""

    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    ordering_fields = ["name", "grade"]
    ordering_aliases = {"name": "sort_name"}
    ordering = ["institution__sort_name", "grade", "sort_name"]
    queryset = Group.objects.select_related("institution", "programme", "school_year")

    def save_with(self, instance: Group, expected: int | None, many: Mapping[str, Any]) -> None:
        services.group_save(group=instance, expected_version=expected)


class LearnerViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Learners of the caller's institutions; personal codes masked unless the role may see them."""

    serializer_class = LearnerSerializer
    filterset_class = LearnerFilter
    ordering_fields = ["last_name", "birth_date"]
    ordering_aliases = {"last_name": "sort_name"}
    ordering = ["sort_name"]
    queryset = Learner.objects.select_related("declared_municipality")

    correction_reason = ""

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.validated_data.pop("correction_reason", None)  # a new record corrects nothing
        super().perform_create(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        self.correction_reason = serializer.validated_data.pop("correction_reason", "")
        super().perform_update(serializer)

    def save_with(self, instance: Learner, expected: int | None, many: Mapping[str, Any]) -> None:
        reason = self.correction_reason or _("corrected through the API")
        services.learner_save(learner=instance, viewer=self.request.user, reason=reason, expected_version=expected)

    def get_serializer_context(self) -> dict[str, Any]:
        # Full codes only in one learner's record, which is audited; a list never carries them in bulk.
        return {**super().get_serializer_context(), "full_record": self.action != "list"}

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        learner = self.get_object()
        audit_read(actor=request.user, instance=learner)
        return Response(self.get_serializer(learner).data)

    @extend_schema(request=LearnerTransferSerializer, responses={201: EnrolmentSerializer})
    @action(detail=False, methods=["post"])
    def transfer(self, request: Request) -> Response:
        """Enrol a learner from another institution by the full personal code (see services.learner_transfer)."""
        data = LearnerTransferSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        try:
            enrolment = services.learner_transfer(
                personal_code=data.validated_data["personal_code"],
                group=data.validated_data["group"],
                on=data.validated_data["enrolled_on"],
                viewer=request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(EnrolmentSerializer(enrolment, context=self.get_serializer_context()).data, status=201)


class EnrolmentViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Enrolments in the caller's institutions."""

    serializer_class = EnrolmentSerializer
    ordering = ["-enrolled_on"]
    queryset = Enrolment.objects.all()

    def save_with(self, instance: Enrolment, expected: int | None, many: Mapping[str, Any]) -> None:
        services.enrolment_save(enrolment=instance, expected_version=expected)


class QueueEntryViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """The preschool queue (in queue order) and its actions: offer, accept, withdraw (each may send the `version`
    read, and is then refused with 409 when the entry changed since)."""

    serializer_class = QueueEntrySerializer
    filterset_class = QueueFilter
    queryset = QueueEntry.objects.all()
    ordering_fields: list[str] = []

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entries = selectors.queue_in_order(entries=self.filter_queryset(self.get_queryset()))
        page: Any = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.queue_entry_register(
                child=data["child"],
                registered_on=data["registered_on"],
                wanted_start_on=data["wanted_start_on"],
                first_choice=data["first_choice"],
                second_choice=data.get("second_choice"),
                grounds=list(data.get("grounds", [])),
                viewer=self.request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error

    def save_with(self, instance: QueueEntry, expected: int | None, many: Mapping[str, Any]) -> None:
        services.queue_entry_save(
            entry=instance, viewer=self.request.user, expected_version=expected, grounds=many.get("grounds")
        )

    def _act(self, request: Request, run: Any, rows: Any = None) -> Response:
        """Take a step on the entry; `rows`: the entries the caller may take this step on, when the queue's rule
        for it is not the write scope (QueueEntryQuerySet: offering and accepting are wider than changing)."""
        if rows is None:
            entry = self.get_object()
        else:
            entry = get_object_or_404(rows, pk=self.kwargs["pk"])
            self.check_object_permissions(request, entry)
        version = VersionField(required=False, allow_null=True)
        try:
            expected = version.run_validation(request.data.get("version"))
        except serializers.ValidationError as error:
            raise ValidationError({"version": error.detail}) from error
        try:
            run(entry, expected)
        except DjangoValidationError as error:
            raise api_error(error) from error
        entry.refresh_from_db()
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=QueueOfferSerializer, responses=QueueEntrySerializer)
    @action(detail=True, methods=["post"])
    def offer(self, request: Request, pk: str | None = None) -> Response:
        """Offer the place in group `group` (an id) to this waiting child."""
        offer = QueueOfferSerializer(data=request.data, context=self.get_serializer_context())
        offer.is_valid(raise_exception=True)
        group = offer.validated_data["group"]
        return self._act(
            request,
            lambda entry, expected: services.queue_entry_offer(
                entry=entry, group=group, on=timezone.localdate(), viewer=request.user, expected_version=expected
            ),
            scoped_rows(request, QueueEntry.objects.offerable_by(request.user)),
        )

    @extend_schema(request=QUEUE_DECISION, responses=QueueEntrySerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The parents accept the offered place: the child is enrolled."""
        return self._act(
            request,
            lambda entry, expected: services.queue_entry_accept(
                entry=entry, on=timezone.localdate(), viewer=request.user, expected_version=expected
            ),
            scoped_rows(request, QueueEntry.objects.acceptable_by(request.user)),
        )

    @extend_schema(request=QUEUE_DECISION, responses=QueueEntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Take the child out of the queue."""
        return self._act(
            request,
            lambda entry, expected: services.queue_entry_withdraw(
                entry=entry, on=timezone.localdate(), viewer=request.user, expected_version=expected
            ),
        )


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, required=False, description="YYYY-MM-DD; today when absent"),
        BOARD_PARAMETER,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def registry_stats_view(request: Request) -> Response:
    """The registry's figures as of a date: the same JSON as `manage.py registry_stats --as-of`.

    Board roles get the whole city; a head or staff member gets their institutions' figures.
    """
    as_of = query_date(request, "as_of", timezone.localdate())
    return Response(api_figures(request, lambda viewer: selectors.registry_stats(as_of=as_of, visible_to=viewer)))

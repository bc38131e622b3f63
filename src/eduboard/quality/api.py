"""The quality area's API: observations (scoped; created through the service), forms, exam results, figures."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.core.api import (
    RefuseUnknownFields,
    ScopedModelSerializer,
    ScopedReadOnlyViewSet,
    ScopedSlugRelatedField,
    StrictCharField,
    api_error,
    query_date,
)
from eduboard.people.models import StaffMember
from eduboard.quality import selectors, services
from eduboard.quality.choices import ExamKind, ExamLevel, ObservationKind
from eduboard.quality.filters import ExamResultFilter, ObservationFilter
from eduboard.quality.forms import school_year_start
from eduboard.quality.models import Answer, Criterion, ExamResult, Observation, ObservationForm
from eduboard.registry.models import Institution
from eduboard.registry.validators import normalise_personal_code


class CriterionSerializer(ScopedModelSerializer):
    group = serializers.CharField(source="group.name")
    scale = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = ["code", "text", "group", "scale"]

    def get_scale(self, criterion: Criterion) -> list[dict[str, Any]]:
        return [{"code": o.code, "label": o.label, "meets": o.meets} for o in criterion.scale.options.all()]


class ObservationFormSerializer(ScopedModelSerializer):
    """A version of an observation form with its criteria and their answer scales."""

    criteria = serializers.SerializerMethodField()

    class Meta:
        model = ObservationForm
        fields = ["id", "code", "version", "name", "note", "created_at", "criteria"]

    def get_criteria(self, form: ObservationForm) -> list[dict[str, Any]]:
        return CriterionSerializer(form.criteria.all(), many=True).data  # type: ignore[return-value]


class ObservationFormViewSet(ScopedReadOnlyViewSet):
    """Every version of the observation forms (read-only here; a change is a new version, made on the page)."""

    serializer_class = ObservationFormSerializer
    # the criteria of every form on the page in 4 queries, in the order services.form_criteria gives them
    queryset = ObservationForm.objects.all().prefetch_related(
        Prefetch("criteria", queryset=services.criteria_in_order())
    )
    ordering = ["code", "-version"]


class AnswersField(serializers.DictField):  # type: ignore[type-arg]
    """An observation's answers, criterion code → answer code: sent when recording one, read back with it."""

    def get_attribute(self, instance: Observation) -> dict[str, str]:
        answers = getattr(instance, "answer_codes", None)
        if answers is None:
            answers = dict(Answer.objects.filter(observation=instance).values_list("criterion__code", "option__code"))
        return answers


class ObservationSerializer(ScopedModelSerializer):
    """An observation; `answers` maps criterion codes to answer codes. Teachers by personal code (masked)."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    teacher = StrictCharField(help_text="the observed teacher's personal code")
    teacher_name = serializers.SerializerMethodField()
    subject = serializers.CharField(source="subject.name")
    # An observation imported from a file may name no observer who has an account: then null.
    observer = serializers.CharField(source="observer.username", read_only=True, allow_null=True, default=None)
    form_version = serializers.IntegerField(source="form.version", read_only=True)
    answers = AnswersField(child=StrictCharField())

    class Meta:
        model = Observation
        fields = [
            "id", "date", "institution", "kind", "teacher", "teacher_name", "subject", "grade", "observer",
            "observer_name", "form_version", "answers", "strengths", "suggestions", "acknowledged_at",
            "teacher_comment",
        ]  # fmt: skip
        read_only_fields = ["observer_name", "acknowledged_at", "teacher_comment"]

    def get_teacher_name(self, observation: Observation) -> str:
        return str(observation.teacher)

    def to_representation(self, instance: Observation) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["teacher"] = instance.teacher.masked_code
        return data


class AcknowledgementSerializer(RefuseUnknownFields, serializers.Serializer):  # type: ignore[type-arg]
    """The observed teacher's acknowledgement: an optional comment."""

    comment = StrictCharField(required=False, allow_blank=True, default="")


class ObservationViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Observations the caller may see (the board all, a head their institutions', a teacher their own).

    POST records one on the form in use with every criterion answered; `acknowledge` is for the observed teacher.
    """

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    queryset = Observation.objects.all()
    ordering = ["-date", "-pk"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.observation_list(visible_to=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        answers: dict[int, dict[str, str]] = {row.pk: {} for row in rows}
        for observation_id, code, option in Answer.objects.filter(observation__in=[r.pk for r in rows]).values_list(
            "observation_id", "criterion__code", "option__code"
        ):
            answers[observation_id][code] = option
        for row in rows:
            row.answer_codes = answers[row.pk]  # type: ignore[attr-defined]
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        code = normalise_personal_code(data["teacher"])
        teacher = StaffMember.objects.filter(personal_code=code).first()
        if teacher is None:  # the same answer as for a teacher of another institution (services.TEACHER_NOT_THERE)
            raise ValidationError({"teacher": [_(services.TEACHER_NOT_THERE)]}, code="does_not_exist")
        try:
            serializer.instance = services.observation_record(
                form=services.form_in_use(),
                on=data["date"],
                institution=data["institution"],
                kind=data["kind"],
                teacher=teacher,
                subject=services.subject_get_or_create(name=data["subject"]["name"]),
                grade=data["grade"],
                answers=data["answers"],
                observer=self.request.user,
                strengths=data.get("strengths", ""),
                suggestions=data.get("suggestions", ""),
                by=self.request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error

    @extend_schema(request=AcknowledgementSerializer, responses=ObservationSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """The observed teacher acknowledges the observation, with an optional comment."""
        observation = self.get_object()
        body = AcknowledgementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.observation_acknowledge(
                observation=observation, by=request.user, comment=body.validated_data["comment"]
            )
        except DjangoValidationError as error:
            return Response({"detail": error.messages}, status=status.HTTP_403_FORBIDDEN)
        return Response(self.get_serializer(observation).data)


class ExamResultSerializer(ScopedModelSerializer):
    """An institution's result in one sitting (year, exam, subject, level, grade)."""

    institution = serializers.CharField(source="institution.registration_number", read_only=True)
    year = serializers.IntegerField(source="sitting.year", read_only=True)
    exam = serializers.CharField(source="sitting.exam", read_only=True)
    subject = serializers.CharField(source="sitting.subject.name", read_only=True)
    level = serializers.CharField(source="sitting.level", read_only=True)
    grade = serializers.IntegerField(source="sitting.grade", read_only=True, allow_null=True)

    class Meta:
        model = ExamResult
        fields = [
            "id", "year", "exam", "subject", "level", "grade", "institution", "candidates", "mean_percent",
            "below_threshold", "national_mean_percent", "type_mean_percent",
        ]  # fmt: skip


class ExamResultViewSet(ScopedReadOnlyViewSet):
    """Exam and test results of the institutions in the caller's scope (files bring them in: import_quality)."""

    serializer_class = ExamResultSerializer
    filterset_class = ExamResultFilter
    queryset = ExamResult.objects.all()
    ordering = ["-sitting__year", "sitting__exam", "sitting__subject__sort_name", "institution__sort_name"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.exam_result_list(visible_to=self.request.user)


def _date(request: Request, name: str) -> Any:
    return query_date(request, name) if request.query_params.get(name) else None


def _institution(request: Request) -> Institution | None:
    number = request.query_params.get("institution")
    if not number:
        return None
    institution = Institution.objects.visible_to(request.user).filter(registration_number=number).first()
    if institution is None:
        raise ValidationError(
            {"institution": [_("No institution with this registration number in your scope.")]}, code="does_not_exist"
        )
    return institution


YEAR_PARAMETER = OpenApiParameter("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, required=True)


def _year(request: Request) -> int:
    try:
        year = int(request.query_params.get("year", ""))
    except ValueError:
        raise ValidationError({"year": [_("Give the year, e.g. 2024.")]}) from None
    if not 1900 <= year <= 2100:
        code = "max_value" if year > 2100 else "min_value"
        raise ValidationError({"year": [_("A year from 1900 to 2100.")]}, code=code)
    return year


class QualityStatsViewSet(viewsets.ViewSet):
    """The quality figures as JSON, scoped to the caller: the same JSON as `manage.py quality_stats`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="YYYY-MM-DD; 1 September of this school year"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD, included; today when not given"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ObservationKind.values),
            OpenApiParameter("institution", OpenApiTypes.STR, description="registration number"),
            OpenApiParameter("subject", OpenApiTypes.STR, description="subject name"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def observations(self, request: Request) -> Response:
        """Lessons and the % meeting each criterion (keyed by criterion code), with the year before."""
        if not request.user.has_perm("quality.view_observation"):
            raise PermissionDenied
        today = timezone.localdate()
        date_from = _date(request, "from") or school_year_start(today)
        date_to = _date(request, "to") or today
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in ObservationKind.values:
            raise ValidationError({"kind": ["|".join(ObservationKind.values)]})
        return Response(
            selectors.observation_figures(
                date_from=date_from,
                date_to=date_to,
                visible_to=request.user,
                kind=kind,
                institution=_institution(request),
                subject=request.query_params.get("subject") or None,
            )
        )

    @extend_schema(
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("exam", OpenApiTypes.STR, enum=ExamKind.values),
            OpenApiParameter("level", OpenApiTypes.STR, enum=[v for v in ExamLevel.values if v]),
            OpenApiParameter("institution", OpenApiTypes.STR, description="registration number: against its type"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def exams(self, request: Request) -> Response:
        """The city against the nation per sitting, or (with `institution`) the institution against its type."""
        if not request.user.has_perm("quality.view_examresult"):
            raise PermissionDenied
        year = _year(request)
        exam = request.query_params.get("exam") or None
        if exam is not None and exam not in ExamKind.values:
            raise ValidationError({"exam": ["|".join(ExamKind.values)]})
        institution = _institution(request)
        visible_to = request.user
        if institution is not None:
            rows = selectors.institution_exam_comparison(
                institution=institution, year=year, exam=exam, visible_to=visible_to
            )
            return Response({"year": year, "institution": institution.registration_number, "results": rows})
        if exam is None:
            # The exam may be left out only with an institution: a rule between two parameters.
            raise ValidationError({"exam": [_("Give the exam: %s") % "|".join(ExamKind.values)]}, code="rule")
        level = request.query_params.get("level")
        return Response(
            {
                "year": year,
                "exam": exam,
                "results": selectors.exam_comparison(year=year, exam=exam, level=level or None, visible_to=visible_to),
            }
        )

    @extend_schema(
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("exam", OpenApiTypes.STR, enum=ExamKind.values, required=True),
            OpenApiParameter(
                "below", {"type": "number", "minimum": 0, "maximum": 100}, description="threshold %, 20 when not given"
            ),
            OpenApiParameter("subject", OpenApiTypes.STR),
            OpenApiParameter("grade", {"type": "integer", "minimum": 1, "maximum": 12}),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="support-list")
    def support_list(self, request: Request) -> Response:
        """Learners below a threshold in one test, by school (personal codes masked)."""
        if not request.user.has_perm("quality.view_learnerresult"):
            raise PermissionDenied
        try:
            below = Decimal(request.query_params.get("below") or "20")
            grade = int(request.query_params["grade"]) if request.query_params.get("grade") else None
        except (InvalidOperation, ValueError):
            raise ValidationError({"below": [_("Give numbers for below and grade.")]}) from None
        if not (below.is_finite() and 0 <= below <= 100):
            raise ValidationError({"below": [_("A percentage from 0 to 100.")]}, code="max_value")
        if grade is not None and not 1 <= grade <= 12:
            raise ValidationError({"grade": [_("A grade from 1 to 12.")]}, code="max_value")
        exam = request.query_params.get("exam", "")
        if exam not in ExamKind.values:
            raise ValidationError({"exam": ["|".join(ExamKind.values)]})
        groups = selectors.support_list(
            year=_year(request),
            exam=exam,
            below_percent=below,
            subject=request.query_params.get("subject") or None,
            grade=grade,
            visible_to=request.user,
        )
        return Response({"below_percent": below, "schools": groups})


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("quality/forms", ObservationFormViewSet, basename="observationform")
    router.register("quality/observations", ObservationViewSet, basename="observation")
    router.register("quality/exam-results", ExamResultViewSet, basename="examresult")
    router.register("quality/stats", QualityStatsViewSet, basename="quality-stats")

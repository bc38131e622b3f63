"""The quality area's API: observations (scoped; created through the service), forms, exam results, figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from eduboard.core.api import (
    RefuseUnknownFields,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedSlugRelatedField,
    ScopedUpdateOnlyViewSet,
    StrictCharField,
    VersionedWritesMixin,
    VersionField,
    api_error,
    context_request,
    query_date,
    sent_version,
)
from eduboard.core.audit import audit_bulk_read
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_first_day
from eduboard.core.views import scoped_rows
from eduboard.people.models import StaffMember
from eduboard.quality import selectors, services
from eduboard.quality.choices import ExamKind, ExamLevel, FrameworkKind, ObservationKind, QualityLevel
from eduboard.quality.filters import ExamResultFilter, ObservationFilter
from eduboard.quality.models import (
    Accreditation,
    Answer,
    Criterion,
    ExamResult,
    Framework,
    HeadEvaluation,
    LearnerResult,
    Observation,
    ObservationForm,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.registry.board_scope import BOARD_PARAMETER, api_figures, refuse_without
from eduboard.registry.models import Institution, Programme
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
    # the criteria of every form on the page in 4 queries, in the order selectors.form_criteria gives them
    queryset = ObservationForm.objects.all().prefetch_related(
        Prefetch("criteria", queryset=selectors.criteria_in_order())
    )
    ordering = ["code", "-version"]


class AnswersField(serializers.DictField):
    """An observation's answers, criterion code → answer code: sent when recording one, read back with it."""

    def get_attribute(self, instance: Observation) -> dict[str, str]:
        answers = getattr(instance, "answer_codes", None)
        if answers is None:
            answers = dict(instance.answers.values_list("criterion__code", "option__code"))
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


class AcknowledgementSerializer(RefuseUnknownFields, serializers.Serializer):
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
        for observation_id, code, option in (
            scoped_rows(request, Answer)
            .filter(observation__in=[r.pk for r in rows])
            .values_list("observation_id", "criterion__code", "option__code")
        ):
            answers[observation_id][code] = option
        for row in rows:
            row.answer_codes = answers[row.pk]
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        code = normalise_personal_code(data["teacher"])
        teacher = scoped_rows(self.request, StaffMember).filter(personal_code=code).first()
        if teacher is None:  # the same answer as for a teacher of another institution (services.TEACHER_NOT_THERE)
            raise ValidationError({"teacher": [_(services.TEACHER_NOT_THERE)]}, code="does_not_exist")
        try:
            serializer.instance = services.observation_record(
                form=selectors.form_in_use(),
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
                viewer=self.request.user,
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
                observation=observation, viewer=request.user, comment=body.validated_data["comment"]
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
    institution: Institution | None = scoped_rows(request, Institution).filter(registration_number=number).first()
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
            BOARD_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def observations(self, request: Request) -> Response:
        """Lessons and the % meeting each criterion (keyed by criterion code), with the year before."""
        today = timezone.localdate()
        date_from = _date(request, "from") or school_year_first_day(today)
        date_to = _date(request, "to") or today
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in ObservationKind.values:
            raise ValidationError({"kind": ["|".join(ObservationKind.values)]})
        institution = _institution(request)
        return Response(
            api_figures(
                request,
                lambda viewer: selectors.observation_figures(
                    date_from=date_from,
                    date_to=date_to,
                    visible_to=viewer,
                    kind=kind,
                    institution=institution,
                    subject=request.query_params.get("subject") or None,
                ),
                "quality.view_observation",
                boards_own=institution is None,  # one institution named: its figures, whoever founded it
            )
        )

    @extend_schema(
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("exam", OpenApiTypes.STR, enum=ExamKind.values),
            OpenApiParameter("level", OpenApiTypes.STR, enum=[v for v in ExamLevel.values if v]),
            OpenApiParameter("institution", OpenApiTypes.STR, description="registration number: against its type"),
            BOARD_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def exams(self, request: Request) -> Response:
        """The city against the nation per sitting, or (with `institution`) the institution against its type."""
        refuse_without(request, "quality.view_examresult")
        year = _year(request)
        exam = request.query_params.get("exam") or None
        if exam is not None and exam not in ExamKind.values:
            raise ValidationError({"exam": ["|".join(ExamKind.values)]})
        institution = _institution(request)
        if institution is not None:
            rows = api_figures(
                request,
                lambda viewer: selectors.institution_exam_comparison(
                    institution=institution, year=year, exam=exam, visible_to=viewer
                ),
                "quality.view_examresult",
                boards_own=False,  # the institution named, whoever founded it
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
                "results": api_figures(
                    request,
                    lambda viewer: selectors.exam_comparison(
                        year=year, exam=exam, level=level or None, visible_to=viewer
                    ),
                    "quality.view_examresult",
                ),
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
        shown = sum(len(school["learners"]) for school in groups)
        audit_bulk_read(request=request, model=LearnerResult, rows=shown, route="api:support-list")
        return Response({"below_percent": below, "schools": groups})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "string", "pattern": r"^\d{4}/\d{4}$"}, required=True, description="e.g. 2024/2025"
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="the day lateness is judged on; today"),
            BOARD_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="self-assessment")
    def self_assessment(self, request: Request) -> Response:
        """Levels given to each criterion by code, and how many were submitted, are late and are published: the
        same JSON as `manage.py quality_stats self_assessment --year`."""
        refuse_without(request, "quality.view_selfassessment")
        code = request.query_params.get("year", "")
        school_year = SchoolYear.objects.filter(code=code).first()
        if school_year is None:
            if not re.fullmatch(r"\d{4}/\d{4}", code):
                raise ValidationError({"year": [_("Write the school year as 2024/2025.")]})
            raise NotFound(_("There is no school year %s in eduboard.") % code)
        today = query_date(request, "as_of", timezone.localdate())
        return Response(
            api_figures(
                request,
                lambda viewer: selectors.self_assessment_figures(
                    visible_to=viewer, school_year=school_year, today=today
                ),
                "quality.view_selfassessment",
            )
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; today when not given"),
            BOARD_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def heads(self, request: Request) -> Response:
        """Heads' overall levels and the unified-school statuses as of a date (the board; a head their own): the
        same JSON as `manage.py quality_stats heads --as-of`."""
        as_of = query_date(request, "as_of", timezone.localdate())
        return Response(
            api_figures(
                request,
                lambda viewer: selectors.heads_figures(visible_to=viewer, as_of=as_of),
                "quality.view_headevaluation",
            )
        )


# --- self-assessment, accreditation, heads' evaluation


class FrameworkCodeField(ScopedSlugRelatedField):
    """A framework of one kind named by its code: the newest version of it (files and the API name no versions)."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(Framework, slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().filter(kind=self.kind)

    def to_internal_value(self, data: Any) -> Framework:
        found = self.get_queryset().filter(code=str(data)).order_by("-version").first()
        if found is None:
            self.fail("does_not_exist", slug_name="code", value=str(data))
        return found  # type: ignore[no-any-return]


class FrameworkSerializer(ScopedModelSerializer):
    """A version of a quality framework with its areas, criteria (stable codes) and level scale."""

    areas = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = ["id", "code", "version", "name", "kind", "source", "levels", "areas"]

    def get_areas(self, framework: Framework) -> list[dict[str, Any]]:
        criteria: dict[int, list[dict[str, Any]]] = {}
        for criterion in framework.criteria.all():
            criteria.setdefault(criterion.area_id, []).append(
                {"code": criterion.code, "name": criterion.name, "every_year": criterion.every_year}
            )
        return [
            {"code": area.code, "name": area.name, "criteria": criteria.get(area.pk, [])}
            for area in framework.areas.all()
        ]


class FrameworkViewSet(ScopedReadOnlyViewSet):
    """The quality frameworks (read-only; shipped as data, a change is a new version)."""

    serializer_class = FrameworkSerializer
    queryset = Framework.objects.prefetch_related("areas", "criteria")
    ordering = ["code", "-version"]


class EntrySerializer(ScopedModelSerializer):
    """One criterion of a self-assessment: level, texts, the board's comment; PATCH sends the version read."""

    criterion = serializers.CharField(source="criterion.code", read_only=True)
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    board_comment = serializers.CharField(read_only=True)
    version = VersionField()

    class Meta:
        model = SelfAssessmentEntry
        fields = [
            "id", "self_assessment", "criterion", "criterion_name", "level", "description", "strengths",
            "next_steps", "board_comment", "version",
        ]  # fmt: skip
        read_only_fields = ["self_assessment"]


class CommentSerializer(RefuseUnknownFields, serializers.Serializer):
    comment = StrictCharField(allow_blank=True)
    version = VersionField(required=True)


class SelfAssessmentEntryViewSet(VersionedWritesMixin, ScopedUpdateOnlyViewSet):
    """The criteria of the self-assessments in scope. PATCH changes a draft's level and texts (the version read
    is required back); `comment` is the board's comment on a criterion."""

    serializer_class = EntrySerializer
    queryset = SelfAssessmentEntry.objects.select_related("criterion", "self_assessment__institution")
    http_method_names = ["get", "put", "patch", "post", "head", "options"]
    ordering = ["self_assessment", "criterion__position"]

    def save_with(self, instance: SelfAssessmentEntry, expected: int | None, many: Mapping[str, Any]) -> None:
        services.self_assessment_entry_save(entry=instance, viewer=self.request.user, expected_version=expected)

    @extend_schema(request=CommentSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        """The board's comment on this criterion (while the self-assessment is not published)."""
        # Read scope, not editing scope: a head who may read the entry is told 403 (only the board comments), not 404.
        # DRF's get_object_or_404 answers 404 to an id that is not a number, as to one that is not there.
        entry = get_object_or_404(scoped_rows(request, SelfAssessmentEntry.objects.select_related("criterion")), pk=pk)
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.self_assessment_comment(
                entry=entry,
                comment=body.validated_data["comment"],
                viewer=request.user,
                expected_version=body.validated_data["version"],
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(self.get_serializer(entry).data)


class SelfAssessmentSerializer(ScopedModelSerializer):
    """An institution's self-assessment of a school year, with its workflow and its criteria. POST starts one
    (a draft with every criterion of the framework)."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    school_year = ScopedSlugRelatedField(SchoolYear, slug_field="code")
    framework = FrameworkCodeField(FrameworkKind.INSTITUTION)
    framework_version = serializers.IntegerField(source="framework.version", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, default=None, allow_null=True)
    agreed_by = serializers.CharField(source="agreed_by.username", read_only=True, default=None, allow_null=True)
    published_by = serializers.CharField(source="published_by.username", read_only=True, default=None, allow_null=True)
    entries = EntrySerializer(many=True, read_only=True)
    version = VersionField()

    class Meta:
        model = SelfAssessment
        fields = [
            "id", "institution", "school_year", "framework", "framework_version", "status", "priorities",
            "submitted_at", "submitted_by", "agreed_at", "agreed_by", "published_at", "published_by", "entries",
            "version",
        ]  # fmt: skip
        read_only_fields = ["status", "submitted_at", "agreed_at", "published_at"]


class StepSerializer(RefuseUnknownFields, serializers.Serializer):
    """A workflow step: the version of the self-assessment the caller read."""

    version = VersionField(required=True)


STEP_REQUEST = StepSerializer


class SelfAssessmentViewSet(ScopedModelViewSet):
    """Self-assessments of the institutions in scope. POST starts one; its criteria are changed through
    `self-assessment-entries`; `submit` (the institution), `agree`, `return` and `publish` (the board) move it on,
    each sending the version read."""

    serializer_class = SelfAssessmentSerializer
    queryset = SelfAssessment.objects.select_related(
        "institution", "school_year", "framework", "submitted_by", "agreed_by", "published_by"
    ).prefetch_related(Prefetch("entries", queryset=SelfAssessmentEntry.objects.select_related("criterion")))
    http_method_names = ["get", "post", "head", "options"]
    ordering = ["-school_year__start_date", "institution__sort_name"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        framework = selectors.framework_in_use(code=data["framework"].code)
        try:
            serializer.instance = services.self_assessment_start(
                institution=data["institution"],
                school_year=data["school_year"],
                framework=framework,
                priorities=data.get("priorities", ""),
                viewer=self.request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error

    def _step(self, request: Request, step: Callable[..., None]) -> Response:
        assessment = self.get_object()
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            step(assessment=assessment, viewer=request.user, expected_version=body.validated_data["version"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)

    @extend_schema(request=STEP_REQUEST, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit the draft to the board (refused while criterion 2.1 has no level)."""
        return self._step(request, services.self_assessment_submit)

    @extend_schema(request=STEP_REQUEST, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str | None = None) -> Response:
        """The board agrees the submitted self-assessment."""
        return self._step(request, services.self_assessment_agree)

    @extend_schema(request=STEP_REQUEST, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request: Request, pk: str | None = None) -> Response:
        """The board returns a submitted or agreed self-assessment to its institution as a draft."""
        return self._step(request, services.self_assessment_return)

    @extend_schema(request=STEP_REQUEST, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """The board publishes the agreed self-assessment; it is frozen from then on."""
        return self._step(request, services.self_assessment_publish)


class LevelsField(serializers.DictField):
    """Levels by criterion code: {"4.1": "good", ...}."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.ChoiceField(choices=QualityLevel.choices), **kwargs)

    def get_attribute(self, instance: Any) -> dict[str, str]:
        return {level.criterion.code: level.level for level in instance.levels.all()}


class AccreditationSerializer(ScopedModelSerializer):
    """An accreditation of an institution (programme empty) or of one of its programmes; `expires_on` is worked
    out from the date and the term; `levels` are the experts' levels by criterion code of `framework`."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    programme = ScopedSlugRelatedField(Programme, slug_field="code", required=False, allow_null=True)
    framework = FrameworkCodeField(FrameworkKind.INSTITUTION, required=False, allow_null=True)
    levels = LevelsField(required=False)
    version = VersionField()

    class Meta:
        model = Accreditation
        fields = [
            "id", "institution", "programme", "framework", "accredited_on", "term_years", "expires_on", "decision",
            "visited_on", "levels", "version",
        ]  # fmt: skip
        read_only_fields = ["expires_on"]


class LevelsWritesMixin(VersionedWritesMixin):
    """Versioned writes whose `levels` (criterion code → level) go to the service beside the row."""

    def _levels(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str] | None]:
        levels = data.pop("levels", None)
        return data, levels

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data, self.given_levels = self._levels(data)
        instance = serializer.Meta.model(**data)  # type: ignore[attr-defined]
        self._save(instance, None, {})
        serializer.instance = instance

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        expected = sent_version(data)
        data, self.given_levels = self._levels(data)
        instance: Any = serializer.instance
        for name, value in data.items():
            setattr(instance, name, value)
        self._save(instance, expected, {})


class AccreditationViewSet(LevelsWritesMixin, ScopedModelViewSet):
    """Accreditations of the institutions in scope (read); the board records them. `?expiring=1`: those ending
    within 12 months."""

    serializer_class = AccreditationSerializer
    queryset = Accreditation.objects.select_related("institution", "programme", "framework").prefetch_related(
        "levels__criterion"
    )
    ordering = ["expires_on", "institution__sort_name"]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        if self.request.query_params.get("expiring") in ("1", "true"):
            expiring = selectors.accreditations_expiring(visible_to=self.request.user, today=timezone.localdate())
            queryset = queryset.filter(pk__in=expiring.values("pk"))
        return queryset

    def save_with(self, instance: Accreditation, expected: int | None, many: Mapping[str, Any]) -> None:
        services.accreditation_save(
            accreditation=instance, levels=self.given_levels, viewer=self.request.user, expected_version=expected
        )


class StaffByCodeField(StrictCharField):
    """A staff member named by personal code (shown masked); only people the caller may see."""

    def to_internal_value(self, data: Any) -> StaffMember:  # type: ignore[override]
        code = normalise_personal_code(super().to_internal_value(data))
        person: StaffMember | None = (
            scoped_rows(context_request(self.context), StaffMember).filter(personal_code=code).first()
        )
        if person is None:
            raise ValidationError(_("No staff member with this personal code in your scope."), code="does_not_exist")
        return person

    def to_representation(self, value: Any) -> str:
        return str(value.masked_code) if isinstance(value, StaffMember) else str(value)


class HeadEvaluationSerializer(ScopedModelSerializer):
    """A head's professional evaluation: the head by personal code (masked), levels by criterion code of the
    heads' framework, and the overall level."""

    head = StaffByCodeField(help_text="the head's personal code")
    head_name = serializers.CharField(source="head.__str__", read_only=True)
    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    framework = FrameworkCodeField(FrameworkKind.HEAD)
    levels = LevelsField(required=False)
    version = VersionField()

    class Meta:
        model = HeadEvaluation
        fields = [
            "id", "head", "head_name", "institution", "framework", "evaluated_on", "overall_level", "levels", "note",
            "version",
        ]  # fmt: skip


class HeadEvaluationViewSet(LevelsWritesMixin, ScopedModelViewSet):
    """Heads' evaluations: the board reads and records every one; a head reads their own."""

    serializer_class = HeadEvaluationSerializer
    queryset = HeadEvaluation.objects.select_related("head", "institution", "framework").prefetch_related(
        "levels__criterion"
    )
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    ordering = ["-evaluated_on", "institution__sort_name"]

    def save_with(self, instance: HeadEvaluation, expected: int | None, many: Mapping[str, Any]) -> None:
        services.head_evaluation_save(
            evaluation=instance, levels=self.given_levels, viewer=self.request.user, expected_version=expected
        )


class UnifiedSchoolStatusSerializer(ScopedModelSerializer):
    """A school's way to the unified school on a date: its environment and its head's transition."""

    institution = ScopedSlugRelatedField(Institution, slug_field="registration_number")
    head = StaffByCodeField(required=False, allow_null=True, help_text="the head's personal code")
    version = VersionField()

    class Meta:
        model = UnifiedSchoolStatus
        fields = ["id", "institution", "head", "assessed_on", "environment", "head_transition", "version"]


class UnifiedSchoolStatusViewSet(VersionedWritesMixin, ScopedModelViewSet):
    """Unified-school statuses: the board reads and records them; a head reads their schools'."""

    serializer_class = UnifiedSchoolStatusSerializer
    queryset = UnifiedSchoolStatus.objects.select_related("institution", "head")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    ordering = ["-assessed_on", "institution__sort_name"]

    def save_with(self, instance: UnifiedSchoolStatus, expected: int | None, many: Mapping[str, Any]) -> None:
        services.unified_school_status_save(status=instance, viewer=self.request.user, expected_version=expected)


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("quality/forms", ObservationFormViewSet, basename="observationform")
    router.register("quality/observations", ObservationViewSet, basename="observation")
    router.register("quality/exam-results", ExamResultViewSet, basename="examresult")
    router.register("quality/stats", QualityStatsViewSet, basename="quality-stats")
    router.register("quality/frameworks", FrameworkViewSet, basename="framework")
    router.register("quality/self-assessments", SelfAssessmentViewSet, basename="selfassessment")
    router.register("quality/self-assessment-entries", SelfAssessmentEntryViewSet, basename="selfassessmententry")
    router.register("quality/accreditations", AccreditationViewSet, basename="accreditation")
    router.register("quality/head-evaluations", HeadEvaluationViewSet, basename="headevaluation")
    router.register("quality/unified-school", UnifiedSchoolStatusViewSet, basename="unifiedschoolstatus")

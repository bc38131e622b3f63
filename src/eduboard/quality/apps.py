from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "eduboard.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.core.latvian import KEY_FIELD_NAMES as KEYS
        from eduboard.core.reference_import import reference_importer
        from eduboard.quality.importers import IMPORTERS
        from eduboard.quality.models import (
            Accreditation,
            AnswerScale,
            Criterion,
            CriterionGroup,
            Evidence,
            ExamResult,
            ExamSitting,
            Framework,
            FrameworkArea,
            FrameworkCriterion,
            HeadEvaluation,
            LearnerResult,
            MonitoringLevelResult,
            Observation,
            ObservationForm,
            PassThreshold,
            ScaleOption,
            SelfAssessment,
            SelfAssessmentEntry,
            Subject,
            UnifiedSchoolStatus,
        )

        auditlog.register(Observation, exclude_fields=["answers"])  # answers: one entry on it (quality.services)
        auditlog.register(ObservationForm)
        auditlog.register(ExamResult)
        auditlog.register(LearnerResult)
        auditlog.register(MonitoringLevelResult)
        auditlog.register(Subject, exclude_fields=KEYS)
        # Forms, scales, frameworks and thresholds: what every observation and evaluation is read against.
        for model in (
            AnswerScale, ScaleOption, CriterionGroup, Criterion, PassThreshold, ExamSitting, Framework, FrameworkArea,
            FrameworkCriterion,
        ):  # fmt: skip
            auditlog.register(model)
        # Self-assessments, accreditations, heads' evaluations and unified-school statuses, with their parts; the
        # levels of an accreditation or an evaluation are recorded on it by quality.services (core.audit_policy).
        for evaluated in (
            SelfAssessment, SelfAssessmentEntry, Evidence, Accreditation, HeadEvaluation, UnifiedSchoolStatus,
        ):  # fmt: skip
            auditlog.register(evaluated)
        register_importers("quality", IMPORTERS)
        register_importers(
            "reference",
            {
                "subjects": reference_importer(
                    Subject, kind="subjects", title=_("Subjects"), permission="quality.change_subject", key_field="name"
                )
            },
        )

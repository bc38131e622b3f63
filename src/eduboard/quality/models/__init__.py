"""Quality tables: observation forms (versioned), lesson observations, exams and monitoring tests, self-assessment
frameworks and accreditations, heads' evaluations. One module per part; every model is importable from here."""

from eduboard.quality.models.exams import (
    PERCENT as PERCENT,
)
from eduboard.quality.models.exams import (
    ExamResult as ExamResult,
)
from eduboard.quality.models.exams import (
    ExamResultQuerySet as ExamResultQuerySet,
)
from eduboard.quality.models.exams import (
    ExamSitting as ExamSitting,
)
from eduboard.quality.models.exams import (
    LearnerResult as LearnerResult,
)
from eduboard.quality.models.exams import (
    LearnerResultQuerySet as LearnerResultQuerySet,
)
from eduboard.quality.models.exams import (
    PassThreshold as PassThreshold,
)
from eduboard.quality.models.frameworks import (
    HEADS_EVALUATORS as HEADS_EVALUATORS,
)
from eduboard.quality.models.frameworks import (
    Accreditation as Accreditation,
)
from eduboard.quality.models.frameworks import (
    AccreditationLevel as AccreditationLevel,
)
from eduboard.quality.models.frameworks import (
    AccreditationLevelQuerySet as AccreditationLevelQuerySet,
)
from eduboard.quality.models.frameworks import (
    Evidence as Evidence,
)
from eduboard.quality.models.frameworks import (
    EvidenceQuerySet as EvidenceQuerySet,
)
from eduboard.quality.models.frameworks import (
    Framework as Framework,
)
from eduboard.quality.models.frameworks import (
    FrameworkArea as FrameworkArea,
)
from eduboard.quality.models.frameworks import (
    FrameworkCriterion as FrameworkCriterion,
)
from eduboard.quality.models.frameworks import (
    SelfAssessment as SelfAssessment,
)
from eduboard.quality.models.frameworks import (
    SelfAssessmentEntry as SelfAssessmentEntry,
)
from eduboard.quality.models.frameworks import (
    SelfAssessmentEntryQuerySet as SelfAssessmentEntryQuerySet,
)
from eduboard.quality.models.frameworks import (
    level_field as level_field,
)
from eduboard.quality.models.heads import (
    HeadEvaluation as HeadEvaluation,
)
from eduboard.quality.models.heads import (
    HeadEvaluationLevel as HeadEvaluationLevel,
)
from eduboard.quality.models.heads import (
    HeadEvaluationLevelQuerySet as HeadEvaluationLevelQuerySet,
)
from eduboard.quality.models.heads import (
    HeadEvaluationQuerySet as HeadEvaluationQuerySet,
)
from eduboard.quality.models.heads import (
    UnifiedSchoolStatus as UnifiedSchoolStatus,
)
from eduboard.quality.models.heads import (
    UnifiedSchoolStatusQuerySet as UnifiedSchoolStatusQuerySet,
)
from eduboard.quality.models.heads import (
    sees_heads_evaluations as sees_heads_evaluations,
)
from eduboard.quality.models.monitoring import (
    MonitoringAspect as MonitoringAspect,
)
from eduboard.quality.models.monitoring import (
    MonitoringLevel as MonitoringLevel,
)
from eduboard.quality.models.monitoring import (
    MonitoringLevelResult as MonitoringLevelResult,
)
from eduboard.quality.models.monitoring import (
    MonitoringLevelResultQuerySet as MonitoringLevelResultQuerySet,
)
from eduboard.quality.models.observations import (
    Answer as Answer,
)
from eduboard.quality.models.observations import (
    AnswerQuerySet as AnswerQuerySet,
)
from eduboard.quality.models.observations import (
    AnswerScale as AnswerScale,
)
from eduboard.quality.models.observations import (
    Criterion as Criterion,
)
from eduboard.quality.models.observations import (
    CriterionGroup as CriterionGroup,
)
from eduboard.quality.models.observations import (
    Observation as Observation,
)
from eduboard.quality.models.observations import (
    ObservationForm as ObservationForm,
)
from eduboard.quality.models.observations import (
    ObservationQuerySet as ObservationQuerySet,
)
from eduboard.quality.models.observations import (
    ScaleOption as ScaleOption,
)
from eduboard.quality.models.observations import (
    Subject as Subject,
)
from eduboard.quality.models.observations import (
    sees_whole_institutions as sees_whole_institutions,
)
from eduboard.quality.models.self_assessment_tables import (
    SELF_ASSESSMENT_TABLES as SELF_ASSESSMENT_TABLES,
)
from eduboard.quality.models.self_assessment_tables import (
    GraduateEmployment as GraduateEmployment,
)
from eduboard.quality.models.self_assessment_tables import (
    Inspection as Inspection,
)
from eduboard.quality.models.self_assessment_tables import (
    InspectionBody as InspectionBody,
)
from eduboard.quality.models.self_assessment_tables import (
    InterestParticipation as InterestParticipation,
)
from eduboard.quality.models.self_assessment_tables import (
    QualificationExamResult as QualificationExamResult,
)
from eduboard.quality.models.self_assessment_tables import (
    Recommendation as Recommendation,
)
from eduboard.quality.models.self_assessment_tables import (
    RecommendationStatus as RecommendationStatus,
)

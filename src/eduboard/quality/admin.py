from eduboard.core.admin import register_translated
from eduboard.quality.models import (
    AnswerScale,
    Criterion,
    CriterionGroup,
    FrameworkArea,
    FrameworkCriterion,
    ScaleOption,
    Subject,
)

register_translated(AnswerScale, ScaleOption, CriterionGroup, Criterion, FrameworkArea, FrameworkCriterion, Subject)

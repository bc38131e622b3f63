"""The board's form for one data-quality rule."""

from __future__ import annotations

from eduboard.core.forms import VersionedModelForm
from eduboard.dataquality.models import QualityRule


class QualityRuleForm(VersionedModelForm):
    """A rule's severity, threshold, use and texts in three languages; `version` is the one the page was read at."""

    class Meta:
        model = QualityRule
        fields = ["severity", "threshold", "active", "text", "text_en", "text_ru"]

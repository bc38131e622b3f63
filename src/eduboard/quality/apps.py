from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "eduboard.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.quality.importers import IMPORTERS
        from eduboard.quality.models import ExamResult, LearnerResult, Observation, ObservationForm

        auditlog.register(Observation, exclude_fields=["answers"])  # each answer: its own rows
        auditlog.register(ObservationForm)
        auditlog.register(ExamResult)
        auditlog.register(LearnerResult)
        register_importers("quality", IMPORTERS)

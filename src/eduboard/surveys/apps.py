from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Wellbeing and other surveys of the board: audiences, questions, populations, anonymous responses, results."""

    name = "eduboard.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        """Register the audited models and the import kinds."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.surveys.importers import IMPORTERS
        from eduboard.surveys.models import Population, Question, Survey, SurveyLink

        for model in (Survey, Question, Population):
            auditlog.register(model)  # answers hold no person: they are counted, not audited one by one
        auditlog.register(SurveyLink, exclude_fields=["token"])  # the link's secret stays out of the trail
        register_importers("surveys", IMPORTERS)

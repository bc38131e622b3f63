from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    """Early school-leaving prevention: absences, term results, risk rules as data, support plans."""

    name = "eduboard.prevention"
    label = "prevention"
    verbose_name = _("Early school-leaving prevention")

    def ready(self) -> None:
        """Register the audited models (a support plan's history is its audit trail) and the import kinds."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.prevention.importers import IMPORTERS
        from eduboard.prevention.models import Absence, RiskRule, SupportPlan, TermResult

        for model in (Absence, TermResult, RiskRule, SupportPlan):
            auditlog.register(model)
        register_importers("prevention", IMPORTERS)

        from eduboard.prevention.services import risk_rules_for_new_board
        from eduboard.registry.board_data import on_new_board

        on_new_board(risk_rules_for_new_board)

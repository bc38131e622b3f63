from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "eduboard.reports"
    label = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.reports.models import ReportEdition

        # The frozen figures are large and never edited: the audit trail records who published, not the JSON.
        auditlog.register(ReportEdition, exclude_fields=["content", "updated_at"])

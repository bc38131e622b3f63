from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "eduboard.reports"
    label = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_abandoned_check
        from eduboard.reports import jobs
        from eduboard.reports.models import ReportEdition

        # A report file whose worker died is taken up again by the workers' sweep (core.jobs.retake_abandoned).
        register_abandoned_check(jobs.files_abandoned)

        # The frozen figures are large and never edited: the audit trail records who published, not the JSON.
        auditlog.register(ReportEdition, exclude_fields=["content", "updated_at"])

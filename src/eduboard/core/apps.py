from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eduboard.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.models import ImportJob

        auditlog.register(ImportJob, exclude_fields=["stored_path"])

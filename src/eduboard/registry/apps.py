from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "eduboard.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.registry.models import Institution

        auditlog.register(Institution)

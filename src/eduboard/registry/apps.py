from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "eduboard.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.registry.importers import IMPORTERS
        from eduboard.registry.models import Enrolment, Group, Institution, Learner, QueueEntry

        auditlog.register(Institution)
        auditlog.register(Group)
        auditlog.register(Learner)
        auditlog.register(Enrolment)
        auditlog.register(QueueEntry, m2m_fields={"grounds"})
        register_importers("registry", IMPORTERS)

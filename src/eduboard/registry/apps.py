from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "eduboard.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.core.latvian import KEY_FIELD_NAMES as KEYS
        from eduboard.core.reference_import import reference_importer
        from eduboard.registry.boards import Board
        from eduboard.registry.importers import IMPORTERS
        from eduboard.registry.models import (
            Club,
            Enrolment,
            Group,
            Institution,
            Learner,
            Licence,
            Municipality,
            MunicipalLicence,
            PriorityGround,
            Programme,
            QueueEntry,
            ResidentsElsewhere,
        )
        from eduboard.registry.pickers import register_pickers

        auditlog.register(Board)
        auditlog.register(Institution, exclude_fields=KEYS)
        auditlog.register(Group, exclude_fields=KEYS)
        auditlog.register(Learner, exclude_fields=KEYS)
        auditlog.register(Enrolment)
        auditlog.register(QueueEntry, m2m_fields={"grounds"})
        auditlog.register(Municipality, exclude_fields=KEYS)
        auditlog.register(Programme, exclude_fields=KEYS)
        for model in (Licence, Club, MunicipalLicence, ResidentsElsewhere, PriorityGround):
            auditlog.register(model)
        register_importers("registry", IMPORTERS)
        register_importers(
            "reference",
            {
                "priority_grounds": reference_importer(
                    PriorityGround,
                    kind="priority_grounds",
                    title=_("Priority grounds of the preschool queue"),
                    permission="registry.change_priorityground",
                    order_field="rank",
                    max_length=160,
                )
            },
        )
        register_pickers()

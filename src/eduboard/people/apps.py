from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "eduboard.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.core.latvian import KEY_FIELD_NAMES as KEYS
        from eduboard.people.importers import IMPORTERS
        from eduboard.people.models import (
            Employment,
            PositionKind,
            Qualification,
            StaffMember,
            TrainingRecord,
            TrainingRequirement,
            Vacancy,
        )
        from eduboard.people.pickers import register_pickers

        auditlog.register(StaffMember, exclude_fields=KEYS)
        auditlog.register(Employment)
        auditlog.register(Qualification)
        auditlog.register(TrainingRecord)
        auditlog.register(Vacancy)
        auditlog.register(PositionKind)
        auditlog.register(TrainingRequirement, m2m_fields={"positions"})
        register_importers("people", IMPORTERS)
        register_pickers()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterestConfig(AppConfig):
    """Interest education (interešu izglītība): its pages, figures and rules. Its own table is the festival
    participation of the city's collectives; clubs, municipal licences and groups with their leader and club are the
    registry's tables."""

    name = "eduboard.interest"
    label = "interest"
    verbose_name = _("Interest education")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.interest.importers import IMPORTERS
        from eduboard.interest.models import FestivalParticipation
        from eduboard.interest.rules import group_leader_check
        from eduboard.registry.rules import group_check_register

        group_check_register(group_leader_check)  # every group save checks its leader (registry.rules.GROUP_CHECKS)
        auditlog.register(FestivalParticipation)
        register_importers("interest", IMPORTERS)

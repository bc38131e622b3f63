from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentreConfig(AppConfig):
    """The innovation centre: activity catalogue, slots and bookings, visits, visitor cards and points.

    Its label stays `innovation`, the label its tables, migrations and permissions were made with: the package
    moved, the data did not. The centre's other areas (`competitions`, `courses`, `materials`, `events`) are apps of
    their own that stand on this one; their tables keep their `innovation_` names (docs/architecture.md)."""

    name = "eduboard.centre"
    label = "innovation"
    verbose_name = _("Innovation centre")

    def ready(self) -> None:
        """Register the audited models and the import kinds."""
        from auditlog.registry import auditlog

        from eduboard.centre.importers import IMPORTERS
        from eduboard.centre.models import (
            Activity,
            AgeBand,
            Booking,
            Card,
            CentrePartner,
            Fair,
            KitLoan,
            Module,
            Prize,
            ProgrammeEvent,
            Slot,
            StudentCompany,
            Visit,
            WaitingListEntry,
        )
        from eduboard.core.jobs import register_importers
        from eduboard.core.reference_import import reference_importer

        for model in (Slot, Booking, Card, Prize, Module, AgeBand, WaitingListEntry):
            auditlog.register(model)
        auditlog.register(Activity, m2m_fields={"age_bands"})
        auditlog.register(Visit, m2m_fields={"led_by"})
        auditlog.register(StudentCompany)
        auditlog.register(KitLoan)
        auditlog.register(Fair, m2m_fields={"companies"})
        auditlog.register(ProgrammeEvent, m2m_fields={"partners"})
        auditlog.register(CentrePartner, m2m_fields={"projects"})
        register_importers("innovation", IMPORTERS)
        register_importers(
            "reference",
            {
                "modules": reference_importer(
                    Module,
                    kind="modules",
                    title=_("Modules of the innovation centre"),
                    permission="innovation.change_module",
                    order_field="position",
                    max_length=200,
                )
            },
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Erasmus+ and EU-funded projects of the board and its institutions: partners, budgets, tranches,
    prefinancing and mobilities."""

    name = "eduboard.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        """Register the audited models and the import kinds."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.projects.importers import IMPORTERS
        from eduboard.projects.models import (
            Deadline,
            Mobility,
            Partner,
            Payment,
            Prefinancing,
            Project,
            ProjectDocument,
            ProjectProgramme,
            Tranche,
        )

        for model in (ProjectProgramme, Partner, Tranche, Payment, Prefinancing, Deadline, ProjectDocument):
            auditlog.register(model)
        auditlog.register(Project, m2m_fields={"institutions"})
        auditlog.register(Mobility, m2m_fields={"staff", "learners"})  # who travels: staff and children by name
        register_importers("projects", IMPORTERS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    """Robotics competitions of the innovation centre: disciplines, teams, brackets, matches, attempts."""

    name = "eduboard.competitions"
    label = "competitions"
    verbose_name = _("Robotics competitions")

    def ready(self) -> None:
        """Register the audited models and the import kind (listed with the centre's: `import_innovation teams`)."""
        from auditlog.registry import auditlog

        from eduboard.competitions.importers import IMPORTERS
        from eduboard.competitions.models import (
            Attempt,
            BracketUndo,
            Competition,
            Discipline,
            Match,
            RefereeEntry,
            ScoreSheet,
            Team,
        )
        from eduboard.core.jobs import register_importers

        for model in (Team, Match, Discipline, Attempt, ScoreSheet, RefereeEntry, BracketUndo):
            auditlog.register(model)
        auditlog.register(Competition, m2m_fields={"disciplines"})
        register_importers("innovation", IMPORTERS)

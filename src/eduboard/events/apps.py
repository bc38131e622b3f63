from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """The shared events calendar and its public feeds."""

    name = "eduboard.events"
    label = "events"
    verbose_name = _("Events calendar")

    def ready(self) -> None:
        """Register the audited model and the import kind (listed with the centre's: `import_innovation events`)."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.events.importers import IMPORTERS
        from eduboard.events.models import Event

        auditlog.register(Event)
        register_importers("innovation", IMPORTERS)

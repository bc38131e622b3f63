from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The board's open datasets: figures from every area's selectors, small cells withheld, published as CSV and
    JSON with DCAT-AP metadata and an Atom feed of their versions (issue 43, point 5)."""

    name = "eduboard.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        """Audit each publication (its files apart: they are the figures of the publication, no one's data)."""
        from auditlog.registry import auditlog

        from eduboard.opendata.models import Publication

        auditlog.register(Publication, exclude_fields=["csv", "json"])

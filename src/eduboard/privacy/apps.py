from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A child's data on request, retention that runs by itself and the records of processing (docs/privacy.md)."""

    name = "eduboard.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        """Register the audited models."""
        from auditlog.registry import auditlog

        from eduboard.privacy.models import AccessRequest, RetentionRule

        auditlog.register(RetentionRule)
        auditlog.register(AccessRequest, exclude_fields=["answer"])

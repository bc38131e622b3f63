from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Verifiable certificates: every course and competition certificate of the centre also issued as an Open Badges
    3.0 credential, signed as a JWT with the centre's Ed25519 key (docs/credentials.md)."""

    name = "eduboard.credentials"
    label = "credentials"
    verbose_name = _("Verifiable certificates")

    def ready(self) -> None:
        """Register the audited models, and the credential of a course certificate as the certificate is issued
        (courses.services.CERTIFIED_HOOKS: courses does not import this area, this area stands on courses)."""
        from auditlog.registry import auditlog

        from eduboard.courses.services import CERTIFIED_HOOKS
        from eduboard.credentials.models import Credential, SigningKey
        from eduboard.credentials.services import course_certificates_credentials_issue

        auditlog.register(SigningKey)
        auditlog.register(Credential, exclude_fields=["jwt"])
        if course_certificates_credentials_issue not in CERTIFIED_HOOKS:
            CERTIFIED_HOOKS.append(course_certificates_credentials_issue)

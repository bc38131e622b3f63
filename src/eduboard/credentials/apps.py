from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Verifiable certificates: every course and competition certificate of the centre also issued as an Open Badges
    3.0 credential, signed as a JWT with the centre's Ed25519 key (docs/credentials.md)."""

    name = "eduboard.credentials"
    label = "credentials"
    verbose_name = _("Verifiable certificates")

    def ready(self) -> None:
        """Register the audited models; the credential of a course certificate as the certificate is issued
        (courses.services.CERTIFIED_HOOKS); and the link of each competition certificate's credential for the QR code
        on its page of the certificates PDF (competitions.selectors.CERTIFICATE_LINKS). Neither area imports this one:
        this one stands on them (docs/architecture.md)."""
        from auditlog.registry import auditlog

        from eduboard.competitions import selectors as competition_selectors
        from eduboard.courses.services import CERTIFIED_HOOKS
        from eduboard.credentials.models import Credential, SigningKey
        from eduboard.credentials.services import competition_certificate_links, course_certificates_credentials_issue

        auditlog.register(SigningKey)
        auditlog.register(Credential, exclude_fields=["jwt"])
        if course_certificates_credentials_issue not in CERTIFIED_HOOKS:
            CERTIFIED_HOOKS.append(course_certificates_credentials_issue)
        if competition_certificate_links not in competition_selectors.CERTIFICATE_LINKS:
            competition_selectors.CERTIFICATE_LINKS.append(competition_certificate_links)

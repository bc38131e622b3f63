"""Verifiable certificates (Open Badges 3.0): the centres' public signing keys and the credentials issued.

A private key is never a column: it is a PEM file in `settings.CREDENTIAL_KEYS_DIR` (credentials.keys), so a dump of
the database holds no secret. The public key stays here after a rotation, so every credential ever issued still
verifies. A credential holds its holder's name only as a salted hash (the members of a robotics team are children)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.competitions.models import Team
from eduboard.courses.models import Participant
from eduboard.credentials.choices import CredentialKind
from eduboard.registry.models import Institution, ScopedQuerySet


class CentreScopedQuerySet(ScopedQuerySet):
    """Rows of a centre: its staff's, the board's all."""

    institution_path = "centre"


class SigningKey(models.Model):
    """A generation of a centre's Ed25519 signing key: its public half as a JWK and its id (`kid`, the JWK
    thumbprint). The newest unretired key of a centre signs; a retired one only verifies what it signed."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["centre", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.kid


class Credential(models.Model):
    """An Open Badges 3.0 credential of one certificate: a course participant's, or one named member's of a team
    whose robot passed the check. `key` is the random part of its public page's address; `jwt` the signed compact
    form, exactly as issued. A credential whose certificate changed (a place corrected) is withdrawn (`revoked_at`,
    `revoked_reason`) and a new one issued: the verification page then refuses the old one."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CredentialKind.choices)
    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("course participant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="credentials"
    )
    achievement_name = models.CharField(_("achievement"), max_length=400)
    subject_id = models.CharField(max_length=64, editable=False)
    salt = models.CharField(max_length=64, editable=False)
    identity_hash = models.CharField(_("holder (salted hash)"), max_length=80, editable=False)
    issued_at = models.DateTimeField(_("issued"))
    kid = models.CharField(_("key id"), max_length=64)
    jwt = models.TextField(editable=False)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    revoked_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("verifiable credential")
        verbose_name_plural = _("verifiable credentials")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(participant__isnull=False),
                name="credentials_one_per_participant",
                violation_error_message=_("This participant's certificate has its credential already."),
            ),
            models.CheckConstraint(
                condition=Q(kind=CredentialKind.COURSE, team__isnull=True)
                | Q(kind=CredentialKind.COMPETITION, participant__isnull=True),
                name="credentials_source_of_its_kind",
                violation_error_message=_("A course credential names no team; a competition one no participant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_name} ({self.issued_at:%Y-%m-%d})"

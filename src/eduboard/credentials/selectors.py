"""Reads of the verifiable certificates: the one verification of a credential (used by the public pages and the
tests alike), a credential by its page's key, the issuer's profile and its public keys, a viewer's credentials."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eduboard.core.scope import Viewer
from eduboard.credentials import addresses, keys, openbadges
from eduboard.credentials.models import Credential, SigningKey
from eduboard.registry.models import Institution

#: Why a credential is not valid, as its verifier is told.
REASONS: dict[str, Promise] = {
    "malformed": _("This is not a signed credential (a compact JWT of three parts) or a part of it is damaged."),
    "algorithm": _("The credential is signed with an algorithm this issuer does not use."),
    "unknown_key": _("The credential was not signed with a key of this issuer."),
    "bad_signature": _("The signature does not match the content: the credential was changed after it was signed."),
    "expired": _("The credential has expired."),
    "not_yet_valid": _("The credential is not valid yet."),
    "mismatch": _("The credential's claims do not match its content or its issuer."),
    "not_issued": _("The issuer has no record of issuing this credential: it was not issued by the centre."),
    "revoked": _("The issuer withdrew this credential (its certificate was corrected or replaced)."),
}


@dataclass(frozen=True)
class Verification:
    """The answer about one credential: valid, or the reason (a key of REASONS) it is not."""

    valid: bool
    reason: str = ""
    credential: dict[str, Any] = field(default_factory=dict)
    record: Credential | None = None

    @property
    def message(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""

    @property
    def issuer_name(self) -> str:
        return str(self.credential.get("issuer", {}).get("name", ""))

    @property
    def achievement_name(self) -> str:
        return str(self.credential.get("credentialSubject", {}).get("achievement", {}).get("name", ""))

    @property
    def valid_from(self) -> datetime | None:
        text = self.credential.get("validFrom")
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if isinstance(text, str) else None

    def names_holder(self, name: str) -> bool:
        """Whether `name` is the holder's: its salted hash is the credential's identity hash."""
        for identity in self.credential.get("credentialSubject", {}).get("identifier", []):
            salt = str(identity.get("salt", ""))
            if identity.get("hashed") and openbadges.identity_hash(name, salt) == identity.get("identityHash"):
                return True
        return False


def _refused(reason: str) -> Verification:
    return Verification(valid=False, reason=reason)


def credential_verify(*, token: str) -> Verification:
    """Verify a credential in its compact JWT form, as the Open Badges 3.0 proof format says: every part canonical
    base64url, the header EdDSA with the `kid` of one of our keys (a retired one too), the signature over the exact
    bytes, the claims present and equal to the credential's fields (iss = issuer.id of the key's centre, jti = id,
    sub = credentialSubject.id, nbf = validFrom), valid from nbf and until exp when there is one; and the issuer's
    own record: a token it issued, exactly so, and not withdrawn."""
    token = "".join(token.split())  # pasted across lines
    segments = openbadges.strict_segments(token)
    if segments is None:
        return _refused("malformed")
    try:
        header = json.loads(segments[0])  # the payload is read once its signature holds (a changed one: signature)
    except (ValueError, UnicodeDecodeError):
        return _refused("malformed")
    if not isinstance(header, dict) or set(header) - {"alg", "kid", "typ", "jwk"}:
        return _refused("malformed")
    if header.get("alg") != openbadges.ALGORITHM or header.get("typ", "JWT") != "JWT":
        return _refused("algorithm")
    signing_key = (
        SigningKey.objects.select_related("centre").filter(kid=addresses.kid_of(str(header.get("kid")))).first()
    )
    if signing_key is None:
        return _refused("unknown_key")
    try:
        payload = jwt.decode(
            token,
            keys.public_key_of(signing_key.public_jwk),
            algorithms=[openbadges.ALGORITHM],
            options={"require": ["iss", "jti", "sub", "nbf"], "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        return _refused("bad_signature")
    except jwt.ExpiredSignatureError:
        return _refused("expired")
    except jwt.ImmatureSignatureError:
        return _refused("not_yet_valid")
    except jwt.PyJWTError:
        return _refused("malformed")
    document = openbadges.without_claims(payload)
    try:
        claims = openbadges.jwt_claims(document)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _refused("mismatch")
    if any(payload.get(name) != value for name, value in claims.items()) or ("exp" in payload and "exp" not in claims):
        return _refused("mismatch")
    if payload["iss"] != addresses.issuer_url(signing_key.centre_id):
        return _refused("mismatch")
    # The signature is the credential's proof anywhere; here the issuer also answers for its own records: only a
    # token it issued, exactly as issued, is valid (one signed with a leaked key after rotation is not), and one it
    # withdrew is refused.
    record = Credential.objects.filter(kid=signing_key.kid, key=_key_of(str(payload["jti"]))).first()
    if record is None or record.jwt != token:
        return _refused("not_issued")
    if record.revoked_at is not None:
        return Verification(valid=False, reason="revoked", credential=document, record=record)
    return Verification(valid=True, credential=document, record=record)


def _key_of(credential_id: str) -> str:
    return credential_id.rstrip("/").rsplit("/", 1)[-1]


def credential_by_key(key: str) -> Credential | None:
    """The credential whose public page has this key (None: no such credential)."""
    if not key or len(key) > 64:
        return None
    return Credential.objects.select_related("centre").filter(key=key).first()


def issuer_keys(centre_id: int) -> list[dict[str, Any]]:
    """The centre's public keys as JWKs, the newest first, retired ones too (they verify what they signed)."""
    rows = SigningKey.objects.filter(centre_id=centre_id).order_by("-created_at", "-pk")
    return [
        {**row.public_jwk, "kid": addresses.key_url(row.kid), "alg": openbadges.ALGORITHM, "use": "sig"} for row in rows
    ]


def issuer_profile(*, centre: Institution) -> dict[str, Any]:
    """The issuer's Open Badges `Profile`, as written into its credentials: id (this profile's address), name, url."""
    return {
        "id": addresses.issuer_url(centre.pk),
        "type": ["Profile"],
        "name": centre.name,
        "url": addresses.absolute(f"/centre/{addresses.LANGUAGE}/"),
    }


def issuer_document(centre_id: int) -> dict[str, Any] | None:
    """The issuer's profile as its address serves it (JSON-LD) with its public keys (`jwks`); None for an
    institution that has issued nothing (no key)."""
    centre = Institution.objects.filter(pk=centre_id).first()
    if centre is None or not SigningKey.objects.filter(centre_id=centre_id).exists():
        return None
    return {"@context": openbadges.CONTEXT, **issuer_profile(centre=centre), "jwks": {"keys": issuer_keys(centre_id)}}


def signing_key_jwk(kid: str) -> dict[str, Any] | None:
    """One public key as its JWK (the `kid` address of a JWT dereferences to it)."""
    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        return None
    return {**row.public_jwk, "kid": addresses.key_url(row.kid), "alg": openbadges.ALGORITHM, "use": "sig"}


def credential_list(*, viewer: Viewer) -> Any:
    """The credentials of the centres in the viewer's scope, newest first."""
    return Credential.objects.visible_to(viewer).select_related("centre").order_by("-issued_at", "-pk")


def credential_payload(credential: Credential) -> dict[str, Any]:
    """The payload of a credential we issued, decoded from its stored JWT (its signature is ours)."""
    segments = openbadges.strict_segments(credential.jwt)
    return dict(json.loads(segments[1])) if segments else {}

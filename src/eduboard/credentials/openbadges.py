"""The Open Badges 3.0 document of a credential and its JSON Web Token proof, as the specification writes them
(1EdTech, Open Badges 3.0, "JSON Web Token Proof Format"): pure functions, no database.

- The credential: an `OpenBadgeCredential` (JSON-LD, VC data model 2.0) whose issuer is the centre's `Profile` and
  whose subject is an `AchievementSubject` known by a salted SHA-256 hash of the holder's name (`IdentityObject`).
- The proof: a compact JWS, header {alg: EdDSA, kid: the URL of the public key's JWK, typ: JWT} (nothing else),
  payload = the credential with the claims iss (issuer.id), jti (id), sub (credentialSubject.id), nbf (validFrom)
  and exp (validUntil, when there is one). The specification's minimum is RS256; it permits others, and Ed25519
  (RFC 8037) is what the board chose: short keys and signatures, no parameters to get wrong."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
ALGORITHM = "EdDSA"
#: The JWT claims the proof adds to the credential (and the `.json` download leaves out).
CLAIMS = ("iss", "jti", "sub", "nbf", "exp")


def holder_name(name: str) -> str:
    """A holder's name as it is hashed: Unicode NFC, spaces collapsed, trimmed (case kept, as written)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def identity_hash(name: str, salt: str) -> str:
    """The `IdentityHash` of a name: 'sha256$' and the hex SHA-256 of the name followed by the salt (UTF-8)."""
    return "sha256$" + hashlib.sha256((holder_name(name) + salt).encode("utf-8")).hexdigest()


def timestamp(moment: datetime) -> str:
    """A `DateTimeZ` to the second, in UTC: 2025-10-07T09:30:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_document(
    *,
    credential_id: str,
    issuer: dict[str, Any],
    subject_id: str,
    achievement: dict[str, Any],
    identity: str,
    salt: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    awarded: datetime | None = None,
) -> dict[str, Any]:
    """The OpenBadgeCredential of one achievement of one holder (known by `identity`, an IdentityHash)."""
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": credential_id,
        "type": TYPE,
        "name": achievement["name"],
        "issuer": issuer,
        "validFrom": timestamp(valid_from),
    }
    if valid_until is not None:
        document["validUntil"] = timestamp(valid_until)
    if awarded is not None:
        document["awardedDate"] = timestamp(awarded)
    document["credentialSubject"] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "identifier": [
            {"type": "IdentityObject", "identityHash": identity, "identityType": "name", "hashed": True, "salt": salt}
        ],
    }
    return document


def _seconds(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def jwt_claims(document: dict[str, Any]) -> dict[str, Any]:
    """The registered claims the proof format asks for, from the credential's own fields."""
    claims = {
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": _seconds(document["validFrom"]),
    }
    if "validUntil" in document:
        claims["exp"] = _seconds(document["validUntil"])
    return claims


def jwt_sign(document: dict[str, Any], *, private_key: Ed25519PrivateKey, kid_url: str) -> str:
    """The compact JWS of the credential: header alg, kid, typ only; payload the credential and its claims."""
    payload = {**document, **jwt_claims(document)}
    return jwt.encode(payload, private_key, algorithm=ALGORITHM, headers={"kid": kid_url, "typ": "JWT"})


def strict_segments(token: str) -> list[bytes] | None:
    """The three decoded parts of a compact JWS, or None unless each is canonical base64url (no padding, no spare
    bits set): base64 leaves a few bits of a last character unread, so a changed character could decode to the same
    bytes; a canonical encoding is one string per value, and any changed byte is refused."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    decoded = []
    for part in parts:
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            return None
        if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != part:
            return None
        decoded.append(raw)
    return decoded


def without_claims(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential of a verified payload: the JWT claims left out."""
    return {key: value for key, value in payload.items() if key not in CLAIMS}


def pretty(document: dict[str, Any]) -> str:
    """The credential as a JSON file reads: indented, UTF-8."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

"""The private signing keys, kept out of the database: one PEM file (PKCS#8, unencrypted, mode 0600) per key in
`settings.CREDENTIAL_KEYS_DIR` (mode 0700), named by the key's id. The database holds only the public half
(`SigningKey.public_jwk`). Whoever can read this directory can sign as the centres: back it up apart from the
database, and rotate the keys (`manage.py rotate_credential_key`) when it may have been read."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def keys_dir() -> Path:
    """The directory of the private keys (made, owner-only, when missing)."""
    path = Path(settings.CREDENTIAL_KEYS_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037: kty OKP, crv Ed25519, x); never a private part (`d`)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def thumbprint(jwk: dict[str, Any]) -> str:
    """The JWK thumbprint (RFC 7638): SHA-256 of the required members in lexical order, base64url: the key's id."""
    members = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(members.encode()).digest())


def _path(kid: str) -> Path:
    if not kid or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in kid):
        raise ValueError("a key id is base64url")
    return keys_dir() / f"{kid}.pem"


def private_key_make() -> tuple[str, dict[str, str]]:
    """A new Ed25519 key written to its file (0600, never overwritten); (its id, its public JWK)."""
    private = Ed25519PrivateKey.generate()
    jwk = public_jwk(private.public_key())
    kid = thumbprint(jwk)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(_path(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return kid, jwk


def private_key_load(kid: str) -> Ed25519PrivateKey | None:
    """The private key of this id from its file; None when the file is missing (another machine, a lost directory)."""
    path = _path(kid)
    if not path.exists():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key if isinstance(key, Ed25519PrivateKey) else None


def private_key_remove(kid: str) -> bool:
    """Delete the private key's file (a rotated key signs no more); whether there was one."""
    path = _path(kid)
    if not path.exists():
        return False
    path.unlink()
    return True


def public_key_of(jwk: dict[str, Any]) -> Ed25519PublicKey:
    """The public key of a stored JWK."""
    raw = base64.urlsafe_b64decode(str(jwk["x"]) + "=" * (-len(str(jwk["x"])) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)

"""The public addresses a credential names: the issuer's profile (the issuer's id), a key's JWK (the JWT's `kid`),
a credential's page (its id). Absolute, on `settings.CREDENTIAL_BASE_URL`, in Latvian (the centre's language): an
identifier is written once into a signed credential and must not depend on the language a page was read in."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

LANGUAGE = "lv"


def absolute(path: str) -> str:
    return f"{settings.CREDENTIAL_BASE_URL}{path}"


def issuer_url(centre_id: int) -> str:
    """The issuer's id: its profile, with its public keys."""
    return absolute(reverse("centre_credential_issuer", args=[LANGUAGE, centre_id]))


def key_url(kid: str) -> str:
    """The `kid` of a JWT: the address of the key's public JWK."""
    return absolute(reverse("centre_credential_key", args=[LANGUAGE, kid]))


def credential_url(key: str) -> str:
    """A credential's id: its public page."""
    return absolute(reverse("centre_credential", args=[LANGUAGE, key]))


def kid_of(kid_url: str) -> str:
    """The key id at the end of a `kid` address (…/keys/<kid>/); '' for anything else."""
    parts = kid_url.rstrip("/").rsplit("/", 2)
    return parts[-1] if len(parts) == 3 and parts[-2] == "keys" else ""

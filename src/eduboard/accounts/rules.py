"""The accounts' pure rules: how an API token's secret is stored."""

from __future__ import annotations

import hashlib


def api_token_hash(secret: str) -> str:
    """The SHA-256 hex digest under which a token's secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()

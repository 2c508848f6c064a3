"""Secrets handed to people once (API tokens, invitation links), kept only as hashes."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "odps_"


def secret_hash(secret: str) -> str:
    # The secrets are 256-bit random values, so a fast hash is safe here (no guessing).
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_token() -> tuple[str, str, str]:
    """Return (secret shown once, short public prefix, hash to store)."""
    public = secrets.token_hex(4)
    secret = f"{API_TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    return secret, public, secret_hash(secret)


def new_invitation_secret() -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)

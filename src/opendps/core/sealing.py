"""Sealing tenders and signing receipts, with keys kept outside the database.

- Each call for competition gets an X25519 key pair. Tenders are sealed with HPKE
  (RFC 9180: DHKEM-X25519, HKDF-SHA256, AES-256-GCM) to the call's public key on arrival.
- The call's private key is stored only wrapped (AES-256-GCM) under the platform master
  key, which lives in ``var/master.key`` or ``OPENDPS_MASTER_KEY`` — never in the
  database. A database reader therefore holds only ciphertext.
- Receipts are signed with the platform's Ed25519 key (``var/signing.key`` or
  ``OPENDPS_SIGNING_KEY``); anyone can check them with the published public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from opendps.core.errors import Conflict
from opendps.core.keys import read_or_create_secret

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
SEAL_BROKEN = "Sealed content failed its integrity check: it has been altered. This is recorded."
RAW = serialization.Encoding.Raw
RAW_PUBLIC = serialization.PublicFormat.Raw
RAW_PRIVATE = serialization.PrivateFormat.Raw
NO_ENCRYPTION = serialization.NoEncryption()


class SealBroken(Conflict):
    """Ciphertext, wrapped key or signature failed authentication: tampering or wrong key.

    A domain error (409) so that pages and the API say so plainly instead of failing."""

    default_code = "seal_broken"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _var_dir() -> Path:
    return Path(settings.VAR_DIR)


@cache
def master_key() -> bytes:
    """The 256-bit key that wraps every call's private key (outside the database)."""
    text = os.environ.get("OPENDPS_MASTER_KEY") or read_or_create_secret(
        _var_dir() / "master.key", lambda: _b64(secrets.token_bytes(32))
    )
    key = _unb64(text)
    if len(key) != 32:
        raise ValueError("OPENDPS_MASTER_KEY must be 32 bytes, base64url-encoded")
    return key


@cache
def signing_key() -> Ed25519PrivateKey:
    text = os.environ.get("OPENDPS_SIGNING_KEY") or read_or_create_secret(
        _var_dir() / "signing.key", lambda: _b64(secrets.token_bytes(32))
    )
    return Ed25519PrivateKey.from_private_bytes(_unb64(text))


def signing_public_key_b64() -> str:
    return _b64(signing_key().public_key().public_bytes(RAW, RAW_PUBLIC))


# --- per-call key pairs -------------------------------------------------------------------


@dataclass(frozen=True)
class CallKeys:
    public_key: bytes  # stored in clear: anyone may seal to it
    wrapped_private_key: bytes  # nonce + AES-GCM(master key, private key, aad=label)


def call_keys_new(label: str) -> CallKeys:
    """A fresh key pair for one call; ``label`` (e.g. "call:42") binds the wrapped key to it."""
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(RAW, RAW_PRIVATE, NO_ENCRYPTION)
    nonce = secrets.token_bytes(12)
    wrapped = nonce + AESGCM(master_key()).encrypt(nonce, raw_private, label.encode())
    return CallKeys(private.public_key().public_bytes(RAW, RAW_PUBLIC), wrapped)


def call_private_key(wrapped: bytes, label: str) -> X25519PrivateKey:
    """Unwrap a call's private key (only the opening path calls this)."""
    try:
        raw = AESGCM(master_key()).decrypt(wrapped[:12], wrapped[12:], label.encode())
    except InvalidTag as error:
        raise SealBroken(SEAL_BROKEN) from error
    return X25519PrivateKey.from_private_bytes(raw)


def seal(plaintext: bytes, public_key: bytes, info: str) -> bytes:
    """HPKE-seal ``plaintext`` to a call; ``info`` binds it to call and supplier."""
    return SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public_key), info.encode())


def unseal(sealed: bytes, private_key: X25519PrivateKey, info: str) -> bytes:
    try:
        return SUITE.decrypt(sealed, private_key, info.encode())
    except Exception as error:  # the Rust binding raises a plain exception on a bad tag
        raise SealBroken(SEAL_BROKEN) from error


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- receipts -------------------------------------------------------------------------------


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def receipt_sign(payload: dict[str, Any]) -> str:
    return _b64(signing_key().sign(canonical(payload)))


def receipt_signature_valid(
    payload: dict[str, Any], signature: str, public_key_b64: str | None = None
) -> bool:
    key = Ed25519PublicKey.from_public_bytes(_unb64(public_key_b64 or signing_public_key_b64()))
    try:
        key.verify(_unb64(signature), canonical(payload))
    except (InvalidSignature, ValueError):
        return False
    return True

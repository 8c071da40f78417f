"""Secrets that qicop must give back to another server (a DHIS2 token) are kept encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with keys derived by HKDF from the secrets in
``QICOP_ENCRYPTION_KEYS`` (comma-separated; by default the one ``SECRET_KEY``). The first key encrypts; every
key decrypts, so keys can be rotated: put the new secret first, run ``qicop reencrypt_secrets``, then drop the
old one. A database copied without the keys gives nothing away.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "reencrypt"]


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"qicop", info=b"qicop stored secrets v1"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    secrets = settings.QICOP_ENCRYPTION_KEYS or [settings.SECRET_KEY]
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    """The plain secret; raises InvalidToken when no configured key opens it."""
    return _fernet().decrypt(stored.encode("ascii")).decode()


def reencrypt(stored: str) -> str:
    """The same secret encrypted with the first key (for key rotation)."""
    return _fernet().rotate(stored.encode("ascii")).decode("ascii")

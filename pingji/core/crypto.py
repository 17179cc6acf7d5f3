"""Field encryption and keyed look-up hashes for personal data (handbook, convention 5).

Fernet (AES-128-CBC + HMAC-SHA256) encrypts; a separate HMAC-SHA256 key derived from the same
secret makes the look-up hash, so equal identity numbers hash equal (de-duplication) but the hash
cannot be reversed without the key. The key is ``settings.FIELD_ENCRYPTION_KEY``.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + settings.FIELD_ENCRYPTION_KEY.encode()).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"pingji-fernet:")))


@cache
def _hash_key(key: str) -> bytes:
    return _derive(b"pingji-lookup:")


def encrypt(value: str) -> bytes:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode())


def decrypt(token: bytes | memoryview) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(bytes(token)).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value; the same value always gives the same hash."""
    key = _hash_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()

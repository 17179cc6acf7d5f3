"""Field encryption and keyed look-up hashes for personal data (decisions 0031 and 0034).

Fernet (AES-128-CBC + HMAC-SHA256) encrypts; a separate HMAC-SHA256 key derived from the same
secret makes the look-up hash, so equal identity numbers hash equal (de-duplication) but the hash
cannot be reversed without the key. The key is ``settings.FIELD_ENCRYPTION_KEY``. It lives in core
because every layer that holds personal data uses it: persons, uploads kept for a job, the
check-in and sample stores.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + settings.FIELD_ENCRYPTION_KEY.encode()).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"pingji-fernet:")))


@cache
def _file_fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"pingji-upload:")))


def file_fernet() -> Fernet:
    """The key of uploaded files kept for a job (pingji/core/uploads.py), apart from fields'."""
    return _file_fernet(settings.FIELD_ENCRYPTION_KEY)


@cache
def _hash_key(key: str) -> bytes:
    # A pinned look-up key (PINGJI_HASH_KEY, hex) outlives a rotation of the field key, so the
    # hashes already stored, the check-ins' included, keep matching (docs/decisions/0034).
    pinned = getattr(settings, "FIELD_HASH_KEY", "")
    return bytes.fromhex(pinned) if pinned else _derive(b"pingji-lookup:")


def encrypt(value: str) -> bytes:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode())


def decrypt(token: bytes | memoryview) -> str:
    return _keyring(settings.FIELD_ENCRYPTION_KEY).decrypt(bytes(token)).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value; the same value always gives the same hash."""
    key = _hash_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


# --- Key rotation (docs/decisions/0034-perimeter.md, `pingji rotate_field_key`) ---------------


def _fernet_for(secret: str) -> Fernet:
    """The field Fernet a given field key makes (the current one's is ``_fernet``)."""
    digest = hashlib.sha256(b"pingji-fernet:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@cache
def _keyring(key: str) -> MultiFernet:
    """The current field key first, then ``settings.FIELD_ENCRYPTION_KEYS_OLD``: decryption
    accepts any of them while a rotation is under way; encryption always uses the first."""
    old = getattr(settings, "FIELD_ENCRYPTION_KEYS_OLD", [])
    return MultiFernet([_fernet(key), *(_fernet_for(secret) for secret in old)])


def reencrypt(token: bytes | memoryview) -> bytes:
    """The same plaintext under the current key (the ciphertext of an old key, or current)."""
    return _keyring(settings.FIELD_ENCRYPTION_KEY).rotate(bytes(token))


def current_hash_key_hex() -> str:
    """The look-up key in use, in the form PINGJI_HASH_KEY takes to pin it before a rotation."""
    return _hash_key(settings.FIELD_ENCRYPTION_KEY).hex()


def clear_key_caches() -> None:
    """Forget the derived keys (tests and the rotation command change the settings they read)."""
    for cached in (_fernet, _hash_key, _keyring, _file_fernet):
        cached.cache_clear()

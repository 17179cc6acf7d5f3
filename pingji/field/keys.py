"""The key of a phone's store: derived, never stored, and handed out only while it may be.

A device's key is the HMAC-SHA256, under the server's secret key, of the device id and the row's
random nonce: the database holds no key, a copy of it opens no phone, and changing SECRET_KEY (as
it ends every session) changes every key, after which the phones' old stores cannot be read and
are wiped (docs/decisions/0045-offline-field-app.md).
"""

import base64
import datetime
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import FieldDevice


def key_of(device: FieldDevice) -> str:
    """The device's AES-256 key (base64 of 32 bytes), recomputed from its row."""
    mac = salted_hmac(
        "pingji.field.device", f"{device.device}:{device.nonce}", algorithm="sha256"
    ).digest()
    return base64.b64encode(mac).decode()


def may_use(user) -> bool:
    """Whether a user has a day to take into the field: their home monitoring list or tasks.

    Every record is still checked by the action that applies it; this only decides whether the
    app hands out a key and a day at all.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.has_perm("quarantine.view_placement") or user.has_perm("tasks.view_task"))
    )


def parse_device(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def keep_hours() -> int:
    """How long a cached day stays on the phone (``PINGJI_FIELD_APP_KEEP_HOURS``, default 24)."""
    return int(settings.FIELD_APP_KEEP_HOURS)


def expires_at(day: datetime.date) -> datetime.datetime:
    """When the phone wipes the day's lists: the set hours after the day began (local time)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start + datetime.timedelta(hours=keep_hours())


def withheld(device: FieldDevice | None, user) -> str:
    """Why the key of ``device`` is refused to ``user`` and its store must be wiped ("" if not).

    Said to a request without a session too (an account deactivated meanwhile has none): the
    device id, a random value only the phone knows, is what asks.
    """
    if device is None:
        return ""
    if device.revoked_at is not None:
        return "revoked"
    owner = device.user
    if not owner.is_active:
        return "deactivated"
    if user is not None and user.is_authenticated and user.pk != owner.pk:
        return "another-user"
    return ""

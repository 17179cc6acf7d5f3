"""Devices of the field app: registered at the first ask for a key, revoked by their owner."""

import secrets
import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.actions import conflict

from ..models import FieldDevice


def do_register_device(*, actor, device: uuid.UUID, label: str = "") -> FieldDevice:
    """The actor's row of ``device``, made at its first ask for a key.

    A device id already registered to someone else is never handed over: the store on that phone
    was theirs (the caller refuses the key and the app wipes it).
    """
    found = FieldDevice.objects.select_related("user").filter(device=device).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return FieldDevice.objects.create(
                user=actor, device=device, nonce=secrets.token_hex(16), label=label[:200]
            )
    except IntegrityError:  # the same phone asked twice at once
        return FieldDevice.objects.select_related("user").get(device=device)


def do_note_key_given(device: FieldDevice) -> None:
    """Note when the key was last handed out (at most every five minutes: no write per start)."""
    now = clock.now()
    last = device.last_key_at
    if last is None or (now - last).total_seconds() > 300:
        FieldDevice.objects.filter(pk=device.pk).update(last_key_at=now)


def do_revoke_device(device: FieldDevice, *, actor) -> FieldDevice:
    """Withhold the device's key from now on: the app wipes its store at its next ask.

    The owner revokes their own phones (a lost phone); an administrator deactivates the account.
    """
    with transaction.atomic():
        device = FieldDevice.objects.select_for_update().get(pk=device.pk)
        if device.user_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the owner revokes a device."))
        if device.revoked_at is not None:
            raise conflict("device", _("This device is already revoked."), "revoked")
        device.revoked_at, device.revoked_by = clock.now(), actor
        device.save(update_fields=["revoked_at", "revoked_by"])
    return device

"""The phones of the field app and the records they sent.

Both belong to one user, like an API token (``users.ApiToken``): they are not rows of a
jurisdiction, so they are read by their owner (``for_user``), not through ``restrict``. What the
records wrote lives in the domains' own rows, scoped and in the change log as usual.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.audit import AuditedManager
from pingji.core.models import user_fk

from .choices import Outcome, RecordKind


class FieldDevice(models.Model):
    """One install of the field app (a phone's browser) of one user.

    The device's id is made by the phone; the key that opens its store is not stored anywhere:
    it is the HMAC, under the server's secret key, of the id and a random nonce (``keys``), so a
    copy of the database opens no phone's store. Revoking the device, or deactivating the user,
    makes the server refuse the key and tell the app to wipe its store.
    """

    audit_exclude = ("nonce",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="field_devices",
    )
    device = models.UUIDField(_("device id"), unique=True)
    nonce = models.CharField(_("nonce"), max_length=32, editable=False)
    label = models.CharField(_("browser"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=clock.now)
    last_key_at = models.DateTimeField(_("key last handed out"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = user_fk(_("revoked by"))

    objects = AuditedManager()

    class Meta:
        verbose_name = _("field device")
        verbose_name_plural = _("field devices")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{str(self.device)[:8]}"


class FieldRecord(models.Model):
    """One record made on a phone, by the id the phone gave it; the unique id makes a replay of
    the same record change nothing (decision 0045).

    ``made_at`` is when it was made on the phone (the event time of what it wrote), and
    ``received_at`` when the server got it (decision 0030). ``subject`` names what it was about
    with the name masked, so the history shows no more than a self-report page would.
    """

    client_id = models.UUIDField(_("record id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="field_records",
    )
    device = models.ForeignKey(
        FieldDevice,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    target = models.CharField(_("about"), max_length=80)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    made_at = models.DateTimeField(_("made at"))
    received_at = models.DateTimeField(_("received at"), default=clock.now)
    batch = models.UUIDField(_("batch"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("field record")
        verbose_name_plural = _("field records")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["user", "-received_at"], name="field_record_user_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} ({self.get_outcome_display()})"

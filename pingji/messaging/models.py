"""The outbox (decision 0043, point 7): one row per message, and the opt-outs honoured when a row
is written.

A message row is written in its cause's transaction (an event's handler, a daily reminder) and
sent later by the ``messaging.send`` job, so a gateway that is slow or down never holds up the
decision that caused it, and every attempt is kept. The row holds who it is for (a person, an
account or an establishment), the masked address, the template and its fields (masked, never an
identity number): the real address is read and decrypted only by the send job, to hand to the
gateway (point 8).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.core.models import user_fk

from .choices import Channel, OptOutSource, RecipientKind, Status


class Message(ScopedModel):
    """One message to one recipient on one channel.

    ``dedup_key`` is the cause, the recipient, the template and the channel: an event replayed,
    or a reminder job run twice, finds its key taken and queues nothing (decision 0032). The
    scope is the recipient's jurisdiction (the person's grid, the account's or establishment's
    jurisdiction): those who serve the recipient see what was sent to them.
    """

    scope_field = "jurisdiction_code"

    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=32, db_index=True)
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=14, choices=RecipientKind.choices
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    establishment = models.ForeignKey(
        "reopening.Establishment",
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient_label = models.CharField(_("recipient"), max_length=200, blank=True)
    address_masked = models.CharField(_("address"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=64, db_index=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    #: The row the message is about (a placement, a dispatch, a task…): send-time fields read it.
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("subject type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    cause = models.CharField(_("cause"), max_length=100)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    batch = models.CharField(_("batch"), max_length=40, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=clock.now)
    #: Who holds the row while sending, and until when: a worker that died lets it go at the end.
    claim = models.CharField(_("claim"), max_length=40, blank=True, db_index=True)
    lease_until = models.DateTimeField(_("sending until"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    receipt_id = models.CharField(_("gateway receipt id"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    history = models.JSONField(_("history"), default=list, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "channel", "next_attempt_at"]),
            models.Index(fields=["gateway", "receipt_id"]),
        ]
        permissions = [("retry_message", _("Can send a failed message again"))]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_label or self.address_masked}"

    def get_absolute_url(self) -> str:
        return detail_url("messaging:message_detail", self.pk)

    @property
    def recipient(self):
        """The person, account or establishment the message is for (None once deleted)."""
        return getattr(self, str(self.recipient_kind), None)


class OptOut(ScopedModel):
    """A recipient's refusal of information messages on a channel, with where it came from.

    Honoured when a message is queued (its status is then ``opted_out``), and only for templates
    that are information: a legal notification reaches the person whatever they asked (decision
    0043, point 9). One row per recipient and channel.
    """

    scope_field = "jurisdiction_code"

    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=32, db_index=True)
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=14, choices=RecipientKind.choices
    )
    recipient_id = models.CharField(_("recipient id"), max_length=64)
    recipient_label = models.CharField(_("recipient"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=10, choices=OptOutSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)
    recorded_by = user_fk(_("recorded by"))

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_kind", "recipient_id", "channel"], name="optout_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_label} · {self.get_channel_display()}"

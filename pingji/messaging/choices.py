"""The states, channels and recipients of a message, and where an opt-out came from."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    IM = "im", _("enterprise messaging")


class Status(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("message status", "queued")
    SENDING = "sending", pgettext_lazy("message status", "sending")
    SENT = "sent", pgettext_lazy("message status", "sent")
    DELIVERED = "delivered", pgettext_lazy("message status", "delivered")
    FAILED = "failed", pgettext_lazy("message status", "failed")
    OPTED_OUT = "opted_out", pgettext_lazy("message status", "opted out")


class RecipientKind(models.TextChoices):
    PERSON = "person", _("person")
    USER = "user", _("account")
    ESTABLISHMENT = "establishment", _("establishment")


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("reply to a message")
    DOOR = "door", _("request at the door")
    PHONE = "phone", _("request by telephone")
    WRITING = "writing", _("request in writing")

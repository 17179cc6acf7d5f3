"""Lists the big-data bureau pushes (``Push``) and what each of their rows became (``PushRow``).

A push is known by its content (decision 0039): the same file or JSON body pushed twice is the same
push, and the second time nothing is written. A row keeps the person's identity number only as the
keyed look-up hash and its mask (decision 0031), the phone as ciphertext, hash and mask, so neither
the page, the API nor the change log ever holds a plain number.

A row that names a person already listed for the same kind and window (``dedup_key``) adds nothing:
the key is unique per receiving jurisdiction, so two pushes racing each other cannot both count it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.audit import AuditedManager
from pingji.core.models import user_fk

from .choices import Colour, Outcome, PushKind, PushSource


class Push(ScopedModel):
    """One list received, in the jurisdiction that received it, with its counts by outcome."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("receiving jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PushKind.choices)
    source = models.CharField(_("channel"), max_length=10, choices=PushSource.choices)
    sender = models.CharField(_("sent by"), max_length=100, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=clock.now)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("rows by outcome"), default=dict, blank=True)
    received_by = user_fk(_("received by"))

    class Meta:
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "content_hash"], name="push_once_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_at:%Y-%m-%d %H:%M}"


class PushRow(ScopedModel):
    """One pushed row: the particulars as the bureau gave them (masked/hashed) and the outcome."""

    audit_exclude = ("phone_cipher",)

    push = models.ForeignKey(
        Push, verbose_name=_("push"), on_delete=models.CASCADE, related_name="lines"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("receiving jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    line = models.PositiveIntegerField(_("line"))
    name = models.CharField(_("full name"), max_length=60, blank=True)
    id_number_hash = models.CharField(
        _("identity number look-up hash"), max_length=64, blank=True, editable=False
    )
    id_number_masked = models.CharField(_("identity number"), max_length=18, blank=True)
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, blank=True, editable=False)
    phone_hash = models.CharField(_("phone look-up hash"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True)
    region = models.CharField(_("stated region code"), max_length=12, blank=True)
    colour = models.CharField(_("code colour"), max_length=10, choices=Colour.choices, blank=True)
    at = models.DateTimeField(_("time"), null=True, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("matched person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason_code = models.CharField(_("reason code"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    dedup_key = models.CharField(_("de-duplication key"), max_length=64, null=True, blank=True)
    dispatch = models.ForeignKey(
        "tracing.Dispatch",
        verbose_name=_("dispatch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pushed row")
        verbose_name_plural = _("pushed rows")
        ordering = ["push", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="pushrow_once_per_person_kind_window",
            )
        ]
        indexes = [models.Index(fields=["id_number_hash"])]

    def __str__(self) -> str:
        return f"{self.name or self.id_number_masked} · {self.get_outcome_display()}"

    @property
    def last_exposure_at(self):
        """What a dispatch counts from (``tracing.actions.dispatch.plan_dispatch`` reads it)."""
        return self.until or self.at


class FeedCounter(models.Model):
    """The last sequence issued: one row, locked while an instruction is numbered, so sequences
    are committed in the order they are given and a reader of ``after=n`` never skips one.
    Bookkeeping (the instructions it numbers are logged), so not in the change log."""

    audited = False

    last = models.BigIntegerField(_("last sequence"), default=0)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("instruction counter")
        verbose_name_plural = _("instruction counter")

    def __str__(self) -> str:
        return str(self.last)


class Instruction(ScopedModel):
    """A code colour the code system is told to give a person, with the cause and the clause.

    ``cause_key`` (event kind and subject) is unique: the same cause never issues twice. The
    person's latest instruction is ``current``; an earlier one names what superseded it.
    Scoped by the person's grid of residence, so a county sees and acknowledges its residents'.
    """

    sequence = models.BigIntegerField(_("sequence"), unique=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("grid of residence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("full name"), max_length=60)
    id_number_masked = models.CharField(_("identity number"), max_length=18, blank=True)
    colour = models.CharField(_("code colour"), max_length=10, choices=Colour.choices)
    cause_kind = models.CharField(_("cause"), max_length=60)
    cause_key = models.CharField(_("cause key"), max_length=120, unique=True)
    protocol = models.CharField(_("protocol"), max_length=60)
    clause = models.CharField(_("clause"), max_length=300)
    at = models.DateTimeField(_("happened at"))
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    current = models.BooleanField(_("current"), default=True)
    superseded_by = models.BigIntegerField(_("superseded by (sequence)"), null=True, blank=True)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("code instruction")
        verbose_name_plural = _("code instructions")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["person", "current"]), models.Index(fields=["issued_at"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.name} {self.get_colour_display()}"

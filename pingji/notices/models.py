"""Notices (decision 0043): numbered documents issued once from a decision, and their counters.

A notice row freezes what the document says (``content``, already masked as printed) at the
moment its decision was taken; rendering reads it later, so a fix to the layout never changes
what a notice said. Its number comes from a counter row per (issuer, kind, year) locked in the
issuing transaction; its verification token is random and opens only the public page of what
the paper already shows.
"""

from typing import ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel, ScopedQuerySet
from pingji.core.audit import AuditedManager
from pingji.core.links import detail_url
from pingji.core.models import user_fk

from .choices import NoticeKind, NoticeStatus


def _jurisdiction_fk(verbose_name, **extra):
    return models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        **extra,
    )


class NoticeCounter(models.Model):
    """The last sequence number allotted to one issuer for one kind in one year.

    Locked ``FOR UPDATE`` by the transaction that issues (``numbering.allot``): a second issuer
    waits, and a rolled-back issue takes its numbers back with it — never a duplicate. Not a
    scoped model: nobody browses counters; their moves are in the change log like any write.
    """

    objects: ClassVar[models.Manager] = AuditedManager()

    issuer = _jurisdiction_fk(_("issuer"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("notice counter")
        verbose_name_plural = _("notice counters")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year"], name="notice_counter_once_per_issuer_kind_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.kind} {self.year}: {self.last}"


class NoticeQuerySet(ScopedQuerySet):
    def within(self, code: str):
        """What a user looking at ``code`` sees: the notices worked there, and the letters
        addressed to it (a 协查函 to the county asked to trace). ``restrict`` uses this for
        ``view`` only: revoking stays with the issuing side (``subtree``), as for dispatches.
        """
        if not code:
            return self
        return self.filter(Q(jurisdiction__code__within=code) | Q(addressee__code__within=code))


class Notice(ScopedModel):
    """One numbered document to one recipient, from one decision (``source``).

    ``jurisdiction`` is where the notice is worked: the grid of the household or person it goes
    to (so the grid worker prints it), else the issuer's. ``subject`` is what the decisions are
    about (the area, the placement, the dispatch, the establishment): a later decision about the
    same subject revokes or supersedes what an earlier one issued (decision 0043 point 5).
    """

    #: The token opens the public page of what the paper shows; it is printed, not listed: kept
    #: out of the change log and of list exports (``core.exports``) like a secret column.
    audit_exclude = ("token",)
    objects: ClassVar[NoticeQuerySet] = NoticeQuerySet.as_manager()  # type: ignore[assignment]

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    number = models.CharField(_("number"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issuer = _jurisdiction_fk(_("issuer"))
    jurisdiction = _jurisdiction_fk(_("jurisdiction"))
    #: The jurisdiction a letter is addressed to (the county a 协查函 asks), which sees it too.
    addressee = _jurisdiction_fk(_("addressed to"), null=True, blank=True)
    recipient_key = models.CharField(_("recipient key"), max_length=64)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    establishment = models.ForeignKey(
        "reopening.Establishment",
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_label = models.CharField(_("recipient"), max_length=300)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(_("source id"), max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(_("subject id"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    content = models.JSONField(_("content"), default=dict)
    token = models.CharField(_("verification token"), max_length=32, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NoticeStatus.choices,
        default=NoticeStatus.VALID,
        db_index=True,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = user_fk(_("revoked by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    revoked_event = models.ForeignKey(
        "core.DomainEvent",
        verbose_name=_("revoked by the event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id", "recipient_key"],
                name="notice_once_per_kind_source_recipient",
            ),
            models.UniqueConstraint(
                fields=["issuer", "kind", "year", "sequence"], name="notice_sequence_once"
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "status"], name="notice_subject"),
            models.Index(fields=["jurisdiction", "kind", "status"], name="notice_scope_kind"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return detail_url("notices:notice_detail", self.pk)

    @property
    def is_valid(self) -> bool:
        return self.status == NoticeStatus.VALID

    @property
    def title(self) -> str:
        return str(self.content.get("title", ""))

"""Dispatch (协查): a person pushed to the county where they live, to be located and controlled.

The receiving county owns the row (``jurisdiction``): it works and closes it, and its chain of
command sees it. The sending jurisdiction (``sender``) sees the status of what it sent and nothing
else of the receiver's work — the queryset's ``within`` adds the sender's view for ``view`` only,
and pages and the API show the sender the status fields alone (decision 0008). A dispatch to
another province has no receiving county in this system: the sender owns it until it is exported
to a file in the same layout.
"""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel, ScopedQuerySet, scope_code
from pingji.core.links import detail_url

from ..choices import DISPATCH_CLOSED, DispatchStatus


class DispatchQuerySet(ScopedQuerySet):
    def within(self, code: str):
        """What a user looking at ``code`` sees: what its area must work, and what it sent.

        ``restrict`` uses this for ``view`` only; every other action stays on the receiver's
        subtree (``subtree``), so a sender can never act on a dispatch it sent (decision 0008).
        """
        if not code:
            return self
        return self.filter(Q(jurisdiction__code__within=code) | Q(sender__code__within=code))

    def sent_by(self, code: str):
        return self.filter(sender__code__within=code)

    def received_by(self, code: str):
        return self.filter(jurisdiction__code__within=code)

    def open(self):
        return self.exclude(status__in=DISPATCH_CLOSED)


class Dispatch(ScopedModel):
    """One person pushed to one county, with the protocol's deadline and the outcome.

    ``due_at`` is fixed when sent, from the protocol in force for the sender on that day
    (``rules.dispatch``: lists cleared within 24 h in the province, 48 h out of it — 8th-edition
    era local practice), with the clause kept in ``deadline_clause``. ``source`` is what caused it
    (a Contact, a quarantine Placement…), kept as provenance.
    """

    objects: ClassVar[DispatchQuerySet] = DispatchQuerySet.as_manager()  # type: ignore[assignment]
    #: The sender may list its dispatches (decision 0008); a list export never carries these.
    export_exclude = (
        "outcome_note",
        "handled_by",
        "person",
        "reported",
        "source_type",
        "source_id",
    )

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty until the receiving county resolves a contact reported by particulars."),
    )
    #: A contact known by particulars only (decision 0042): the receiving county resolves it.
    reported = models.ForeignKey(
        "tracing.ReportedContact",
        verbose_name=_("reported particulars"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("responsible jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_region = models.CharField(_("receiving county code"), max_length=6)
    to_region_name = models.CharField(_("receiving county"), max_length=100, blank=True)
    in_province = models.BooleanField(_("in province"), default=True)
    reason = models.CharField(_("reason"), max_length=500)
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    last_exposure_at = models.DateTimeField(_("last exposure"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=DispatchStatus.choices, default=DispatchStatus.SENT
    )
    sent_at = models.DateTimeField(_("sent at"), default=clock.now, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by (user)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    deadline_clause = models.CharField(_("deadline clause"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    located_at = models.DateTimeField(_("located at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome_note = models.CharField(_("receiver's note"), max_length=500, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["person", "status"]),
        ]
        permissions = [
            ("respond_dispatch", _("Can acknowledge dispatched persons and record the outcome"))
        ]

    def __str__(self) -> str:
        return _("Dispatch %(number)s") % {"number": self.pk or "—"}

    def get_absolute_url(self) -> str:
        return detail_url("tracing:dispatch_detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status not in DISPATCH_CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < clock.now()

    def countdown(self) -> str:
        from ..deadlines import countdown

        if not self.is_open:
            return countdown(self.due_at, self.closed_at)[0] if self.closed_at else ""
        return countdown(self.due_at)[0]

    @property
    def shown_name(self) -> str:
        """The name lists show: as the sender reported it, for a contact known by particulars
        (the sender never reads the name of the person it was resolved to, decision 0042)."""
        reported, person = self.reported, self.person
        if reported is not None:
            return reported.name
        return person.name if person is not None else ""

    @property
    def awaits_resolution(self) -> bool:
        """A contact reported by particulars, not yet resolved to a person by the receiver."""
        return self.person_id is None and self.reported_id is not None

    def seen_by_receiver(self, user) -> bool:
        """Whether ``user`` works this dispatch (receiver's area), not only watches its status."""
        code = scope_code(user)
        return code is not None and self.jurisdiction_id.startswith(code)

"""Investigations (流调) of cases: deadlines, exposures, contacts and proposed contacts.

Every row is scoped to the investigating jurisdiction — the case's grid, so the county that owns
the case sees all of it. A contact may live in another county; finding and controlling them there
is dispatch's business (协查, later): the contact row stays with the investigation that found it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.core.models import user_fk

from ..choices import ContactSource, ContactTier, InvestigationStatus, ProposalStatus, Setting


def _jurisdiction_fk():
    return models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("investigating jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )


class Investigation(ScopedModel):
    """The investigation of one case, under the protocol version in force when it was opened.

    The deadlines and the look-back start are computed once, at opening, from that version (which
    ``protocol`` records, with the clauses in ``deadline_clause``/``lookback_clause``), so a later
    amendment does not move the goalposts of an investigation under way.
    """

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="investigation",
    )
    jurisdiction = _jurisdiction_fk()
    protocol = models.ForeignKey(
        "protocols.Protocol",
        verbose_name=_("protocol applied"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.OPEN,
    )
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    opened_by = user_fk(_("opened by"))
    core_due_at = models.DateTimeField(_("core facts due"), null=True, blank=True)
    report_due_at = models.DateTimeField(_("report due"), null=True, blank=True)
    deadline_clause = models.CharField(_("deadline clause"), max_length=300, blank=True)
    core_done_at = models.DateTimeField(_("core facts done at"), null=True, blank=True)
    report_done_at = models.DateTimeField(_("report done at"), null=True, blank=True)
    lookback_from = models.DateField(_("look-back from"), null=True, blank=True)
    lookback_clause = models.CharField(_("look-back clause"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return _("Investigation of %(case)s") % {"case": self.case}

    def get_absolute_url(self) -> str:
        return detail_url("tracing:investigation_detail", self.pk)

    @property
    def next_due_at(self):
        """The deadline still to meet: core facts first, then the report; None when both done."""
        if self.core_done_at is None:
            return self.core_due_at
        if self.report_done_at is None:
            return self.report_due_at
        return None

    def countdown(self) -> str:
        """ "due in 3 h 20 min", "overdue by 1 h 5 min", or "done"."""
        from ..deadlines import countdown

        if self.report_done_at is not None:
            return countdown(self.report_due_at, self.report_done_at)[0]
        return countdown(self.next_due_at)[0]

    @property
    def is_overdue(self) -> bool:
        due = self.next_due_at
        return due is not None and due < clock.now()


class Exposure(ScopedModel):
    """A place the case was during the look-back window, with the times (the 轨迹)."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.CASCADE,
        related_name="exposures",
    )
    jurisdiction = _jurisdiction_fk()
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_text = models.CharField(_("place (free text)"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("to"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=False) | ~Q(place_text=""),
                name="exposure_has_a_place",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="exposure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.place.name if self.place is not None else self.place_text


class Contact(ScopedModel):
    """A person found to be a contact of the case, with tier, setting and last exposure.

    Regimes count from the last exposure (every edition's ``counted_from``), so it is required.
    """

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    jurisdiction = _jurisdiction_fk()
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    tier = models.CharField(_("tier"), max_length=30, choices=ContactTier.choices)
    setting = models.CharField(_("setting"), max_length=12, choices=Setting.choices)
    last_exposure_at = models.DateTimeField(_("last exposure"))
    source = models.CharField(
        _("source"), max_length=20, choices=ContactSource.choices, default=ContactSource.MANUAL
    )
    accepted_by = user_fk(_("accepted by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["tier", "-last_exposure_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "person"], name="contact_once_per_investigation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_tier_display()})"


class ProposedContact(ScopedModel):
    """A stay found by the check-in search, waiting for an epidemiologist to accept or reject.

    The person is known by the keyed hashes the analytic store holds (the same HMAC as
    ``people.Person``); ``person`` is set when a registered person matches. A proposal whose person
    nobody has registered yet stays here with its hashes and can be accepted once they are.
    """

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    jurisdiction = _jurisdiction_fk()
    exposure = models.ForeignKey(
        Exposure,
        verbose_name=_("case visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    venue = models.ForeignKey(
        "geo.Place", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+"
    )
    id_hash = models.CharField(_("identity number look-up hash"), max_length=64, blank=True)
    phone_hash = models.CharField(_("phone look-up hash"), max_length=64, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("matched person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    check_in = models.DateTimeField(_("check-in"))
    check_out = models.DateTimeField(_("check-out"))
    overlap_start = models.DateTimeField(_("overlap from"))
    overlap_end = models.DateTimeField(_("overlap to"))
    overlap_minutes = models.FloatField(_("overlap (minutes)"))
    tier = models.CharField(_("proposed tier"), max_length=30, choices=ContactTier.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("search job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposed contact")
        verbose_name_plural = _("proposed contacts")
        ordering = ["status", "-overlap_minutes", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(id_hash="") | ~Q(phone_hash=""), name="proposal_has_a_hash"
            ),
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person is not None else _("unidentified person")
        return f"{who} · {self.venue.name} · {self.overlap_minutes:.0f} min"

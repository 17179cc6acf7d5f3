"""Cases: one episode of infection (or suspicion of it) of one person.

The case's own row holds the facts as they stand (classification, severity, outcome); how they came
to be — reported, reclassified, recovered — is kept as domain events, which the timeline shows and
which indicators count from (decision 0022).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.protocols.models import COVID_19

from .choices import (
    INSIDE_CONTROL,
    REASON_MAX_LENGTH,
    Channel,
    Classification,
    Origin,
    Outcome,
    Severity,
    VoidReason,
)


class Case(ScopedModel):
    """A reported case or infection, classified as the 8th edition protocol classifies them.

    ``disease`` is the dimension every workflow is shared across (decision 0041): tracing,
    quarantine and the counts read it rather than copying themselves per disease.
    ``jurisdiction`` is the grid the person lived in when reported: the case is counted there even
    if the person later moves. ``episode`` numbers a person's cases 1, 2, … so a reinfection after
    recovery is a new case while a second report of the same episode (of the same disease) is
    refused as a duplicate.
    Severity is set for confirmed cases only (the database refuses anything else). Whether the case
    was found inside control follows from the channel and is never stored twice.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("grid of residence at report"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    disease = models.ForeignKey(
        "protocols.Disease",
        verbose_name=_("disease"),
        on_delete=models.PROTECT,
        related_name="+",
        default=COVID_19,
    )
    episode = models.PositiveSmallIntegerField(_("episode"), default=1)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    onset_date = models.DateField(_("symptom onset date"), null=True, blank=True)
    sampled_at = models.DateTimeField(_("sampling time"), null=True, blank=True)
    reported_at = models.DateTimeField(_("report time"), db_index=True)
    channel = models.CharField(_("discovery channel"), max_length=30, choices=Channel.choices)
    origin = models.CharField(
        _("local or imported"), max_length=10, choices=Origin.choices, default=Origin.LOCAL
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.UNDER_TREATMENT
    )
    outcome_at = models.DateTimeField(_("outcome time"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(
        _("reason for voiding"), max_length=20, choices=VoidReason.choices, blank=True
    )
    void_note = models.CharField(
        _("reason for voiding, in words"), max_length=REASON_MAX_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "episode"], name="case_one_per_episode"),
            models.CheckConstraint(
                condition=Q(classification=Classification.CONFIRMED, severity__gt="")
                | (~Q(classification=Classification.CONFIRMED) & Q(severity="")),
                name="case_severity_only_when_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, void_reason="")
                | Q(voided_at__isnull=False, void_reason__gt=""),
                name="case_voided_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.pk or "—"}

    def get_absolute_url(self) -> str:
        return detail_url("cases:case_detail", self.pk)

    @property
    def found_inside_control(self) -> bool:
        """Found while already under control (quarantine or a sealed/controlled area)."""
        return self.channel in INSIDE_CONTROL

    @property
    def is_open(self) -> bool:
        """Still an episode in progress: neither closed by an outcome, ruled out nor voided."""
        return (
            self.outcome == Outcome.UNDER_TREATMENT
            and self.classification != Classification.RULED_OUT
            and self.voided_at is None
        )

    @property
    def voided(self) -> bool:
        """Voided (核减): reported in error, kept on record, counted in no total from its day."""
        return self.voided_at is not None

    @property
    def void_state(self) -> str:
        """The list's column: a voided case's reason, else empty."""
        if self.voided_at is None:
            return ""
        return _("voided: %(reason)s") % {"reason": self.get_void_reason_display()}

"""Direct reporting (网络直报): a report card per case, and the national system's extracts.

A ``ReportCard`` holds what the national card asks that the case does not (人群分类, the
reporting unit, the diagnosis time) and what the national system answers (its card number, when
it was filed). It is scoped like its case: the card is seen wherever the case is.

An ``Extract`` is one file of cards exported from the national system and imported here, known
by its content (decision 0039); its ``ExtractCard`` rows keep only what reconciliation counts —
card number, county, classification, disease, times — and the case each was matched to, never
the identity number or name the file carried.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.cases.choices import Classification
from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from .choices import CardStatus, Occupation

CARD_NUMBER_LENGTH = 40


class ReportCard(ScopedModel):
    """The national report card of one case, opened when the case is reported.

    ``card_number`` is the national system's id, unique and empty until the card is filed;
    ``due_at`` is the diagnosis time plus the reporting time limit in force (``deadlines``).
    ``classification`` follows the case (``handlers``); ``filed_classification`` is what the card
    said when filed, so a reclassified case shows its card as due for revision (订正).
    """

    scope_field: ClassVar[str] = "case__jurisdiction__code"

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="report_card"
    )
    occupation = models.CharField(
        _("occupation (population group)"), max_length=30, choices=Occupation.choices, blank=True
    )
    reporting_unit = models.CharField(
        pgettext_lazy("report card", "reporting unit"), max_length=200, blank=True
    )
    diagnosed_at = models.DateTimeField(_("diagnosis time"))
    due_at = models.DateTimeField(_("to file by"), db_index=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    filed_classification = models.CharField(
        _("classification filed"), max_length=20, choices=Classification.choices, blank=True
    )
    card_number = models.CharField(
        _("card number"), max_length=CARD_NUMBER_LENGTH, null=True, blank=True, unique=True
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("case voided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("report card")
        verbose_name_plural = _("report cards")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.card_number or str(_("Card of case %(case)s") % {"case": self.case_id})

    def get_absolute_url(self) -> str:
        return detail_url("exchange:card_detail", self.pk)

    @property
    def status(self) -> str:
        """To file, overdue, filed, due for revision, or voided: read from the row and the clock."""
        if self.voided_at is not None:
            return CardStatus.VOIDED
        if self.filed_at is None:
            return CardStatus.OVERDUE if clock.now() > self.due_at else CardStatus.TO_FILE
        if self.filed_classification != self.classification:
            return CardStatus.TO_REVISE
        return CardStatus.FILED

    def get_status_display(self) -> str:
        return str(CardStatus(self.status).label)


class Extract(ScopedModel):
    """One imported file of the national system's cards, known by its SHA-256 in its area."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    filed = models.PositiveIntegerField(_("cards filed from it"), default=0)
    already = models.PositiveIntegerField(_("rows already known"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("national extract")
        verbose_name_plural = _("national extracts")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "sha256"], name="exchange_extract_once_by_content"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.sha256[:12]

    def get_absolute_url(self) -> str:
        return detail_url("exchange:extract_detail", self.pk)


class ExtractCard(ScopedModel):
    """One card of the national system as the latest extract showed it, counted by county."""

    scope_field: ClassVar[str] = "county__code"

    extract = models.ForeignKey(
        Extract, verbose_name=_("extract"), on_delete=models.PROTECT, related_name="cards"
    )
    card_number = models.CharField(_("card number"), max_length=CARD_NUMBER_LENGTH, unique=True)
    county = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    disease = models.ForeignKey(
        "protocols.Disease", verbose_name=_("disease"), on_delete=models.PROTECT, related_name="+"
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    diagnosed_at = models.DateTimeField(_("diagnosis time"), db_index=True)
    reported_at = models.DateTimeField(_("report time"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: SHA-256 of the facts above: an unchanged card in a later extract is "already".
    facts_hash = models.CharField(_("facts hash"), max_length=64)

    class Meta:
        verbose_name = _("card of an extract")
        verbose_name_plural = _("cards of extracts")
        ordering = ["card_number"]

    def __str__(self) -> str:
        return self.card_number


class ExternalRecord(ScopedModel):
    """A case known to a partner system by its own identifier (a FHIR ``Condition.identifier``),
    so a bundle sent again updates the case instead of reporting it twice (upsert by external
    identifier). ``facts_hash`` is the SHA-256 of the resource as last applied: the same resource
    again changes nothing."""

    scope_field: ClassVar[str] = "case__jurisdiction__code"

    system = models.CharField(_("identifier system"), max_length=200)
    value = models.CharField(_("identifier value"), max_length=200)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    facts_hash = models.CharField(_("facts hash"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("external record")
        verbose_name_plural = _("external records")
        ordering = ["system", "value"]
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="exchange_external_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"


class LabMessage(ScopedModel):
    """A laboratory's result message applied here, known by the laboratory's identifier
    (``Observation.identifier``): the same message again changes nothing, and a message that
    changed after it was recorded is refused (a result is corrected in quarantine, where it
    was recorded, not by sending it again)."""

    scope_field: ClassVar[str] = "person__jurisdiction__code"

    system = models.CharField(_("identifier system"), max_length=200)
    value = models.CharField(_("identifier value"), max_length=200)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=10)
    sampled_at = models.DateTimeField(_("sampled at"))
    facts_hash = models.CharField(_("facts hash"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("laboratory message")
        verbose_name_plural = _("laboratory messages")
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="exchange_lab_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"

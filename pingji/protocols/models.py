"""Protocols as data: versioned rule sets with effective dates.

The figures of the published protocols live here, never in code: other apps ask ``rules`` for the
edition in force (docs/architecture.md, "Conventions every app follows").
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pingji.core.access import InheritedScopeQuerySet, ScopedModel
from pingji.core.audit import AuditedManager
from pingji.core.links import detail_url
from pingji.geo.choices import CODE_LENGTH

from .choices import NotifiableClass


def applicable_codes(code: str) -> list[str]:
    """The areas whose versions can apply to ``code``: national (""), each ancestor, itself."""
    return [
        "",
        *(code[:n] for n in CODE_LENGTH.values() if n < len(code)),
        *([code] if code else []),
    ]


#: The disease of the emergency workflows built first (tracing, quarantine, risk areas, mass
#: testing): a version, case or drill made without naming a disease is COVID-19's.
COVID_19 = "covid-19"


class Disease(models.Model):
    """A disease the platform handles, with its pack (decision 0041): natural history and
    transmission as cited figures, variants, surveillance series and reserves.

    Cases, surveillance series, drills and protocol versions carry a disease; a workflow is never
    copied per disease. ``pack`` holds the file ``data/diseases/<code>.json`` as loaded
    (``protocols.loading``); ``diseases`` reads it. Shared by every jurisdiction, like the
    national protocol versions, so it is not scoped.
    """

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    english_name = models.CharField(_("English name"), max_length=100)
    notifiable_class = models.CharField(
        _("notifiable class"), max_length=10, choices=NotifiableClass.choices
    )
    pack = models.JSONField(_("pack"))

    objects = AuditedManager()

    class Meta:
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name if (get_language() or "").startswith("zh") else self.english_name


def diseases_to_choose():
    """Diseases as a form lists them: without their packs (tens of kilobytes of JSON each),
    which a choice shows nothing of."""
    return Disease.objects.defer("pack")


class Protocol(ScopedModel):
    """A version of the prevention and control rules, in force for a jurisdiction from a date.

    ``rules`` holds every figure (regimes, test days, windows, lifting criteria, deadlines, pooling)
    as JSON, each rule with the clause it comes from (``protocols.rules`` validates the shape).
    The national editions belong to the root (code ""); a province copies one, amends it and sets
    its own effective date. ``protocol_for`` picks, for a disease, a jurisdiction and a day, the
    most specific version in force: each disease has its own line of versions (its rule packs).
    """

    scope_field = "jurisdiction_code"

    disease = models.ForeignKey(
        Disease,
        verbose_name=_("disease"),
        on_delete=models.PROTECT,
        related_name="protocols",
        default=COVID_19,
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    jurisdiction_code = models.CharField(
        _("applies to (jurisdiction code, empty for national)"),
        max_length=15,
        blank=True,
        db_index=True,
    )
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source document"), max_length=300, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    rules = models.JSONField(_("rules"))
    notes = models.TextField(_("notes"), blank=True)

    objects: ClassVar[InheritedScopeQuerySet] = InheritedScopeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["disease_id", "jurisdiction_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["disease", "jurisdiction_code", "effective_from"],
                name="one_protocol_per_disease_day_and_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return detail_url("protocols:protocol_detail", self.pk)

    @property
    def is_national(self) -> bool:
        return self.jurisdiction_code == ""

"""Protocols as data: versioned rule sets with effective dates.

The figures of the published protocols live here, never in code: other apps ask ``rules`` for the
edition in force (docs/architecture.md, "Conventions every app follows").
"""

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.access import InheritedScopeQuerySet, ScopedModel
from pingji.geo.choices import CODE_LENGTH


def applicable_codes(code: str) -> list[str]:
    """The areas whose versions can apply to ``code``: national (""), each ancestor, itself."""
    return [
        "",
        *(code[:n] for n in CODE_LENGTH.values() if n < len(code)),
        *([code] if code else []),
    ]


class Protocol(ScopedModel):
    """A version of the prevention and control rules, in force for a jurisdiction from a date.

    ``rules`` holds every figure (regimes, test days, windows, lifting criteria, deadlines, pooling)
    as JSON, each rule with the clause it comes from (``protocols.rules`` validates the shape).
    The national editions belong to the root (code ""); a province copies one, amends it and sets
    its own effective date. ``protocol_for`` picks, for a jurisdiction and a day, the most specific
    version in force.
    """

    scope_field = "jurisdiction_code"

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
        ordering = ["jurisdiction_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction_code", "effective_from"], name="one_protocol_per_day_and_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("protocols:protocol_detail", args=[self.pk])

    @property
    def is_national(self) -> bool:
        return self.jurisdiction_code == ""

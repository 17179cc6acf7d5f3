"""The jurisdiction spine and the places people live and gather in."""

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel, ScopedQuerySet
from pingji.core.links import detail_url

from .choices import CODE_LENGTH, Level, PlaceKind


class JurisdictionQuerySet(ScopedQuerySet):
    def real(self):
        """Without the drill sandboxes: real figures never include drill data (decision 0020)."""
        return self.filter(drill=False)

    def drills(self):
        """Only the drill sandboxes (every node of a sandbox subtree carries the flag)."""
        return self.filter(drill=True)


class Jurisdiction(ScopedModel):
    """A node of province → city → county → township → community → grid.

    The primary key is the hierarchical code: the significant digits of the GB/T 2260 code (福建 35,
    莆田 3503, 仙游县 350322), the 9-digit NBS township code, then three digits per level below.
    Every descendant's code starts with its ancestor's, so "within my area" is a prefix match and
    every foreign key to a jurisdiction stores the code itself (decision 0001).
    """

    scope_field = "code"

    code = models.CharField(_("code"), max_length=15, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    reporting_unit = models.ForeignKey(
        "self",
        verbose_name=_("reporting unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit bulletins count this area under: its city, or Pingtan."),
    )
    population = models.PositiveBigIntegerField(_("population"), default=0)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry, GCJ-02)"), null=True, blank=True)
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    drill = models.BooleanField(
        _("drill sandbox"),
        default=False,
        db_index=True,
        help_text=_("Part of a drill's sandbox: its data never count in real figures."),
    )

    objects: ClassVar[models.Manager] = models.Manager.from_queryset(JurisdictionQuerySet)()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:jurisdiction_detail", args=[self.code])

    @property
    def gb_code(self) -> str:
        """The code as printed on documents: 6 digits zero-padded down to county (350300)."""
        return self.code.ljust(6, "0") if len(self.code) <= 6 else self.code

    @property
    def depth(self) -> int:
        return list(CODE_LENGTH.values()).index(len(self.code))

    def ancestor_codes(self) -> list[str]:
        """Codes of every ancestor, province first (derived from the code alone, no query)."""
        return [self.code[:n] for n in CODE_LENGTH.values() if n < len(self.code)]

    def ancestors(self) -> list["Jurisdiction"]:
        return list(Jurisdiction.objects.filter(code__in=self.ancestor_codes()).order_by("code"))

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)


class Place(ScopedModel):
    """A compound, building, venue, school, enterprise site, quarantine site or checkpoint.

    Every place lies in one grid, so the grid worker, the community and every level above find it
    by the same prefix rule. A building belongs to its compound through ``parent``.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="places"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["jurisdiction_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("geo:place_detail", self.pk)

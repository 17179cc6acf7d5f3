"""Transmission chains: infector → infectee links with their evidence, and named clusters.

A link is scoped to the infectee's case jurisdiction (the investigation that attributes the
infection owns it); a cluster to the jurisdiction that declared it — its links may reach into other
counties or cities (the Putian outbreak seeded Quanzhou and Xiamen), and each user sees the links
of their own area. Generations are not stored: they follow from the links (``chains.generations``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from ..choices import LinkEvidence


class Cluster(ScopedModel):
    """A named group of linked infections (a school chain, a factory cluster)."""

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    setting = models.CharField(_("setting"), max_length=12, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["jurisdiction_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="cluster_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("tracing:cluster_detail", self.pk)


class Link(ScopedModel):
    """One infection attributed to one infector, with the evidence for it.

    A case has at most one infector (the most likely; an alternative is a correction of the link),
    and never itself; cycles are refused by the action that writes links.
    """

    infector = models.ForeignKey(
        "cases.Case", verbose_name=_("infector"), on_delete=models.PROTECT, related_name="+"
    )
    infectee = models.OneToOneField(
        "cases.Case",
        verbose_name=_("infectee"),
        on_delete=models.PROTECT,
        related_name="infection_link",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("infectee's grid"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.CharField(_("evidence"), max_length=16, choices=LinkEvidence.choices)
    setting = models.CharField(_("setting"), max_length=12, blank=True)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links",
    )
    contact = models.ForeignKey(
        "tracing.Contact",
        verbose_name=_("contact record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    #: When the platform learned the link as it now stands (decision 0030's record time): the
    #: serial interval of day D uses only the links recorded by the end of D.
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("transmission link")
        verbose_name_plural = _("transmission links")
        ordering = ["jurisdiction_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(infector=F("infectee")), name="link_not_self")
        ]

    def __str__(self) -> str:
        return f"{self.infector} → {self.infectee}"

    def get_absolute_url(self) -> str:
        return detail_url("tracing:link_detail", self.pk)

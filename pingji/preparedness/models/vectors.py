"""Household larval surveys of Aedes mosquitoes by grid, read against dengue's vector rules.

A grid worker counts, in one grid on one day, the houses inspected, the houses with a container
holding larvae and those containers. The indices are computed, never stored: the rule pack in
force decides which one is watched and where its levels lie (``preparedness.vectors``), and a
stored figure would outlive a correction of the pack.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel

from ..choices import ReportSource


class VectorSurvey(ScopedModel):
    """One grid's household larval survey on a day; one per grid and day.

    ``task`` is the mosquito-control task this survey raised (its index at or above the pack's
    target); a later survey of the grid below the target closes it.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    houses_inspected = models.PositiveIntegerField(_("houses inspected"))
    houses_positive = models.PositiveIntegerField(_("houses with larvae"))
    containers_positive = models.PositiveIntegerField(_("containers with larvae"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices)
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("mosquito-control task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mosquito larval survey")
        verbose_name_plural = _("mosquito larval surveys")
        ordering = ["-day", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="vector_one_per_grid_day"),
            models.CheckConstraint(
                condition=Q(houses_inspected__gte=1), name="vector_some_houses_inspected"
            ),
            models.CheckConstraint(
                condition=Q(houses_positive__lte=F("houses_inspected")),
                name="vector_positive_within_inspected",
            ),
            # every positive house has at least one positive container
            models.CheckConstraint(
                condition=Q(containers_positive__gte=F("houses_positive")),
                name="vector_containers_cover_houses",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day}: BI {self.breteau_index:.1f}"

    @property
    def breteau_index(self) -> float:
        """Containers with larvae per 100 houses inspected (Breteau, 1954)."""
        return 100 * self.containers_positive / self.houses_inspected

    @property
    def house_index(self) -> float:
        """The share of houses inspected with larvae, in per cent."""
        return 100 * self.houses_positive / self.houses_inspected

"""Response mode per jurisdiction (平急转换): the history of switches peacetime ⇄ emergency."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import InheritedScopeQuerySet, ScopedModel

from ..choices import Mode, ResponseLevel


class ModeSwitch(ScopedModel):
    """One switch of a jurisdiction's mode, with who, when and why.

    The current mode of a jurisdiction is its latest switch, or else the one it inherits from the
    nearest ancestor that switched (``modes.mode_for``). Rows are never edited: the history stays.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="mode_switches",
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    level = models.CharField(
        _("response level"), max_length=3, choices=ResponseLevel.choices, blank=True
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_at = models.DateTimeField(_("effective at"), default=clock.now, db_index=True)

    objects: ClassVar[InheritedScopeQuerySet] = InheritedScopeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("mode switch")
        verbose_name_plural = _("mode switches")
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        level = f" {self.level}" if self.level else ""
        return f"{self.jurisdiction}: {self.get_mode_display()}{level}"

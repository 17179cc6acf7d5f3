"""Drills: the plan, the sandbox a drill runs in, the timing of its steps and its findings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.protocols.models import COVID_19

from ..choices import DrillKind, DrillStatus, DrillStep


class Drill(ScopedModel):
    """A tabletop, functional or full-scale drill of a county (decision 0020).

    ``sandbox`` is the drill's own township-level subtree under the county (code ``<county>9NN``,
    every node flagged ``Jurisdiction.drill``): the scripted outbreak and everything the
    participants do about it live there, so real figures never include them, and removing the
    drill data deletes that subtree. ``report`` keeps the step timings after removal.
    A drill with a ``partner`` county opens a second sandbox under it (``partner_sandbox_code``)
    where the scripted contact lives, so the dispatch to it runs for real (decision 0020).
    ``protocol`` is the version the drill runs under, bound to its sandboxes when it starts (the
    real county keeps the one in force): a county in peacetime practises the next outbreak.
    ``disease`` is the scenario's (decision 0041): the protocol version is one of its, the
    scripted case is one of it, and readiness counts the drill for it.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    disease = models.ForeignKey(
        "protocols.Disease",
        verbose_name=_("disease"),
        on_delete=models.PROTECT,
        related_name="+",
        default=COVID_19,
        help_text=_("The disease the scenario practises; its rule packs and reserves apply."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DrillKind.choices)
    scenario = models.TextField(_("scenario"), max_length=4000)
    participants = models.TextField(_("participants"), blank=True, max_length=2000)
    planned_for = models.DateTimeField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    sandbox = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("sandbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sandbox_code = models.CharField(_("sandbox code"), max_length=15, blank=True)
    partner = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("receiving county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Another county that receives the drill's dispatched contact in a sandbox."),
    )
    # a code like ``sandbox_code``: kept after removal, when the sandbox row is gone
    partner_sandbox_code = models.CharField(_("receiving sandbox code"), max_length=15, blank=True)
    protocol = models.ForeignKey(
        "protocols.Protocol",
        verbose_name=_("protocol version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The version the drill practises (the next outbreak's rules); empty: the one in force "
            "for the county when the drill starts."
        ),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_for", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("preparedness:drill_detail", self.pk)


class DrillStepRecord(ScopedModel):
    """When a key step of a drill was done, where the real workflow leaves no event to time it.

    Used for steps practised outside the system (a tabletop), or a dispatch in a drill without a
    receiving county (a dispatch to a real county is refused, decision 0020).
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    drill = models.ForeignKey(
        Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=24, choices=DrillStep.choices)
    done_at = models.DateTimeField(_("done at"))

    class Meta:
        verbose_name = _("drill step")
        verbose_name_plural = _("drill steps")
        ordering = ["drill_id", "done_at"]
        constraints = [models.UniqueConstraint(fields=["drill", "step"], name="drill_step_once")]

    def __str__(self) -> str:
        return f"{self.drill_id} {self.get_step_display()}"


class DrillFinding(ScopedModel):
    """A weakness a drill showed; its improvement task tracks the fix (open until verified)."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    drill = models.ForeignKey(
        Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="findings"
    )
    text = models.CharField(_("finding"), max_length=500)
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("improvement task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("drill finding")
        verbose_name_plural = _("drill findings")
        ordering = ["drill_id", "id"]

    def __str__(self) -> str:
        return self.text[:80]

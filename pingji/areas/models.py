"""Risk areas (封控/管控/防范, later high/medium/low), their transitions, daily evaluations, the
published lists, and checkpoints (通道管控) with their daily records and lifting plans.

An area's level changes only through a ``Transition`` that was proposed, approved at the level the
protocol's practice requires and published (docs/decisions/0014); its whole history is those rows
plus their domain events. Every row carries the jurisdiction it belongs to, so scoping is one
indexed column (a prefix match on the jurisdiction code, decision 0001).
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.core.models import user_fk

from .choices import (
    AreaStatus,
    CheckpointKind,
    CheckpointStatus,
    MeasureChangeKind,
    MeasureKind,
    MeasureStatus,
    RiskLevel,
    StepCondition,
    TransitionKind,
    TransitionStatus,
    Verdict,
)
from .measure_settings import describe


def _jurisdiction_fk(verbose_name=None):
    return models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=verbose_name or _("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )


class RiskArea(ScopedModel):
    """A delineated area at a protocol level, with its extent, measures and legal basis.

    The extent is a set of places (compounds, buildings) and jurisdictions (communities, townships,
    grids); ``jurisdiction`` is the level that decided it and must contain the whole extent.
    ``level`` is the level in force (or proposed, before publication); ``came_from`` the level it
    was stepped down from, because the 9th edition lifts a medium area that was high before after 3
    days instead of 7 (``protocols.rules.lifting``).
    """

    jurisdiction = _jurisdiction_fk(_("deciding jurisdiction"))
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=RiskLevel.choices)
    came_from = models.CharField(
        _("stepped down from"), max_length=12, choices=RiskLevel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AreaStatus.choices, default=AreaStatus.PROPOSED
    )
    measures = models.TextField(_("measures"), max_length=2000, blank=True)
    legal_basis = models.CharField(_("legal basis (order number)"), max_length=200)
    protocol = models.ForeignKey(
        "protocols.Protocol",
        verbose_name=_("protocol applied"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    places = models.ManyToManyField(
        "geo.Place", verbose_name=_("places"), blank=True, related_name="risk_areas"
    )
    jurisdictions = models.ManyToManyField(
        "geo.Jurisdiction",
        verbose_name=_("jurisdictions in the extent"),
        blank=True,
        related_name="risk_areas",
    )
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = user_fk(_("decided by"))
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    level_since = models.DateTimeField(_("at this level since"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["jurisdiction_id", "name", "id"]
        indexes = [models.Index(fields=["status", "jurisdiction"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("areas:area_detail", self.pk)


class Transition(ScopedModel):
    """One change of an area's level — designation, raise, step-down or lifting — and its approval.

    ``criteria_met`` and ``evidence`` freeze what the evaluation said when it was proposed; a
    transition the criteria did not support carries ``override`` and its ``justification``, which
    the audit trail keeps: an override is allowed, but only with a justification on record.
    """

    area = models.ForeignKey(
        RiskArea, verbose_name=_("risk area"), on_delete=models.CASCADE, related_name="transitions"
    )
    jurisdiction = _jurisdiction_fk()
    kind = models.CharField(_("kind"), max_length=12, choices=TransitionKind.choices)
    from_level = models.CharField(
        _("from level"), max_length=12, choices=RiskLevel.choices, blank=True
    )
    to_level = models.CharField(
        _("to level"),
        max_length=12,
        choices=RiskLevel.choices,
        blank=True,
        help_text=_("Empty when the area is lifted."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransitionStatus.choices,
        default=TransitionStatus.PROPOSED,
    )
    protocol = models.ForeignKey(
        "protocols.Protocol",
        verbose_name=_("protocol applied"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clause = models.CharField(_("clause"), max_length=300, blank=True)
    criteria_met = models.BooleanField(_("criteria met"), default=False)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    override = models.BooleanField(_("override"), default=False)
    justification = models.TextField(_("justification"), max_length=4000, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    legal_basis = models.CharField(_("legal basis (order number)"), max_length=200, blank=True)
    effective_at = models.DateTimeField(_("takes effect at"))
    proposed_by = user_fk(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=clock.now)
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publication = models.ForeignKey(
        "Publication",
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transitions",
    )

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["-proposed_at", "-id"]
        permissions = [("approve_transition", _("Can approve risk-area transitions"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(override=False) | ~Q(justification=""),
                name="transition_override_is_justified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return detail_url("areas:transition_detail", self.pk)


class Evaluation(ScopedModel):
    """What the lifting criteria said of one area at the end of one day (one row per area-day).

    Stored, not recomputed, so that "held past eligibility" can be told from the day the area first
    became eligible, and so that a past day reads as it was judged then.
    """

    #: Written by the daily evaluation from the audited records it judges, one upsert per run
    #: (``actions.evaluations``); the run's findings are the record, not a change log per row.
    audited = False

    area = models.ForeignKey(
        RiskArea, verbose_name=_("risk area"), on_delete=models.CASCADE, related_name="evaluations"
    )
    jurisdiction = _jurisdiction_fk()
    day = models.DateField(_("day"))
    level = models.CharField(_("level"), max_length=12, choices=RiskLevel.choices)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    to_level = models.CharField(
        _("next level"), max_length=12, choices=RiskLevel.choices, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    earliest_on = models.DateField(_("earliest possible date"), null=True, blank=True)
    eligible_since = models.DateField(_("eligible since"), null=True, blank=True)
    last_infection_on = models.DateField(_("last new infection"), null=True, blank=True)
    clause = models.CharField(_("clause"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-day", "area_id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="evaluation_once_per_area_day")
        ]
        indexes = [models.Index(fields=["jurisdiction", "day"])]

    def __str__(self) -> str:
        return f"{self.area} · {self.day} · {self.get_verdict_display()}"


class Publication(ScopedModel):
    """A published list of the areas, checkpoints and society-wide measures in force in a
    jurisdiction, frozen as issued.

    The public page shows the latest publication of each publishing jurisdiction; earlier ones are
    the archive. The snapshot is what was published, whatever happened to the rows afterwards.
    """

    jurisdiction = _jurisdiction_fk(_("publishing jurisdiction"))
    number = models.PositiveIntegerField(_("number"))
    published_at = models.DateTimeField(_("published at"))
    published_by = user_fk(_("published by"))
    areas = models.JSONField(_("areas"), default=list, blank=True)
    checkpoints = models.JSONField(_("checkpoints"), default=list, blank=True)
    #: The society-wide measures in force (and those this list lifts), docs/decisions/0047.
    measures = models.JSONField(_("society-wide measures"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    # The snapshot's rows with labels in the reader's language, attached for the public pages
    # by ``views.public.for_display`` (not stored).
    area_rows: list[dict[str, Any]]
    checkpoint_rows: list[dict[str, Any]]
    measure_rows: list[dict[str, Any]]

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "number"], name="publication_number_per_jurisdiction"
            )
        ]

    def __str__(self) -> str:
        return _("List %(number)s of %(name)s") % {
            "number": self.number,
            "name": self.jurisdiction_id,
        }

    def get_absolute_url(self) -> str:
        return detail_url("areas:publication_detail", self.pk)


class Checkpoint(ScopedModel):
    """A highway exit, port or station under 通道管控: the rules it enforces and its status.

    ``areas`` are the risk areas it serves; its lifting plan (``LiftingStep``) is tied to them.
    """

    jurisdiction = _jurisdiction_fk()
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CheckpointKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CheckpointStatus.choices,
        default=CheckpointStatus.ACTIVE,
    )
    rules = models.CharField(_("rules enforced"), max_length=500)
    test_within_hours = models.PositiveSmallIntegerField(
        _("negative test within (hours)"), null=True, blank=True
    )
    areas = models.ManyToManyField(
        RiskArea, verbose_name=_("areas served"), blank=True, related_name="checkpoints"
    )
    legal_basis = models.CharField(_("legal basis (order number)"), max_length=200, blank=True)
    since = models.DateTimeField(_("status since"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["jurisdiction_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("areas:checkpoint_detail", self.pk)


class CheckpointDay(ScopedModel):
    """One day's record at a checkpoint: vehicles and people checked, people turned back."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="days"
    )
    jurisdiction = _jurisdiction_fk()
    day = models.DateField(_("day"))
    vehicles = models.PositiveIntegerField(_("vehicles checked"), default=0)
    persons = models.PositiveIntegerField(_("people checked"), default=0)
    turned_back = models.PositiveIntegerField(_("people turned back"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = user_fk(_("recorded by"))

    class Meta:
        verbose_name = _("checkpoint day")
        verbose_name_plural = _("checkpoint days")
        ordering = ["-day", "checkpoint_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "day"], name="checkpoint_day_once"),
            models.CheckConstraint(
                condition=Q(turned_back__lte=models.F("persons")),
                name="checkpoint_turned_back_within_checked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} · {self.day}"


class LiftingStep(ScopedModel):
    """One step of a checkpoint's lifting plan: the status it moves to and when it may."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="steps"
    )
    jurisdiction = _jurisdiction_fk()
    sequence = models.PositiveSmallIntegerField(_("step"))
    to_status = models.CharField(_("moves to"), max_length=10, choices=CheckpointStatus.choices)
    condition = models.CharField(_("condition"), max_length=20, choices=StepCondition.choices)
    not_before = models.DateField(_("not before"), null=True, blank=True)
    rules = models.CharField(_("rules after the step"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = user_fk(_("done by"))

    class Meta:
        verbose_name = _("lifting step")
        verbose_name_plural = _("lifting steps")
        ordering = ["checkpoint_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "sequence"], name="lifting_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} · {self.sequence}"


class Measure(ScopedModel):
    """A society-wide measure (社会面管控措施) of a city, county or township: a kind and its
    machine-readable ``setting`` (``measure_settings``), which the simulator reads as an
    intervention and reopening as a control.

    Like an area, it changes only through a ``MeasureChange`` proposed, approved and published
    (docs/decisions/0047-society-wide-measures.md); ``setting`` is the setting in force (or
    proposed, before publication) and its history is the published changes.
    """

    jurisdiction = _jurisdiction_fk()
    kind = models.CharField(_("kind"), max_length=24, choices=MeasureKind.choices)
    setting = models.JSONField(_("setting"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    legal_basis = models.CharField(_("legal basis (order number)"), max_length=200)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = user_fk(_("decided by"))
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    setting_since = models.DateTimeField(_("at this setting since"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("society-wide measure")
        verbose_name_plural = _("society-wide measures")
        ordering = ["jurisdiction_id", "kind", "id"]
        indexes = [models.Index(fields=["status", "jurisdiction"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.jurisdiction_id}"

    def get_absolute_url(self) -> str:
        return detail_url("areas:measure_detail", self.pk)

    def setting_text(self) -> str:
        """The setting in words, in the reader's language."""
        return describe(self.kind, self.setting)


class MeasureChange(ScopedModel):
    """One change of a measure — designation, a stricter or a less strict setting, lifting — with
    the situation it was proposed in (``evidence``, frozen) and its approval (four eyes, as
    transitions: docs/decisions/0014)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="changes"
    )
    jurisdiction = _jurisdiction_fk()
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureChangeKind.choices)
    from_setting = models.JSONField(_("from setting"), default=dict, blank=True)
    to_setting = models.JSONField(
        _("to setting"), default=dict, blank=True, help_text=_("Empty when the measure is lifted.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransitionStatus.choices,
        default=TransitionStatus.PROPOSED,
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    legal_basis = models.CharField(_("legal basis (order number)"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    effective_at = models.DateTimeField(_("takes effect at"))
    proposed_by = user_fk(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=clock.now)
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_changes",
    )

    class Meta:
        verbose_name = _("measure change")
        verbose_name_plural = _("measure changes")
        ordering = ["-proposed_at", "-id"]
        permissions = [("approve_measurechange", _("Can approve changes of society-wide measures"))]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_kind_display()}"

    def to_setting_text(self) -> str:
        return describe(self.measure.kind, self.to_setting)

    def from_setting_text(self) -> str:
        return describe(self.measure.kind, self.from_setting) if self.from_setting else "—"

    def get_absolute_url(self) -> str:
        return detail_url("areas:measure_change_detail", self.pk)

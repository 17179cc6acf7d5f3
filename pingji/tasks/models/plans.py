"""Work plans (工作方案): a template with required sections, and each jurisdiction's plan."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import InheritedScopeQuerySet, ScopedModel
from pingji.core.links import detail_url

from ..choices import PlanStatus
from .directives import SourcedWork


class PlanTemplate(ScopedModel):
    """What a level asks every jurisdiction of a level below it to plan, by when.

    ``sections`` is a list of ``{"key", "title", "required", "guidance"}``; a plan cannot be
    submitted with a required section empty. ``level`` says who must submit (every city, every
    county) within the template's jurisdiction, so "who has not submitted" is a plain difference.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("issuing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="plan_templates",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("submitted by every"), max_length=10)
    sections = models.JSONField(_("sections"), default=list)
    due = models.DateTimeField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    #: The levels asked for a plan must read the template: seen below, written only by its level.
    objects: ClassVar[InheritedScopeQuerySet] = InheritedScopeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["-due", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("tasks:plantemplate_detail", self.pk)

    @property
    def required_keys(self) -> list[str]:
        return [s["key"] for s in self.sections if s.get("required")]

    def submissions(self) -> list[dict]:
        """Every jurisdiction asked for a plan: its plan (or None), status and what is missing.

        Two queries: the jurisdictions of ``level`` under the issuer, and the plans in.
        """
        from pingji.geo.models import Jurisdiction

        places = (
            Jurisdiction.objects.filter(level=self.level, code__startswith=self.jurisdiction_id)
            .only("code", "name")
            .order_by("code")
        )
        plans = {p.jurisdiction_id: p for p in self.plans.all()}
        out = []
        for place in places:
            plan = plans.get(place.code)
            if plan is None:
                missing = [s["title"] for s in self.sections if s.get("required")]
            else:
                missing = [self.section_title(k) for k in plan.missing_sections()]
            out.append(
                {
                    "jurisdiction": place,
                    "plan": plan,
                    "submitted": plan is not None and plan.status == PlanStatus.SUBMITTED,
                    "missing": missing,
                    "measures": len(plan.measures) if plan is not None else 0,
                }
            )
        return out

    def section_title(self, key: str) -> str:
        return next((s["title"] for s in self.sections if s["key"] == key), key)


class WorkPlan(SourcedWork, ScopedModel):
    """One jurisdiction's plan after a template: its text by section, and its measures.

    ``measures`` is a list of ``{"title", "owner", "deadline"}`` while the plan is a draft; on
    submission each becomes a task (kind ``plan-measure``) attached to the plan. The level that
    asked for the plan may send a submitted one back with a reason (``returned_*`` keep the last
    one; every return is a ``tasks.plan_returned`` event): it is then edited and submitted again.
    """

    template = models.ForeignKey(
        PlanTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="plans"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    sections = models.JSONField(_("sections"), default=dict)
    measures = models.JSONField(_("measures"), default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason sent back"), blank=True, max_length=2000)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["template", "jurisdiction"]
        permissions = [("return_workplan", _("Can send a submitted work plan back for revision"))]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "jurisdiction"], name="tasks_workplan_one_per_jurisdiction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.title} · {self.jurisdiction.name}"

    def get_absolute_url(self) -> str:
        return detail_url("tasks:workplan_detail", self.pk)

    def missing_sections(self) -> list[str]:
        """The template's required sections this plan leaves empty (keys, template order)."""
        return [k for k in self.template.required_keys if not (self.sections.get(k) or "").strip()]

"""Problem lists (问题清单) from an inspection, and their items rectified as tasks (整改)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from .directives import SourcedWork


class ProblemList(SourcedWork, ScopedModel):
    """The problems an inspection found (e.g. the national work group's list for Fujian).

    ``jurisdiction`` is the level that issued the list and verifies the rectification; the
    items name the responsible units below it.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("issuing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="problem_lists",
    )
    title = models.CharField(_("title"), max_length=200)
    inspection = models.CharField(
        _("inspection"), max_length=200, help_text=_("Who inspected, e.g. the national work group.")
    )
    inspected_on = models.DateField(_("inspected on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("problem list")
        verbose_name_plural = _("problem lists")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("tasks:problemlist_detail", self.pk)

    def tasks(self):
        from .task import Task

        return Task.objects.filter(problem_item__problem_list=self)


class ProblemItem(ScopedModel):
    """One problem, the unit responsible, the measures and the deadline.

    The rectification runs as the item's ``task`` (kind ``rectification``): the unit submits
    evidence, the issuing level closes it (对账销号) or sends it back, and an overdue item climbs
    the tree (挂牌督办, decision 0005).
    """

    problem_list = models.ForeignKey(
        ProblemList, verbose_name=_("problem list"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveIntegerField(_("number"))
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="problem_items",
    )
    problem = models.TextField(_("problem"))
    measures = models.TextField(_("rectification measures"))
    deadline = models.DateTimeField(_("deadline"))
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("rectification task"),
        on_delete=models.PROTECT,
        related_name="problem_item",
    )

    class Meta:
        verbose_name = _("problem item")
        verbose_name_plural = _("problem items")
        ordering = ["problem_list", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem_list", "number"], name="tasks_problemitem_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.problem[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.task_id])

"""A scenario (科学评估): a jurisdiction's state on a day and a plan of changes by date, with the
parameters of its ensemble; and its runs, each with the inputs it read and, once finished, its
results (docs/scenarios.md, docs/decisions/0048).

A run is the unit of work: queued, running, finished or failed. Its results are written in the
same statement that marks it finished, so a run that failed, or is still running, holds none; a
database constraint keeps it so whatever writes the row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.core.models import user_fk

from .choices import RunStatus

#: The age vaccination starts at unless a scenario says otherwise: China's 2021 programme
#: covered ages 12 and over.
VACCINATED_FROM_AGE = 12


class Scenario(ScopedModel):
    """What a command centre asks: "if we change these on those dates, what follows?".

    ``plan`` is the list of changes, checked and normalised by ``plan.clean_plan`` when the
    scenario is created (a measure not in force, a date before ``state_day``, a setting that is
    not a step down are refused there, before anything runs).
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    state_day = models.DateField(_("state on"))
    plan = models.JSONField(_("plan of changes"), default=list, blank=True)
    days = models.PositiveSmallIntegerField(_("days simulated"))
    runs = models.PositiveSmallIntegerField(_("ensemble size"))
    threshold = models.PositiveIntegerField(_("rebound threshold (new infections a day)"))
    seed = models.PositiveIntegerField(_("seed"))
    importation = models.FloatField(_("imported infections a day"), default=0.0)
    stay_days = models.PositiveSmallIntegerField(_("days a case holds a bed"))
    #: Two doses for this share of the residents aged ``vaccinated_from_age`` and over, at random
    #: (no registry holds doses): China's 2021 schedule was two doses of inactivated vaccine.
    vaccinated_share = models.FloatField(_("share vaccinated (two doses)"), default=0.0)
    vaccinated_from_age = models.PositiveSmallIntegerField(
        _("vaccinated from age"), default=VACCINATED_FROM_AGE
    )
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    #: What a user gives to make a scenario (``actions.do_create_scenario``'s arguments): the
    #: form, the API and ``pingji simulate`` take these and no other.
    GIVEN = (
        "jurisdiction",
        "name",
        "state_day",
        "plan",
        "days",
        "runs",
        "threshold",
        "seed",
        "importation",
        "stay_days",
        "vaccinated_share",
        "vaccinated_from_age",
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=14, days__lte=180), name="scenario_days_in_range"
            ),
            models.CheckConstraint(
                condition=Q(runs__gte=1, runs__lte=200), name="scenario_runs_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("scenarios:scenario_detail", self.pk)

    def latest_finished(self):
        return self.runs_made.filter(status=RunStatus.FINISHED).order_by("-id").first()


class Run(ScopedModel):
    """One ensemble of a scenario, run as a background job (``jobs.run_scenario``).

    ``inputs`` records what the run read (population digest and recipe, pathogen pack, version
    and variant, measures and areas in force, regime, delays, the simulator scenario's digest,
    the seeds), so that it can be reproduced; ``results`` is set only when it finished.
    """

    #: The arrays are the run's output, not a user's edit: the change log records the status.
    audit_exclude = ("inputs", "results")

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="runs_made"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, max_length=4000)
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=RunStatus.FINISHED) & Q(results__isnull=False))
                | (~Q(status=RunStatus.FINISHED) & Q(results__isnull=True)),
                name="scenario_run_results_only_when_finished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return detail_url("scenarios:run_detail", self.pk)

"""Stored series: daily indicators, Rt estimates and forecasts per jurisdiction and day.

They are materialised from the domain events by ``actions.series.do_compute_series`` (a nightly
job and on demand), so the API, the daily report archive and later scoring read the numbers as
they were computed; the dashboard recomputes the indicators live (cheap) and checks nothing differs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel

from .choices import ForecastModel, SiSource


class DailyIndicator(ScopedModel):
    """One indicator of one jurisdiction on one day (flows: that day's; stocks: the 24:00 level).

    Only non-zero values are stored; a missing row reads as zero.
    """

    #: Computed from domain events, which are the record; recomputing logs nothing (core.audit).
    audited = False

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    key = models.CharField(_("indicator"), max_length=64)
    value = models.BigIntegerField(_("value"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("daily indicator")
        verbose_name_plural = _("daily indicators")
        ordering = ["jurisdiction_id", "day", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "key"], name="analytics_indicator_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["key", "day"])]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day} {self.key}={self.value}"


class SerialIntervalMixin(models.Model):
    si_mean = models.FloatField(_("serial interval mean (days)"))
    si_sd = models.FloatField(_("serial interval sd (days)"))
    si_source = models.CharField(
        _("serial interval source"), max_length=12, choices=SiSource.choices
    )
    si_pairs = models.PositiveIntegerField(_("linked pairs known by the day"), default=0)
    si_figure = models.CharField(_("disease pack figure used"), max_length=80, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


class RtEstimate(SerialIntervalMixin, ScopedModel):
    """Rt of the 7-day window ending on ``day`` (Cori et al. 2013 as EpiEstim, ``epi.rt``).

    Incidence is new local infections by report day; imported infections seed infectivity only.
    A window whose posterior is mostly prior (``epi.rt.sufficient``) is stored with
    ``insufficient_data`` set and no number: showing the prior as an estimate would mislead.
    The serial interval is the one known on ``day`` (``analytics.estimates.serial_intervals``).
    """

    #: Computed from domain events, which are the record; recomputing logs nothing (core.audit).
    audited = False

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("window end"))
    window_start = models.DateField(_("window start"))
    mean = models.FloatField(_("mean"), null=True, blank=True)
    std = models.FloatField(_("standard deviation"), null=True, blank=True)
    q025 = models.FloatField(_("2.5% quantile"), null=True, blank=True)
    q05 = models.FloatField(_("5% quantile"), null=True, blank=True)
    q25 = models.FloatField(_("25% quantile"), null=True, blank=True)
    q50 = models.FloatField(_("median"), null=True, blank=True)
    q75 = models.FloatField(_("75% quantile"), null=True, blank=True)
    q95 = models.FloatField(_("95% quantile"), null=True, blank=True)
    q975 = models.FloatField(_("97.5% quantile"), null=True, blank=True)
    insufficient_data = models.BooleanField(_("insufficient data"), default=False)

    class Meta:
        verbose_name = _("Rt estimate")
        verbose_name_plural = _("Rt estimates")
        ordering = ["jurisdiction_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="analytics_rt_once_a_day")
        ]

    def __str__(self) -> str:
        value = "insufficient data" if self.insufficient_data else f"{self.mean:.2f}"
        return f"Rt {self.jurisdiction_id} {self.day}: {value}"


class ForecastRun(SerialIntervalMixin, ScopedModel):
    """One model's forecast of new local infections for ``horizon`` days after ``issued_on``.

    ``points``: one ``{"day": ISO date, "q0.025": …, "q0.25": …, "q0.5": …, "q0.75": …,
    "q0.975": …}`` per day ahead (``epi.forecast``); scored later against what was reported.
    """

    #: Computed from domain events, which are the record; recomputing logs nothing (core.audit).
    audited = False

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    issued_on = models.DateField(_("last day observed"))
    horizon = models.PositiveSmallIntegerField(_("horizon (days)"))
    model = models.CharField(
        _("model"), max_length=12, choices=ForecastModel.choices, default=ForecastModel.RENEWAL
    )
    r_mean = models.FloatField(_("Rt used (mean)"), null=True, blank=True)
    points = models.JSONField(_("forecast points"), default=list)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["jurisdiction_id", "issued_on", "horizon", "model"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "issued_on", "horizon", "model"],
                name="analytics_forecast_once_per_model",
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.issued_on} +{self.horizon}d ({self.model})"

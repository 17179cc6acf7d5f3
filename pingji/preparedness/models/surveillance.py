"""Daily surveillance reports and the early-warning rules that read them."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from ..choices import AlertStatus, ReportSource, Signal, SiteKind, WarningMethod


class SurveillanceSite(ScopedModel):
    """A fever clinic, pharmacy or sentinel site that reports a signal every day."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    signal = models.CharField(_("signal"), max_length=20, choices=Signal.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("surveillance site")
        verbose_name_plural = _("surveillance sites")
        ordering = ["jurisdiction_id", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("preparedness:site_detail", self.pk)


class SurveillanceReport(ScopedModel):
    """One day's count of a site's signal (visits, packs sold, ILI visits); one per site and day."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        SurveillanceSite,
        verbose_name=pgettext_lazy("surveillance", "site"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    day = models.DateField(_("day"))
    value = models.PositiveIntegerField(_("count"))
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices)

    class Meta:
        verbose_name = _("surveillance report")
        verbose_name_plural = _("surveillance reports")
        ordering = ["-day", "site_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="report_one_per_site_day")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day}: {self.value}"


class WarningRule(ScopedModel):
    """An early-warning rule for one signal, applied to every county in its jurisdiction.

    A county's signal on a day (the sum over its sites) is judged by the rule's ``method``. With
    historical limits it raises an alert when it exceeds the mean of the same weekday over the
    last ``baseline_weeks`` weeks by ``ratio`` and by at least ``min_increase`` — the "increase
    over the baseline of past weeks" (Stroup et al., Stat Med 1989). The statistical methods
    (EARS, CUSUM: ``preparedness.early_warning``) set their own bound from the days before; the
    ``min_increase`` over those days' mean still applies, so one more visit over a flat zero is
    not an outbreak. The thresholds are meant to be edited by the county or city that owns it.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signal = models.CharField(_("signal"), max_length=20, choices=Signal.choices)
    method = models.CharField(
        _("method"), max_length=10, choices=WarningMethod.choices, default=WarningMethod.LIMITS
    )
    baseline_weeks = models.PositiveSmallIntegerField(
        _("baseline weeks"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    ratio = models.DecimalField(
        _("ratio over baseline"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("1.01")), MaxValueValidator(Decimal("20"))],
    )
    min_increase = models.PositiveIntegerField(_("minimum increase"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("early-warning rule")
        verbose_name_plural = _("early-warning rules")
        ordering = ["jurisdiction_id", "signal"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "signal"], name="rule_one_per_signal")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.get_signal_display()} × {self.ratio}"

    def get_absolute_url(self) -> str:
        return detail_url("preparedness:rule_detail", self.pk)


class Alert(ScopedModel):
    """A county's signal over its baseline on a day: work for the county, maybe a mode switch."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        WarningRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="alerts"
    )
    day = models.DateField(_("day"))
    value = models.PositiveIntegerField(_("count"))
    baseline = models.FloatField(_("baseline"))
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mode_switch = models.ForeignKey(
        "command.ModeSwitch",
        verbose_name=_("mode switch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-day", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "rule", "day"], name="alert_one_per_county_rule_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.rule.get_signal_display()} {self.day}"

    def get_absolute_url(self) -> str:
        return detail_url("preparedness:alert_detail", self.pk)

"""After-action reviews (总结反思) of an outbreak in a jurisdiction."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from .directives import SourcedWork


class Review(SourcedWork, ScopedModel):
    """A review of an outbreak: its timeline (read from the domain events), what worked, the gaps.

    The timeline is not stored: it is assembled from ``core.DomainEvent`` of the jurisdiction's
    subtree in ``[period_start, period_end]`` (``tasks.reviews.timeline``), so it always says what
    the system recorded. Improvement items become tasks (kind ``improvement``) attached here.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    worked = models.TextField(_("what worked"), blank=True)
    gaps = models.TextField(_("gaps found"), blank=True)
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
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("tasks:review_detail", self.pk)

    @property
    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes: from the start day's midnight to the end day's close."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.period_start, datetime.time.min, tz)
        end = datetime.datetime.combine(
            self.period_end + datetime.timedelta(days=1), datetime.time.min, tz
        )
        return start, end

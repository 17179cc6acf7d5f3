"""The meetings of a headquarters: where decisions are taken that every level must carry out."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from ..choices import HeadquartersLevel


class Meeting(ScopedModel):
    """One meeting of the headquarters of a jurisdiction (e.g. the provincial 指挥部, 26 Sep 2021).

    The meeting is the record of who decided what; the directives it issues to lower levels live
    in ``tasks`` (``tasks.Directive.meeting``) and are carried out as tasks, so this app does not
    depend on the task machinery.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    body = models.CharField(
        _("body"),
        max_length=10,
        choices=HeadquartersLevel.choices,
        default=HeadquartersLevel.HEADQUARTERS,
    )
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    chaired_by = models.CharField(_("chaired by"), max_length=100, blank=True)
    attendees = models.TextField(_("attendees"), help_text=_("One attendee or unit per line."))
    minutes = models.TextField(_("minutes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.held_at):%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return detail_url("command:meeting_detail", self.pk)

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

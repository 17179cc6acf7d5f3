"""Self-report links: a person at home records their own day's check, without an account.

The link is bound to one placement and holds no secret of its own: its token is the row's id and
an HMAC, under the server's secret key, of the id and a random nonce (docs/decisions/0043). A copy
of the database therefore opens no link, and a message sent again carries the same link.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.models import user_fk

from ..access import SiteScopedQuerySet
from ..choices import PlacementStatus
from .episodes import Placement, PlacementPart


class SelfReportLink(PlacementPart):
    """A personal link to the self-report page, valid until ``expires_at`` unless revoked."""

    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="self_report_links",
    )
    nonce = models.CharField(_("nonce"), max_length=32, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    issued_by = user_fk(_("issued by"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = user_fk(_("revoked by"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("reports made"), default=0)

    class Meta:
        verbose_name = _("self-report link")
        verbose_name_plural = _("self-report links")
        ordering = ["placement_id", "-issued_at"]

    def __str__(self) -> str:
        return f"{self.placement} ({self.issued_at:%Y-%m-%d})"

    @property
    def closed_because(self) -> str:
        """Why the link opens nothing now ("withdrawn", "ended", "expired"), or "" while live:
        the page tells the person which, and ``live`` is its absence."""
        if self.revoked_at is not None:
            return "withdrawn"
        if self.placement.status != PlacementStatus.ACTIVE:
            return "ended"
        if clock.now() >= self.expires_at:
            return "expired"
        return ""

    @property
    def live(self) -> bool:
        return not self.closed_because

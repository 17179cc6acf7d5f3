"""Self-report links: issue, revoke, find by token, and record a day's check through one.

A person under home monitoring may report their own temperature and symptoms from a phone,
without an account (docs/decisions/0043). The link's token is ``<id>.<mac>``: the MAC is an HMAC,
under the server's secret key, of the id and the row's random nonce, so nothing of the token is
stored, the same link can be sent again, and a changed secret key closes every link. The report
goes through ``monitoring.do_record_check``, the grid worker's own action, so a fever raises the
same alert and a missed day is missed whoever should have reported.
"""

import datetime
import hmac
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error, local_date, record_on
from pingji.core.actions import locked as locked_row
from pingji.core.messages import message

from ..choices import CheckSource, PlacementStatus, Setting
from ..contracts import SELF_REPORT_LINK_ISSUED, SELF_REPORT_LINK_REVOKED
from ..models import MonitoringCheck, Placement, SelfReportLink
from .followup import end_of
from .monitoring import do_record_check
from .placement import _user, locked

#: The longest a link lives, whatever the placement's end: a link is re-issued, not stretched.
MAX_DAYS = 28
#: A token longer than this is not ours; refused before any query.
MAX_TOKEN_LENGTH = 64


#: What the page tells the person when their link opens nothing any more, by why.
CLOSED = {
    "withdrawn": gettext_lazy("This link was withdrawn. Ask your grid worker for a new one."),
    "ended": gettext_lazy("Your health monitoring has ended; nothing more to report."),
    "expired": gettext_lazy("This link has expired. Ask your grid worker for a new one."),
}


class LinkRefused(Exception):
    """A token that opens nothing: unknown (404), or no longer usable, with why (410)."""

    def __init__(self, why: str, *, gone: bool):
        super().__init__(why)
        self.why, self.gone = why, gone


def token_for(link: SelfReportLink) -> str:
    """The link's token, recomputed from its row and the server's key (never stored)."""
    mac = salted_hmac("pingji.quarantine.self_report", f"{link.pk}:{link.nonce}").hexdigest()
    return f"{link.pk}.{mac[:32]}"


def path_for(link: SelfReportLink) -> str:
    """The link's path (``/quarantine/r/<token>/``); the sender adds the public host."""
    return reverse("quarantine:self_report", args=[token_for(link)])


def find_link(token: str) -> SelfReportLink:
    """The link a token opens, or ``LinkRefused`` saying why it opens nothing.

    Unknown and malformed tokens are refused alike, and the MAC is compared in constant time,
    so a probe learns nothing about which ids exist.
    """
    unknown = LinkRefused(_("This link is not valid."), gone=False)
    pk, dot, _mac = (token or "")[: MAX_TOKEN_LENGTH + 1].partition(".")
    if not dot or not pk.isdigit() or len(pk) > 18 or len(token) > MAX_TOKEN_LENGTH:
        raise unknown
    link = SelfReportLink.objects.select_related("placement__person").filter(pk=int(pk)).first()
    if link is None or not hmac.compare_digest(token_for(link), token):
        raise unknown
    closed = link.closed_because
    if closed:
        raise LinkRefused(str(CLOSED[closed]), gone=True)
    return link


def live_link(placement: Placement) -> SelfReportLink | None:
    """The placement's usable link, if it has one."""
    for link in placement.self_report_links.filter(revoked_at__isnull=True):
        if link.live:
            return link
    return None


def do_issue_link(placement: Placement, *, actor, days: int | None = None) -> SelfReportLink:
    """Give the person at home a link, valid to the end of monitoring (or ``days``, if sooner).

    Issuing again while a link is live returns that link: a message sent twice, or a worker
    tapping twice, gives the person one link, not two. ``actor`` None is the platform itself
    (a release message asking for the person's link).
    """
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise error("days", _("Between 1 and %(n)s days.") % {"n": MAX_DAYS}, "range")
    with transaction.atomic():
        placement = locked(placement, actor)
        _require_home(placement)
        existing = live_link(placement)
        if existing is not None:
            return existing
        now = clock.now()
        last = min(placement.planned_end_on, local_date(now) + datetime.timedelta(MAX_DAYS - 1))
        if days is not None:
            last = min(last, local_date(now) + datetime.timedelta(days - 1))
        link = SelfReportLink.objects.create(
            placement=placement,
            nonce=secrets.token_hex(16),
            issued_at=now,
            issued_by=_user(actor),
            expires_at=end_of(last),
        )
        if actor is not None:
            ensure_allowed(actor, link, "add")
        record_on(
            placement,
            SELF_REPORT_LINK_ISSUED,
            message(
                gettext_noop("%(name)s: self-report link issued until %(day)s"),
                {"name": placement.person.name, "day": last},
            ),
            actor=actor,
            payload={"link": link.pk, "expires_at": link.expires_at.isoformat()},
        )
    return link


def _require_home(placement: Placement) -> None:
    """Only a person at home with monitoring days left gets a link (a day past the end, before
    the nightly sweep has closed the placement, counts as ended)."""
    over = local_date(clock.now()) > placement.planned_end_on
    if over or placement.status != PlacementStatus.ACTIVE or placement.setting != Setting.HOME:
        raise conflict(
            "placement",
            _("Self-report is for people at home under monitoring; %(p)s is not.")
            % {"p": placement},
        )


def do_revoke_link(link: SelfReportLink, *, actor) -> SelfReportLink:
    """Close a link at once (a lost phone, a wrong number); a new one may be issued after."""
    with transaction.atomic():
        link = locked_row(link, actor, "change", outside=_("This link is outside your area."))
        if link.revoked_at is not None:
            raise conflict("link", _("This link was already withdrawn."))
        link.revoked_at, link.revoked_by = clock.now(), _user(actor)
        link.save(update_fields=["revoked_at", "revoked_by"])
        record_on(
            link.placement,
            SELF_REPORT_LINK_REVOKED,
            message(
                gettext_noop("%(name)s: self-report link withdrawn"),
                {"name": link.placement.person.name},
            ),
            actor=actor,
            payload={"link": link.pk},
        )
    return link


def do_self_report(token: str, *, temperature, symptoms=(), note: str = "") -> MonitoringCheck:
    """Record today's check from the person's own link: the grid worker's action, marked self.

    The link is found and checked again inside the transaction, so a link revoked a moment
    before the form was sent records nothing.
    """
    with transaction.atomic():
        link = find_link(token)
        link = SelfReportLink.objects.select_for_update().get(pk=link.pk)
        check = do_record_check(
            link.placement,
            actor=None,
            temperature=temperature,
            symptoms=symptoms,
            note=note,
            source=CheckSource.SELF,
        )
        link.uses, link.last_used_at = link.uses + 1, check.recorded_at
        link.save(update_fields=["uses", "last_used_at"])
    return check


def link_url_for(placement: Placement) -> str:
    """The path of the placement's live link, issued by the platform if it has none.

    For messages sent at release: the sender calls this when it sends, so the person gets the
    link that is live then (docs/decisions/0043).
    """
    return path_for(do_issue_link(placement, actor=None))

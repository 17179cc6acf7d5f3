"""Opt-outs (decision 0043, point 9): recorded with their source, honoured when a message is
queued, and only ever for information templates (``catalogue.Template.legal`` is never opted
out). A staff member records one for a recipient in their area; a resident's "TD" reply to an
SMS records one through the gateway's inbound callback (``receipts``), with no actor.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core.actions import error

from .. import addresses
from ..choices import Channel, OptOutSource, RecipientKind
from ..models import OptOut


def _visible(actor, recipient) -> bool:
    kind = addresses.kind_of(recipient)
    if kind == RecipientKind.USER:
        from pingji.core.access import colleagues

        return colleagues(actor).filter(pk=recipient.pk).exists()
    manager = type(recipient)._default_manager
    return manager.restrict(actor, "view").filter(pk=recipient.pk).exists()  # type: ignore[attr-defined]


def check_opt_out(recipient, *, channel: str, source: str, actor=None) -> None:
    """Refuse a channel or source that does not exist, or a recipient outside the actor's area."""
    if channel not in Channel.values:
        raise error("channel", _("Choose a channel."))
    if source not in OptOutSource.values:
        raise error("source", _("Say where the request came from."))
    if actor is None:
        return  # the gateway's inbound callback: the recipient was found by their own number
    if not actor.has_perm("messaging.add_optout") or not _visible(actor, recipient):
        raise PermissionDenied(_("This recipient is outside your area."))


def do_record_opt_out(
    recipient, *, channel: str, source: str, note: str = "", actor=None
) -> OptOut:
    """Record that ``recipient`` wants no information messages on ``channel``; idempotent (a
    second request keeps the first row and its source)."""
    check_opt_out(recipient, channel=channel, source=source, actor=actor)
    kind = addresses.kind_of(recipient)
    with transaction.atomic():
        row, _created = OptOut.objects.get_or_create(
            recipient_kind=kind,
            recipient_id=str(recipient.pk),
            channel=channel,
            defaults={
                "jurisdiction_code": addresses.scope_of(recipient),
                "recipient_label": addresses.label_of(recipient)[:200],
                "source": source,
                "note": (note or "").strip()[:300],
                "recorded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    return row

"""What a gateway tells us afterwards: delivery receipts, and replies that opt out.

A receipt names the gateway's receipt id (or our message id, which every gateway was given as
its idempotency key) and whether the message reached the handset. Each is applied once: a
receipt for a message already delivered or failed changes nothing, and one for an id we never
sent is reported back to the gateway, never an error of ours. A reply "TD" or "退订" to an SMS
records an opt-out of SMS information for every person registered at that number.
"""

from django.db import transaction
from django.db.models import Q

from pingji.core import clock
from pingji.people.models import Person

from ..choices import Channel, OptOutSource, Status
from ..models import Message
from .optouts import do_record_opt_out
from .outbox import history_entry

DELIVERED = {"delivered", "success", "ok"}
UNDELIVERED = {"undelivered", "failed", "rejected", "expired"}
#: Replies that mean "send me no more" (the carriers' convention and its Chinese form).
STOP_WORDS = {"TD", "T", "N", "退订", "取消"}


def _find(gateway: str, ref: str) -> Message | None:
    where = Q(gateway=gateway, receipt_id=ref)
    if ref.isdigit():
        where |= Q(gateway=gateway, pk=int(ref))
    return Message.objects.select_for_update().filter(where).order_by("id").first()


def apply_receipt(gateway: str, ref: str, state: str, detail: str = "") -> str:
    """Apply one receipt; answers ``updated``, ``unchanged``, ``unknown`` or ``invalid``."""
    state = (state or "").strip().lower()
    if state not in DELIVERED | UNDELIVERED:
        return "invalid"
    with transaction.atomic():
        row = _find(gateway, ref)
        if row is None:
            return "unknown"
        if row.status not in (Status.SENT, Status.SENDING):
            return "unchanged"
        if state in DELIVERED:
            row.status, row.delivered_at = Status.DELIVERED, clock.now()
            note = "delivery receipt"
        else:
            row.status, row.error = Status.FAILED, f"undelivered: {detail}"[:500]
            note = row.error
        row.history = [*row.history, history_entry(row.status, note)]
        row.save()
    return "updated"


def apply_inbound(sender: str, text: str) -> int:
    """A reply from ``sender``: an opt-out word opts every person at that number out of SMS
    information; anything else is ignored. Returns the opt-outs recorded."""
    if (text or "").strip().upper() not in STOP_WORDS:
        return 0
    count = 0
    for person in Person.objects.with_phone(sender):
        do_record_opt_out(
            person, channel=Channel.SMS, source=OptOutSource.REPLY, note=f"replied {text.strip()}"
        )
        count += 1
    return count

"""The code system's acknowledgements: by sequence, any order, any number of times.

An acknowledgement is never an error for the sender: a sequence it may not see or that does not
exist is reported ``unknown`` (the same answer, so it learns nothing of another county's feed), one
already acknowledged ``already``, and one acknowledged while an earlier instruction of its scope
still waits is accepted and reported ``out_of_order`` so the sender can see what it skipped.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.actions import error

from ..models import Instruction

#: Sequences one acknowledgement may name.
MAX_ACKS = 10_000


def parse_sequences(value) -> tuple[list[int], list[str]]:
    """(sequences, what could not be read) from a number, a list, or "1,2,3"."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    good, bad = [], []
    for item in items[: MAX_ACKS + 1]:
        text = str(item).strip()
        if text.isdigit() and len(text) < 19:
            good.append(int(text))
        elif text:
            bad.append(text[:30])
    if len(items) > MAX_ACKS:
        raise error("sequences", _("At most %(n)d sequences at a time.") % {"n": MAX_ACKS})
    return good, bad


def do_ack_instructions(sequences: list[int], *, actor) -> dict[str, list[int]]:
    """Mark the instructions acknowledged; report what each sequence was."""
    if not actor.has_perm("health_codes.change_instruction"):
        raise PermissionDenied(_("Your role cannot acknowledge code instructions."))
    wanted = sorted(set(sequences))
    with transaction.atomic():
        visible = Instruction.objects.restrict(actor, "change")
        rows = {
            r.sequence: r
            for r in visible.select_for_update()
            .filter(sequence__in=wanted)
            .only("pk", "sequence", "acked_at", "jurisdiction_id")
        }
        already = [s for s in wanted if s in rows and rows[s].acked_at is not None]
        new = [s for s in wanted if s in rows and rows[s].acked_at is None]
        waiting = visible.filter(acked_at__isnull=True).exclude(sequence__in=new)
        first_waiting = waiting.order_by("sequence").values_list("sequence", flat=True).first()
        out_of_order = [s for s in new if first_waiting is not None and s > first_waiting]
        if new:
            visible.filter(sequence__in=new).update(acked_at=clock.now())
    return {
        "acknowledged": new,
        "already": already,
        "unknown": [s for s in wanted if s not in rows],
        "out_of_order": out_of_order,
    }

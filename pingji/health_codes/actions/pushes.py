"""Receiving a pushed list: every row checked, matched, de-duplicated and given its outcome.

``do_receive_push`` is one transaction: the push row (unique by content, decision 0039 — the same
content received again returns the first push and writes nothing), its rows in one statement per
chunk (``core.rows.insert`` inside ``audit.loading``, one change-log entry per statement), the
dispatches of persons registered in another county of the province (``tracing``'s
``do_dispatch_person``, the push row as their source, so the receiving county's inbox shows where
they came from), and the event ``health_codes.push_received``. A failure anywhere leaves nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.tracing.actions.dispatch import do_dispatch_person

from .. import loading
from ..checks import Checked, check_row, phone_fields
from ..choices import Outcome, PushKind
from ..contracts import PUSH_RECEIVED
from ..models import Push, PushRow
from ..planning import keys_listed, persons_by_hash, plan


def receiving_of(actor) -> Jurisdiction:
    """The jurisdiction a push is received in: the actor's own (a bureau account is scoped)."""
    if not actor.has_perm("health_codes.add_push"):
        raise PermissionDenied(_("Your role cannot receive pushed lists."))
    code = getattr(actor, "jurisdiction_id", None)
    if not code:
        raise error("jurisdiction", _("A push is received by an account of a jurisdiction."))
    return Jurisdiction.objects.get(code=code)


def do_receive_push(
    kind: str,
    records: list[tuple[int, dict[str, str]]],
    *,
    content_hash: str,
    source: str,
    actor,
    sender: str = "",
    file_name: str = "",
) -> tuple[Push, bool]:
    """(the push, whether it is new). The same content received again is the first push."""
    if kind not in PushKind.values:
        raise error("kind", _("Unknown list kind."))
    receiving = receiving_of(actor)
    with transaction.atomic():
        known = Push.objects.filter(
            jurisdiction=receiving, kind=kind, content_hash=content_hash
        ).first()
        if known is not None:
            return known, False
        today = clock.today()
        checked = [check_row(n, c, kind, receiving.code[:2], today) for n, c in records]
        matches = persons_by_hash(r.id_hash for r in checked)
        keys = [r.dedup_key(kind) for r in checked if not r.reason_code]
        planned = plan(checked, kind, receiving.code, matches, keys_listed(receiving.code, keys))
        push = Push.objects.create(
            jurisdiction=receiving,
            kind=kind,
            source=source,
            sender=sender[:100],
            file_name=file_name[:200],
            content_hash=content_hash,
            rows=len(records),
            received_by=actor,
        )
        counts: dict[str, int] = {}
        dispatched: list[PushRow] = []
        for start in range(0, len(planned), loading.CHUNK):
            tuples = []
            for p in planned[start : start + loading.CHUNK]:
                counts[p[2]] = counts.get(p[2], 0) + 1
                if p[2] == Outcome.DISPATCHED:
                    dispatched.append(_row(push, *p, matches))
                else:
                    tuples.append(_tuple(push, *p, matches))
            loading.insert_rows(tuples, what=f"push {push.pk}", code=receiving.code)
        for row in dispatched:
            counts[row.outcome] -= 1
            _dispatch(row, actor)
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        push.counts = {o: n for o, n in counts.items() if n}
        push.save(update_fields=["counts"])
        record_event(
            PUSH_RECEIVED,
            message(
                gettext_noop("%(kind)s received: %(n)d row(s)"),
                {"kind": push.get_kind_display(), "n": push.rows},
            ),
            jurisdiction_code=receiving.code,
            subject=push,
            actor=actor,
            payload={"push": push.pk, "kind": kind, "rows": push.rows, "counts": push.counts},
            at=push.received_at,
        )
    return push, True


def _tuple(push: Push, row: Checked, key: str, outcome: str, code: str, reason: str, matches):
    """The row's values in ``loading.COLUMNS`` order (what ``_row`` would store)."""
    cipher, phone_hash, phone_masked = phone_fields(row.phone)
    match = matches.get(row.id_hash) if outcome != Outcome.REFUSED else None
    counted = outcome in (Outcome.PROPOSED, Outcome.DISPATCHED, Outcome.NOT_FOUND)
    return (
        push.pk, push.jurisdiction_id, row.line, row.name, row.id_hash, row.id_masked, cipher,
        phone_hash, phone_masked, row.region, row.colour, loading.adapt_time(row.at),
        loading.adapt_time(row.until), row.reference, match.person if match else None, outcome,
        code, reason, key if counted else None,
    )  # fmt: skip


def _row(push: Push, row: Checked, key: str, outcome: str, code: str, reason: str, matches):
    cipher, phone_hash, phone_masked = phone_fields(row.phone)
    match = matches.get(row.id_hash) if outcome != Outcome.REFUSED else None
    counted = outcome in (Outcome.PROPOSED, Outcome.DISPATCHED, Outcome.NOT_FOUND)
    return PushRow(
        push=push,
        jurisdiction_id=push.jurisdiction_id,
        line=row.line,
        name=row.name,
        id_number_hash=row.id_hash,
        id_number_masked=row.id_masked,
        phone_cipher=cipher,
        phone_hash=phone_hash,
        phone_masked=phone_masked,
        region=row.region,
        colour=row.colour,
        at=row.at,
        until=row.until,
        reference=row.reference,
        person_id=match.person if match else None,
        outcome=outcome,
        reason_code=code,
        reason=reason,
        dedup_key=key if counted else None,
    )


def _dispatch(row: PushRow, actor) -> None:
    """Hand the person to the county they live in; a refusal of tracing's (an open dispatch
    there already, no protocol in force) becomes the row's reason instead of failing the push."""
    row.save()
    person = Person.objects.select_related("jurisdiction").get(pk=int(row.person_id or 0))
    try:
        with transaction.atomic():
            row.dispatch = do_dispatch_person(
                person,
                to_jurisdiction=person.jurisdiction,
                reason=_("%(kind)s of %(at)s")
                % {"kind": row.push.get_kind_display(), "at": row.push.received_at.date()},
                source=row,
                actor=actor,
                at=row.push.received_at,
            )
    except PermissionDenied as exc:  # a receiving account whose role does not dispatch
        row.outcome, row.reason_code, row.reason = Outcome.REFUSED, "dispatch", str(exc)[:300]
        row.dedup_key = None
    except ValidationError as exc:
        groups = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
        duplicate = any(e.code == "duplicate" for group in groups for e in group)
        row.outcome = Outcome.DUPLICATE if duplicate else Outcome.REFUSED
        row.reason_code = "dispatch_open" if duplicate else "dispatch"
        row.reason = "; ".join(exc.messages)[:300]
        row.dedup_key = None
    row.save(update_fields=["dispatch", "outcome", "reason_code", "reason", "dedup_key"])

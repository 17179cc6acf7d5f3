"""Stock movements: receipts, issues (first expiry first out), transfers and expiry write-offs.

Every action runs in one ``transaction.atomic``: it checks the whole request before writing, takes
stock from a batch with a conditional ``UPDATE … WHERE quantity >= n`` (so two issues at the same
moment can never overdraw it, on SQLite as on PostgreSQL, whose rows are also locked ``FOR
UPDATE`` in expiry order), writes the ``Movement`` rows, folds them into the reserve read model
(``ledger``, decision 0025) and a domain event dated by the movement's own time (decision 0030),
then re-checks the actor's scope. Any refusal rolls everything back, read model included: nothing
is half saved.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, in_future, not_in_future, record_on
from pingji.core.messages import message

from ..choices import SIGN, MovementKind
from ..contracts import EXPIRED, ISSUED, RECEIVED, TRANSFERRED
from ..models import Batch, Movement, Store, SupplyItem
from . import ledger


def _aware(at) -> datetime.datetime:
    """A movement's time: given (naive read in Asia/Shanghai), else the clock's now; never in
    the future, where it would count stock on a day that has not come."""
    return not_in_future(aware(at or clock.now()), "at")


def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise error("quantity", _("Give the quantity as a whole number."))
    if quantity <= 0:
        raise error("quantity", _("The quantity must be more than zero."))
    return quantity


def _check_store(actor, store: Store, action: str = "change") -> None:
    if not Store.objects.restrict(actor, action).filter(pk=store.pk).exists():
        raise PermissionDenied(_("This store is outside your area."))


def _move(batch: Batch, kind: str, quantity: int, at, actor, *, reason="", counterpart=None):
    """Write one movement and fold it into the reserve read model (same transaction)."""
    movement = Movement.objects.create(
        jurisdiction_id=batch.jurisdiction_id,
        store_id=batch.store_id,
        item_id=batch.item_id,
        batch=batch,
        kind=kind,
        quantity=quantity,
        delta=SIGN[kind] * quantity,
        at=at,
        day=timezone.localtime(at).date(),
        counterpart=counterpart,
        reason=reason[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    ledger.record([movement])
    return movement


def _receive(store, item, lot, expires_on, quantity, at, actor, kind, reason="", counterpart=None):
    batch, _created = Batch.objects.get_or_create(
        store=store,
        item=item,
        lot=lot,
        defaults={"jurisdiction_id": store.jurisdiction_id, "expires_on": expires_on},
    )
    if batch.expires_on != expires_on:
        raise error(
            "expires_on",
            _("Lot %(lot)s is already recorded with expiry %(date)s.")
            % {"lot": lot, "date": batch.expires_on or "—"},
        )
    Batch.objects.filter(pk=batch.pk).update(quantity=F("quantity") + quantity)
    return _move(batch, kind, quantity, at, actor, reason=reason, counterpart=counterpart)


def do_receive_stock(
    store: Store,
    *,
    item: SupplyItem,
    lot: str,
    quantity: int,
    actor,
    expires_on: datetime.date | None = None,
    at=None,
    reason: str = "",
) -> Movement:
    """Receive a lot into a store; an already expired lot is refused at the door."""
    _check_store(actor, store)
    quantity, at, lot = _check_quantity(quantity), _aware(at), (lot or "").strip()
    if not lot:
        raise error("lot", _("Give the lot number printed on the packaging."))
    if expires_on is not None and expires_on < timezone.localtime(at).date():
        raise error("expires_on", _("This lot has already expired; do not receive it."))
    with transaction.atomic():
        movement = _receive(
            store, item, lot, expires_on, quantity, at, actor, MovementKind.RECEIPT, reason
        )
        record_on(
            store,
            RECEIVED,
            message(
                gettext_noop("%(store)s received %(n)s × %(item)s"),
                {"store": store, "n": quantity, "item": item.name},
            ),
            at=at,
            payload={"item": item.code, "lot": lot, "quantity": quantity},
        )
        ensure_allowed(actor, movement, "view")
    return movement


def _take(store, item, quantity, at, *, batch=None) -> list[tuple[Batch, int]]:
    """Take ``quantity`` from unexpired batches, earliest expiry first; refuse rather than overdraw.

    Each batch is decremented by ``UPDATE … SET quantity = quantity - n WHERE quantity >= n``;
    a concurrent issue that got there first makes that update match no row, and the whole request
    is refused with the stock left as the other issue left it.
    """
    today = timezone.localtime(at).date()
    if batch is not None:
        if batch.store_id != store.pk or batch.item_id != item.pk:
            raise error("batch", _("This batch is not of this item in this store."))
        if batch.expires_on is not None and batch.expires_on < today:
            raise error(
                "batch",
                _("Lot %(lot)s expired on %(date)s and cannot be issued.")
                % {"lot": batch.lot, "date": batch.expires_on},
            )
        batches = [batch]
    else:
        batches = list(
            Batch.objects.select_for_update()
            .filter(store=store, item=item, quantity__gt=0)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .order_by(F("expires_on").asc(nulls_last=True), "id")
        )
    available = sum(
        Batch.objects.filter(pk__in=[b.pk for b in batches]).values_list("quantity", flat=True)
    )
    if quantity > available:
        raise error(
            "quantity",
            _(
                "Only %(n)s %(unit)s of %(item)s in stock that can be issued "
                "(not expired); %(asked)s asked."
            )
            % {"n": available, "unit": item.unit, "item": item.name, "asked": quantity},
        )
    taken, left = [], quantity
    for b in batches:
        if left == 0:
            break
        current = Batch.objects.filter(pk=b.pk).values_list("quantity", flat=True).first() or 0
        n = min(left, current)
        if n and not Batch.objects.filter(pk=b.pk, quantity__gte=n).update(
            quantity=F("quantity") - n
        ):
            raise error("quantity", _("The stock changed while issuing; try again."))
        if n:
            taken.append((b, n))
            left -= n
    if left:
        raise error("quantity", _("The stock changed while issuing; try again."))
    return taken


def do_issue_stock(
    store: Store,
    *,
    item: SupplyItem,
    quantity: int,
    actor,
    reason: str = "",
    at=None,
    batch: Batch | None = None,
) -> list[Movement]:
    """Issue supplies for use, first expiry first out (or from the named batch)."""
    _check_store(actor, store)
    quantity, at = _check_quantity(quantity), _aware(at)
    if not (reason or "").strip():
        raise error("reason", _("Say what the supplies are issued for."))
    with transaction.atomic():
        moves = [
            _move(b, MovementKind.ISSUE, n, at, actor, reason=reason)
            for b, n in _take(store, item, quantity, at, batch=batch)
        ]
        record_on(
            store,
            ISSUED,
            message(
                gettext_noop("%(store)s issued %(n)s × %(item)s"),
                {"store": store, "n": quantity, "item": item.name},
            ),
            at=at,
            payload={"item": item.code, "quantity": quantity},
        )
        ensure_allowed(actor, moves[0], "view")
    return moves


def do_import_issues(
    store: Store,
    *,
    item: SupplyItem,
    rows: list[tuple[datetime.datetime, int]],
    actor,
    reason: str = "",
) -> list[Movement]:
    """Record a series of past issues at once (a legacy system's daily use, a week's paper log).

    Same rules as ``do_issue_stock`` for every row — a whole positive quantity, never more than the
    unexpired stock at that time, earliest expiry first — checked in time order against a locked
    snapshot of the batches; one bad row refuses the whole series with its row number. The event
    is dated by the last issue of the series, when the stock it reports was reached.
    """
    _check_store(actor, store)
    clean = _checked_rows(rows)
    with transaction.atomic():
        batches = list(
            Batch.objects.select_for_update().filter(store=store, item=item, quantity__gt=0)
        )
        moves, taken = _planned_issues(store, item, batches, clean, actor, reason)
        for pk, k in taken.items():
            if not Batch.objects.filter(pk=pk, quantity__gte=k).update(quantity=F("quantity") - k):
                raise error("rows", _("The stock changed while issuing; try again."))
        Movement.objects.bulk_create(moves)
        ledger.record(moves)
        record_on(
            store,
            ISSUED,
            message(
                gettext_noop("%(store)s recorded %(n)s past issue(s) of %(item)s"),
                {"store": store, "n": len(clean), "item": item.name},
            ),
            at=clean[-1][0],
            payload={"item": item.code, "quantity": sum(q for _at, q in clean), "rows": len(clean)},
        )
    return moves


def _checked_rows(rows) -> list[tuple[datetime.datetime, int]]:
    """The rows as (time, quantity) in time order, or every bad row refused at once by number."""
    if not rows:
        raise error("rows", _("No rows were given."))
    errors, clean = [], []
    for n, (at, quantity) in enumerate(rows, start=1):
        at = aware(at or clock.now())
        if in_future(at):
            errors.append(_("row %(n)s: the time is in the future") % {"n": n})
            continue
        try:
            clean.append((at, _check_quantity(quantity)))
        except ValidationError:
            errors.append(_("row %(n)s: the quantity must be a whole number above zero") % {"n": n})
    if errors:
        raise ValidationError({"rows": errors})
    clean.sort(key=lambda r: r[0])
    return clean


def _planned_issues(
    store: Store, item: SupplyItem, batches: list[Batch], clean, actor, reason: str
) -> tuple[list[Movement], dict[int, int]]:
    """The movements of the series and how much each batch gives, planned on the locked snapshot:
    each row, in time order, takes from the batches unexpired on its day, earliest expiry first,
    so a later row never draws on stock an earlier one already used."""
    left = {b.pk: b.quantity for b in batches}
    taken: dict[int, int] = {}
    moves = []
    for n, (at, quantity) in enumerate(clean, start=1):
        today = timezone.localtime(at).date()
        usable = sorted(
            (b for b in batches if left[b.pk] and (b.expires_on is None or b.expires_on >= today)),
            key=lambda b: (b.expires_on or datetime.date.max, b.pk),
        )
        if quantity > sum(left[b.pk] for b in usable):
            raise error(
                "rows",
                _("row %(n)s (%(day)s): only %(have)s in stock, %(asked)s asked")
                % {
                    "n": n,
                    "day": today,
                    "asked": quantity,
                    "have": sum(left[b.pk] for b in usable),
                },
            )
        for b in usable:
            k = min(quantity, left[b.pk])
            if k:
                left[b.pk] -= k
                taken[b.pk] = taken.get(b.pk, 0) + k
                quantity -= k
                moves.append(
                    Movement(
                        jurisdiction_id=b.jurisdiction_id,
                        store_id=store.pk,
                        item_id=item.pk,
                        batch=b,
                        kind=MovementKind.ISSUE,
                        quantity=k,
                        delta=-k,
                        at=at,
                        day=today,
                        reason=reason[:300],
                        actor=actor if getattr(actor, "pk", None) else None,
                    )
                )
            if not quantity:
                break
    return moves, taken


def do_transfer_stock(
    store: Store,
    *,
    to_store: Store,
    item: SupplyItem,
    quantity: int,
    actor,
    reason: str = "",
    at=None,
) -> list[Movement]:
    """Move supplies to another store, lot by lot, keeping each lot's number and expiry.

    The actor must be able to act on both stores (a city moving stock between its counties);
    a county cannot push stock into another county's store.
    """
    _check_store(actor, store)
    _check_store(actor, to_store)
    if to_store.pk == store.pk:
        raise error("to_store", _("Choose another store to transfer to."))
    quantity, at = _check_quantity(quantity), _aware(at)
    with transaction.atomic():
        moves = []
        for b, n in _take(store, item, quantity, at):
            moves.append(
                _move(
                    b, MovementKind.TRANSFER_OUT, n, at, actor, reason=reason, counterpart=to_store
                )
            )
            moves.append(
                _receive(
                    to_store,
                    item,
                    b.lot,
                    b.expires_on,
                    n,
                    at,
                    actor,
                    MovementKind.TRANSFER_IN,
                    reason,
                    counterpart=store,
                )
            )
        record_on(
            store,
            TRANSFERRED,
            message(
                gettext_noop("%(store)s transferred %(n)s × %(item)s to %(to)s"),
                {"store": store, "n": quantity, "item": item.name, "to": to_store},
            ),
            at=at,
            payload={"item": item.code, "quantity": quantity, "to_store": to_store.pk},
        )
    return moves


def do_write_off_expired(store: Store, *, actor, on: datetime.date | None = None) -> list[Movement]:
    """Write off every batch of the store that expired before ``on`` (default today)."""
    _check_store(actor, store)
    on = on or clock.today()
    at = _aware(datetime.datetime.combine(on, datetime.time(0, 0)))
    with transaction.atomic():
        moves = []
        for b in Batch.objects.select_for_update().filter(
            store=store, expires_on__lt=on, quantity__gt=0
        ):
            n = b.quantity
            if Batch.objects.filter(pk=b.pk, quantity=n).update(quantity=0):
                moves.append(
                    _move(
                        b,
                        MovementKind.EXPIRY,
                        n,
                        at,
                        actor,
                        reason=_("expired on %(date)s") % {"date": b.expires_on},
                    )
                )
        if moves:
            record_on(
                store,
                EXPIRED,
                message(
                    gettext_noop("%(store)s wrote off %(n)s expired lot(s)"),
                    {"store": store, "n": len(moves)},
                ),
                at=at,
                payload={"lots": [m.batch.lot for m in moves]},
            )
    return moves

"""Stock movements: what may be issued, from which batch, and that refusals leave nothing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from pingji.core.models import DomainEvent
from pingji.resources.actions.stock import (
    do_import_issues,
    do_issue_stock,
    do_receive_stock,
    do_transfer_stock,
    do_write_off_expired,
)
from pingji.resources.models import Batch, Movement

from .conftest import at
from .factories import StoreFactory

SEPT = at(9, 15)


def receive(store, item, actor, lot, qty, expires=datetime.date(2022, 6, 30), when=None):
    return do_receive_stock(
        store,
        item=item,
        lot=lot,
        quantity=qty,
        expires_on=expires,
        actor=actor,
        at=when or at(9, 1),
    )


def stock(store, item):
    return sum(Batch.objects.filter(store=store, item=item).values_list("quantity", flat=True))


def test_issue_takes_the_earliest_expiry_first(store, mask, operator):
    receive(store, mask, operator, "LATE", 100, datetime.date(2022, 12, 31))
    receive(store, mask, operator, "EARLY", 50, datetime.date(2021, 12, 31))
    moves = do_issue_stock(
        store, item=mask, quantity=70, reason="fever clinic", actor=operator, at=SEPT
    )
    assert [(m.batch.lot, m.quantity, m.delta) for m in moves] == [
        ("EARLY", 50, -50),
        ("LATE", 20, -20),
    ]
    assert stock(store, mask) == 80
    assert DomainEvent.objects.filter(kind="resources.issued").count() == 1


def test_issuing_more_than_the_stock_is_refused_and_nothing_moves(store, mask, operator):
    receive(store, mask, operator, "A", 30)
    with pytest.raises(ValidationError) as exc:
        do_issue_stock(store, item=mask, quantity=31, reason="x", actor=operator, at=SEPT)
    assert "Only 30" in str(exc.value.message_dict["quantity"])
    assert stock(store, mask) == 30
    assert Movement.objects.filter(kind="issue").count() == 0


@pytest.mark.parametrize("qty", [0, -5, 2.5, "10", True])
def test_bad_quantities_are_refused(store, mask, operator, qty):
    receive(store, mask, operator, "A", 30)
    with pytest.raises(ValidationError) as exc:
        do_issue_stock(store, item=mask, quantity=qty, reason="x", actor=operator, at=SEPT)
    assert "quantity" in exc.value.message_dict
    with pytest.raises(ValidationError):
        do_receive_stock(store, item=mask, lot="B", quantity=qty, actor=operator)
    assert Movement.objects.count() == 1 and stock(store, mask) == 30


def test_an_expired_batch_is_not_issued(store, mask, operator):
    old = receive(store, mask, operator, "OLD", 40, datetime.date(2021, 9, 10)).batch
    with pytest.raises(ValidationError) as exc:
        do_issue_stock(store, item=mask, quantity=5, reason="x", actor=operator, at=SEPT, batch=old)
    assert "expired" in str(exc.value.message_dict["batch"])
    # first-expiry-first-out skips it too: nothing else is in stock
    with pytest.raises(ValidationError):
        do_issue_stock(store, item=mask, quantity=5, reason="x", actor=operator, at=SEPT)
    assert stock(store, mask) == 40
    written = do_write_off_expired(store, actor=operator, on=datetime.date(2021, 9, 15))
    assert [m.kind for m in written] == ["expiry"] and stock(store, mask) == 0


def test_an_expired_lot_is_not_received_and_a_lot_keeps_its_expiry(store, mask, operator):
    with pytest.raises(ValidationError) as exc:
        receive(store, mask, operator, "OLD", 10, datetime.date(2021, 8, 1))
    assert "expired" in str(exc.value.message_dict["expires_on"])
    receive(store, mask, operator, "A", 10)
    with pytest.raises(ValidationError) as exc:
        receive(store, mask, operator, "A", 10, datetime.date(2023, 1, 1))
    assert "expires_on" in exc.value.message_dict
    assert stock(store, mask) == 10 and Batch.objects.count() == 1


def test_transfer_keeps_lots_and_both_sides_move(store, other_store, mask, operator):
    receive(store, mask, operator, "A", 60)
    moves = do_transfer_stock(
        store, to_store=other_store, item=mask, quantity=25, actor=operator, at=SEPT
    )
    assert sorted(m.kind for m in moves) == ["transfer_in", "transfer_out"]
    assert stock(store, mask) == 35 and stock(other_store, mask) == 25
    assert Batch.objects.get(store=other_store).expires_on == datetime.date(2022, 6, 30)
    with pytest.raises(ValidationError):
        do_transfer_stock(
            store, to_store=other_store, item=mask, quantity=99, actor=operator, at=SEPT
        )
    assert stock(store, mask) == 35 and stock(other_store, mask) == 25


def test_a_store_outside_the_area_is_refused(tree, store, mask, operator, outsider):
    receive(store, mask, operator, "A", 60)
    with pytest.raises(PermissionDenied):
        do_issue_stock(store, item=mask, quantity=1, reason="x", actor=outsider)
    theirs = StoreFactory(jurisdiction=tree["350206"])
    with pytest.raises(PermissionDenied):
        do_transfer_stock(store, to_store=theirs, item=mask, quantity=5, actor=operator)
    assert stock(store, mask) == 60 and not Batch.objects.filter(store=theirs).exists()


def test_a_stale_read_cannot_overdraw(store, mask, operator, monkeypatch):
    """The conditional update refuses when another issue took the stock after this one read it."""
    batch = receive(store, mask, operator, "A", 10).batch
    real_filter = Batch.objects.filter
    state = {"done": False}

    def racing_filter(*args, **kwargs):
        if "quantity__gte" in kwargs and not state["done"]:
            state["done"] = True
            Batch.objects.filter(pk=batch.pk).update(quantity=3)  # the other issue won
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Batch.objects, "filter", racing_filter)
    with pytest.raises(ValidationError):
        do_issue_stock(store, item=mask, quantity=8, reason="x", actor=operator, at=SEPT)
    monkeypatch.undo()
    assert Batch.objects.get(pk=batch.pk).quantity >= 0
    assert not Movement.objects.filter(kind="issue").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database for threads")
def test_concurrent_issues_never_overdraw(tree, make_user, mask):
    from django.db import connections

    operator = make_user("operator", "350322", username="op-threads")
    store = StoreFactory(jurisdiction=tree["350322"])
    receive(store, mask, operator, "A", 10)
    outcomes = []

    def issue():
        try:
            do_issue_stock(store, item=mask, quantity=6, reason="x", actor=operator, at=SEPT)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert stock(store, mask) == 4


def test_a_series_of_past_issues_is_all_or_nothing(store, mask, operator):
    receive(store, mask, operator, "A", 100, datetime.date(2021, 9, 20))
    receive(store, mask, operator, "B", 100, datetime.date(2022, 9, 20))
    moves = do_import_issues(
        store, item=mask, actor=operator, rows=[(at(9, 10), 30), (at(9, 25), 80)]
    )
    # the second row cannot use lot A any more (expired on 20 Sept): it all comes from B
    assert [(m.batch.lot, m.quantity) for m in moves] == [("A", 30), ("B", 80)]
    with pytest.raises(ValidationError) as exc:
        do_import_issues(
            store,
            item=mask,
            actor=operator,
            rows=[(at(9, 26), 10), (at(9, 27), 15), (at(9, 28), 0)],
        )
    assert "row 3" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        do_import_issues(store, item=mask, actor=operator, rows=[(at(9, 26), 10), (at(9, 27), 15)])
    assert "row 2" in str(exc.value) and "only 10" in str(exc.value)
    assert Movement.objects.filter(kind="issue").count() == 2 and stock(store, mask) == 90

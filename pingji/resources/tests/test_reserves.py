"""Reserve days against the protocol's standard: days of peak daily use held in stock."""

import datetime

from pingji.protocols import rules
from pingji.protocols.versions import protocol_for
from pingji.resources.actions.stock import do_issue_stock, do_receive_stock
from pingji.resources.reserves import city_gaps, reserve_rows

from .conftest import at
from .factories import SupplyItemFactory


def test_the_protocol_sets_the_reserve_standard(db):
    standard = rules.reserves(protocol_for("350322", datetime.date(2021, 9, 15)))
    assert standard.applies and standard.days_of_peak_use == 30
    assert standard.peak_window_days == 90 and standard.disputed  # no published figure: editable
    assert rules.reserves({}).applies is False  # the section is optional


def test_reserve_days_peak_use_and_gap(store, mask, operator):
    kits = SupplyItemFactory(code="antigen", name="antigen kit", category="test_kits")
    do_receive_stock(
        store,
        item=mask,
        lot="A",
        quantity=1000,
        actor=operator,
        expires_on=datetime.date(2023, 1, 1),
        at=at(8, 1),
    )
    do_receive_stock(store, item=kits, lot="K", quantity=50, actor=operator, at=at(8, 1))
    for day, qty in [(10, 20), (11, 50), (11, 30), (12, 10)]:
        do_issue_stock(
            store, item=mask, quantity=qty, reason="clinic", actor=operator, at=at(9, day)
        )
    rows = {r.item_id: r for r in reserve_rows("350322", datetime.date(2021, 9, 12))}
    masks = rows[mask.pk]
    assert masks.on_hand == 890 and masks.peak_daily_use == 80  # 11 Sept: 50 + 30
    assert masks.standard_days == 30 and round(masks.reserve_days, 2) == round(890 / 80, 2)
    assert masks.under_reserve and masks.gap == 30 * 80 - 890
    assert rows[kits.pk].reserve_days is None and not rows[kits.pk].under_reserve  # never used
    assert city_gaps(list(rows.values()), {store.pk: store.jurisdiction_id}) == {
        ("3503", mask.pk): 1510
    }
    # as of a day before the issues: no use in the window, the full stock on hand
    before = {r.item_id: r for r in reserve_rows("350322", datetime.date(2021, 9, 9))}
    assert before[mask.pk].on_hand == 1000 and before[mask.pk].peak_daily_use == 0
    # outside the area asked about: nothing
    assert reserve_rows("350206", datetime.date(2021, 9, 12)) == []

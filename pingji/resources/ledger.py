"""The read model of reserve days, kept by the stock actions in their own transaction.

Every movement is folded, in the transaction that writes it, into ``StockDay`` (net change and
quantity issued of its store, item and day) and ``StockLevel`` (the pair's stock on hand, first
and last day, and its stored peak): a refused movement rolls them back with it. The daily job
``refresh_peaks`` recomputes every pair's peak for the day; an issue recorded afterwards inside
that window raises it (``GREATEST``), so the stored peak stays exact for its day (decision 0025).
"""

import datetime
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from .choices import MovementKind
from .models import StockDay, StockLevel

PEAK_SQL = """
UPDATE resources_stocklevel SET
    peak = COALESCE((SELECT MAX(d.used) FROM resources_stockday d
                     WHERE d.store_id = resources_stocklevel.store_id
                       AND d.item_id = resources_stocklevel.item_id
                       AND d.day > %s AND d.day <= %s), 0),
    peak_on = %s, peak_window = %s
WHERE jurisdiction_id LIKE %s
"""


def _in_window(day: datetime.date, peak_on, window: int) -> bool:
    return peak_on is not None and peak_on - datetime.timedelta(days=window) < day <= peak_on


def record(moves) -> None:
    """Fold ``moves`` (saved ``Movement`` rows) into the read model; call inside their atomic."""
    totals: dict[tuple, list] = defaultdict(lambda: ["", 0, 0])
    for m in moves:
        t = totals[(m.store_id, m.item_id, m.day)]
        t[0] = m.jurisdiction_id
        t[1] += m.delta
        t[2] += m.quantity if m.kind == MovementKind.ISSUE else 0
    for (store_id, item_id, day), (code, net, used) in totals.items():
        _fold(store_id, item_id, day, code, net, used)


def _fold(store_id, item_id, day, code, net, used) -> None:
    pair = {"store_id": store_id, "item_id": item_id}
    row, created = StockDay.objects.get_or_create(
        **pair, day=day, defaults={"jurisdiction_id": code, "net": net, "used": used}
    )
    if not created:
        StockDay.objects.filter(pk=row.pk).update(net=F("net") + net, used=F("used") + used)
        used = StockDay.objects.filter(pk=row.pk).values_list("used", flat=True).get()
    level = StockLevel.objects.select_for_update().filter(**pair).first()
    if level is None:
        level = _new_level(pair, code, day)
        if level is not None:
            return
        level = StockLevel.objects.select_for_update().get(**pair)
    changes = {
        "on_hand": F("on_hand") + net,
        "first_day": Least(F("first_day"), day),
        "last_day": Greatest(F("last_day"), day),
    }
    if used and _in_window(day, level.peak_on, level.peak_window):
        changes["peak"] = Greatest(F("peak"), used)
    StockLevel.objects.filter(pk=level.pk).update(**changes)


def _new_level(pair: dict, code: str, day: datetime.date) -> StockLevel | None:
    """The pair's first movement: its level with a peak as of today from the rows just written.

    Returns ``None`` when another transaction created it first (the caller then updates that row).
    """
    from .reserves import standard_for

    today = timezone.localdate()
    window = standard_for(code, today).peak_window_days
    peak = max(
        (
            u
            for d, u in StockDay.objects.filter(**pair).values_list("day", "used")
            if _in_window(d, today, window)
        ),
        default=0,
    )
    on_hand = sum(StockDay.objects.filter(**pair).values_list("net", flat=True))
    try:
        with transaction.atomic():
            return StockLevel.objects.create(
                **pair,
                jurisdiction_id=code,
                on_hand=on_hand,
                first_day=day,
                last_day=day,
                peak=peak,
                peak_on=today,
                peak_window=window,
            )
    except IntegrityError:  # a concurrent first movement of the same pair made it: update that one
        if StockLevel.objects.filter(**pair).exists():
            return None
        raise


def refresh_peaks(code: str, on: datetime.date, window: int) -> int:
    """Store every pair's peak daily use in the ``window`` days up to ``on``, below ``code``."""
    since = on - datetime.timedelta(days=window)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PEAK_SQL, [since, on, on, window, f"{code}%"])
        return cursor.rowcount

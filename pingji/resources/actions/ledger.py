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

from pingji.core import clock

from ..choices import MovementKind
from ..models import StockDay, StockLevel

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
    totals: dict[tuple, dict] = defaultdict(dict)
    codes: dict[tuple, str] = {}
    for m in moves:
        pair = (m.store_id, m.item_id)
        codes[pair] = m.jurisdiction_id
        net, used = totals[pair].get(m.day, (0, 0))
        issued = m.quantity if m.kind == MovementKind.ISSUE else 0
        totals[pair][m.day] = (net + m.delta, used + issued)
    for (store_id, item_id), days in totals.items():
        _fold({"store_id": store_id, "item_id": item_id}, codes[(store_id, item_id)], days)


def _fold(pair: dict, code: str, days: dict[datetime.date, tuple[int, int]]) -> None:
    """Fold one pair's net change and issues by day: a few queries however many days (a series
    of past issues spans weeks), the days' rows first, then the pair's level, locked."""
    used = _fold_days(pair, code, days)
    level = StockLevel.objects.select_for_update().filter(**pair).first()
    if level is None:
        if _new_level(pair, code, min(days), max(days)) is not None:
            return
        level = StockLevel.objects.select_for_update().get(**pair)
    changes = {
        "on_hand": F("on_hand") + sum(net for net, _used in days.values()),
        "first_day": Least(F("first_day"), min(days)),
        "last_day": Greatest(F("last_day"), max(days)),
    }
    peak = max(
        (u for day, u in used.items() if _in_window(day, level.peak_on, level.peak_window)),
        default=0,
    )
    if peak:
        changes["peak"] = Greatest(F("peak"), peak)
    StockLevel.objects.filter(pk=level.pk).update(**changes)


def _fold_days(pair: dict, code: str, days: dict) -> dict[datetime.date, int]:
    """Add ``days`` (day → net, issued) to the pair's ``StockDay`` rows; each day's total issued."""
    rows = StockDay.objects.filter(**pair, day__in=list(days))
    existing = set(rows.values_list("day", flat=True))
    new = [d for d in days if d not in existing]
    try:
        with transaction.atomic():
            StockDay.objects.bulk_create(
                StockDay(**pair, day=d, jurisdiction_id=code, net=days[d][0], used=days[d][1])
                for d in new
            )
    except IntegrityError:  # a concurrent movement of the same pair wrote one of those days first
        for d in new:
            net, used = days[d]
            defaults = {"jurisdiction_id": code, "net": net, "used": used}
            if not StockDay.objects.get_or_create(**pair, day=d, defaults=defaults)[1]:
                existing.add(d)
        new = [d for d in new if d not in existing]
    for day in existing:
        net, used = days[day]
        rows.filter(day=day).update(net=F("net") + net, used=F("used") + used)
    totals = (
        dict(rows.filter(day__in=list(existing)).values_list("day", "used")) if existing else {}
    )
    return {**{d: days[d][1] for d in new}, **totals}


def _new_level(
    pair: dict, code: str, first: datetime.date, last: datetime.date
) -> StockLevel | None:
    """The pair's first movements: its level with a peak as of today from the rows just written.

    Returns ``None`` when another transaction created it first (the caller then updates that row).
    """
    from ..reserves import standard_for

    today = clock.today()
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
                first_day=first,
                last_day=last,
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

"""Reserve days per item per store, read from the maintained stock levels (decision 0025).

Reserve days = stock on hand / peak daily use, where peak daily use is the largest day's issues
within the protocol's look-back window (``protocols.rules.reserves``: e.g. 30 days of peak use over
the last 90 days). The standard days per item come from the protocol in force, by category.

``READ_SQL`` reads one row per (store, item) from ``StockLevel``: the stock kept current by the
stock actions, and the peak stored by the daily job for its day and window. A row whose stored
peak is not for the day and window asked (a past day, a day before the job ran, another window)
has its peak looked up in ``StockDay`` by its unique index — at most a window of rows — and a day
before the pair's last movement has the later net changes taken off its stock. So a province of
10,000 stores × 50 items reads 500,000 rows, whatever the years of movements behind them
(bench/reserves.py). ``MOVEMENT_SQL`` is the same definition straight from the movements, the
reference the tests hold the fast read to. Both texts run on SQLite, PostgreSQL and DuckDB.
"""

import datetime
import gc
from typing import NamedTuple

from django.db import connection, transaction

from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .choices import SupplyCategory

MOVEMENT_SQL = """
WITH stock AS (
    SELECT store_id, item_id, SUM(delta) AS on_hand
    FROM resources_movement
    WHERE jurisdiction_id LIKE {p} AND day <= {p}
    GROUP BY store_id, item_id
), used AS (
    SELECT store_id, item_id, day, SUM(quantity) AS q
    FROM resources_movement
    WHERE jurisdiction_id LIKE {p} AND kind = 'issue' AND day > {p} AND day <= {p}
    GROUP BY store_id, item_id, day
), peak AS (
    SELECT store_id, item_id, MAX(q) AS peak FROM used GROUP BY store_id, item_id
)
SELECT s.store_id, s.item_id, s.on_hand, COALESCE(k.peak, 0) AS peak,
       CASE WHEN 1 = 0 THEN 0 {cases} ELSE {p} END AS standard_days,
       CASE WHEN k.peak > 0 THEN s.on_hand * 1.0 / k.peak END AS reserve_days
FROM stock s
JOIN resources_supplyitem i ON i.id = s.item_id
LEFT JOIN peak k ON k.store_id = s.store_id AND k.item_id = s.item_id
"""


READ_SQL = """
WITH r AS MATERIALIZED (
    SELECT l.store_id, l.item_id,
           l.on_hand - CASE WHEN l.last_day > {p} THEN COALESCE(
               (SELECT SUM(d.net) FROM resources_stockday d
                WHERE d.store_id = l.store_id AND d.item_id = l.item_id AND d.day > {p}), 0)
               ELSE 0 END AS on_hand,
           CASE WHEN l.peak_on = {p} AND l.peak_window = {p} THEN l.peak ELSE COALESCE(
               (SELECT MAX(d.used) FROM resources_stockday d
                WHERE d.store_id = l.store_id AND d.item_id = l.item_id
                  AND d.day > {p} AND d.day <= {p}), 0)
               END AS peak
    FROM resources_stocklevel l
    WHERE l.jurisdiction_id LIKE {p} AND l.first_day <= {p}
)
SELECT r.store_id, r.item_id, r.on_hand, r.peak,
       CASE WHEN 1 = 0 THEN 0 {cases} ELSE {p} END AS standard_days,
       CAST(CASE WHEN r.peak > 0 THEN r.on_hand * 1.0 / r.peak END AS DOUBLE PRECISION)
           AS reserve_days
FROM r
JOIN resources_supplyitem i ON i.id = r.item_id
"""


def _cases(categories: dict[str, int], paramstyle: str) -> str:
    return " ".join(f"WHEN i.category = {paramstyle} THEN {paramstyle}" for _ in categories)


def _standard_params(standard: rules.Reserves) -> list:
    """The per-category days then the default days, in the order of ``{cases} ELSE {p}``."""
    params: list = []
    for category, days in standard.by_category.items():
        params += [category, days]
    return params + [standard.days_of_peak_use]


def reserve_sql(categories: dict[str, int], paramstyle: str = "%s") -> tuple[str, int]:
    """The read's SQL text and the number of category overrides it embeds as parameters."""
    return READ_SQL.format(p=paramstyle, cases=_cases(categories, paramstyle)), len(categories)


def reserve_params(code: str, on: datetime.date, standard: rules.Reserves) -> list:
    window = standard.peak_window_days
    since = on - datetime.timedelta(days=window)
    return [on, on, on, window, since, on, f"{code}%", on] + _standard_params(standard)


def movement_sql(categories: dict[str, int], paramstyle: str = "%s") -> tuple[str, int]:
    """The reference SQL text, straight from the movements (tests, audits, the benchmark's peer)."""
    return MOVEMENT_SQL.format(p=paramstyle, cases=_cases(categories, paramstyle)), len(categories)


def movement_params(code: str, on: datetime.date, standard: rules.Reserves) -> list:
    since = on - datetime.timedelta(days=standard.peak_window_days)
    return [f"{code}%", on, f"{code}%", since, on] + _standard_params(standard)


class ReserveRow(NamedTuple):
    """One (store, item): a tuple, so that 500,000 of them are built in a fraction of a second."""

    store_id: int
    item_id: int
    on_hand: int
    peak_daily_use: int
    standard_days: int
    reserve_days: float | None  # None: no use in the window, so no figure of days

    @property
    def under_reserve(self) -> bool:
        return self.reserve_days is not None and self.reserve_days < self.standard_days

    @property
    def gap(self) -> int:
        """What the store lacks to hold the standard days of peak use (0 when it holds them)."""
        return max(0, self.standard_days * self.peak_daily_use - self.on_hand)


def standard_for(code: str, on: datetime.date) -> rules.Reserves:
    try:
        return rules.reserves(protocol_for(code or "35", on))
    except NoProtocolInForce:
        return rules.Reserves(False)


def reserve_rows(code: str, on: datetime.date, *, from_movements: bool = False) -> list[ReserveRow]:
    """Every (store, item) with movements in the subtree of ``code``, as of the end of ``on``.

    The protocol in force for ``code`` on that day sets the standard (one protocol for the whole
    area asked about: a province's figures apply in its cities, decision 0004).
    ``from_movements`` computes the same rows from the movements themselves (the reference).
    """
    standard = standard_for(code, on)
    if not standard.applies:
        return []
    if from_movements:
        sql, params = movement_sql(standard.by_category)[0], movement_params(code, on, standard)
    else:
        sql, params = reserve_sql(standard.by_category)[0], reserve_params(code, on, standard)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the per-pair look-ups under CASE are costed as if run for every row, which makes
            # PostgreSQL JIT-compile the statement: 0.7 s of 1 s at 100,000 rows (bench/reserves)
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return fetch_rows(cursor, convert=from_movements)


def fetch_rows(cursor, *, convert: bool = False) -> list[ReserveRow]:
    """The rows of an executed read as ``ReserveRow`` (shared with bench/reserves.py).

    ``READ_SQL`` returns Python ints and floats on every database (reserve days cast to double),
    so its rows become tuples as they are; ``MOVEMENT_SQL``'s sums and quotients may come back as
    ``Decimal`` on PostgreSQL (``convert``). The cyclic garbage collector is paused meanwhile:
    half a million new tuples would otherwise trigger it dozens of times, for no cycle to find.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        rows = cursor.fetchall()
        if not convert:
            return list(map(ReserveRow._make, rows))
        return [
            ReserveRow(s, i, int(h or 0), int(p or 0), int(d), None if r is None else float(r))
            for s, i, h, p, d, r in rows
        ]
    finally:
        if enabled:
            gc.enable()


def city_gaps(rows: list[ReserveRow], store_codes: dict[int, str]) -> dict[tuple[str, int], int]:
    """The gap each city must fill per item: the sum of its stores' gaps (4-digit city code)."""
    gaps: dict[tuple[str, int], int] = {}
    for row in rows:
        if row.gap:
            key = (store_codes[row.store_id][:4], row.item_id)
            gaps[key] = gaps.get(key, 0) + row.gap
    return gaps


CATEGORY_LABELS = dict(SupplyCategory.choices)

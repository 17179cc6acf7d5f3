"""Daily series of the registered indicators, summed from domain events with a 24:00 cut-off.

One aggregate query per event kind groups the events by the code prefix of the reporting unit
(the jurisdictions one level below the one looked at), by calendar day in Asia/Shanghai and by the
payload values the indicators filter on; payload counts are summed in the database. So the figure
of a province is, by construction, the sum of its cities' (the same events, a shorter prefix), and
a past day recomputed gives the same number (events are append-only). Drill subtrees never count
(``geo.drills.real_only``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone

from pingji.cases.contracts import REPORTED as CASE_REPORTED
from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.geo.choices import CODE_LENGTH
from pingji.geo.drills import real_only
from pingji.protocols.models import COVID_19

from .contracts import SERIES_COMPUTED
from .indicators.registry import Indicator, indicators

#: How far back an outbreak reaches: a run of reported infections with no gap this long. 28 days is
#: two maximum incubation periods, the 8th edition's criterion for declaring a local outbreak over.
OUTBREAK_GAP_DAYS = 28
#: COVID-19's case events: those naming it, and those written before cases named a disease.
COVID_EVENTS = Q(payload__disease=COVID_19) | Q(payload__disease__isnull=True)
#: Days shown (and stored) before an outbreak's first case: context for its first week.
LEAD_DAYS = 3


def zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def cutoff(day: datetime.date) -> datetime.datetime:
    """24:00 of ``day`` in Asia/Shanghai: what a daily report of ``day`` counts up to."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone())


def today() -> datetime.date:
    return timezone.localdate(clock.now(), zone())


@dataclass
class Series:
    """Values (units × days) per indicator key, for ``days`` = start..end inclusive."""

    start: datetime.date
    end: datetime.date
    units: list[str]
    values: dict[str, np.ndarray]

    @property
    def days(self) -> list[datetime.date]:
        n = (self.end - self.start).days + 1
        return [self.start + datetime.timedelta(days=i) for i in range(n)]

    def index(self, day: datetime.date) -> int:
        return (day - self.start).days

    def total(self, key: str) -> np.ndarray:
        """The series of the whole area (sum over its units)."""
        return self.values[key].sum(axis=0)

    def of(self, unit: str, key: str) -> np.ndarray:
        return self.values[key][self.units.index(unit)]

    def on(self, key: str, day: datetime.date, unit: str | None = None) -> int:
        row = self.total(key) if unit is None else self.of(unit, key)
        return int(row[self.index(day)])

    def period(self, key: str, since: datetime.date, unit: str | None = None) -> int:
        """A flow's total from ``since`` to the end (a stock: its level at the end)."""
        row = self.total(key) if unit is None else self.of(unit, key)
        if key in _stock_keys():
            return int(row[-1])
        return int(row[max(0, self.index(since)) :].sum())


def _stock_keys() -> set[str]:
    return {i.key for i in indicators() if i.stock}


def compute(
    within: str,
    start: datetime.date,
    end: datetime.date,
    *,
    unit_length: int | None = None,
    units: list[str] | None = None,
    keys: list[str] | None = None,
) -> Series:
    """The indicators of the area ``within`` for ``start..end``, by unit of ``unit_length`` digits.

    ``unit_length=None`` gives one unit, the area itself. ``units`` fixes the rows (e.g. every city,
    also those without a case); events of a unit not listed are added to the list.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    chosen = [i for i in indicators() if keys is None or i.key in keys]
    by_kind: dict[str, list[tuple[Indicator, int]]] = defaultdict(list)
    for ind in chosen:
        for n, t in enumerate(ind.terms):
            by_kind[t.kind].append((ind, n))
    unit_list = list(units or ([] if unit_length else [within]))
    sums = _Sums(start, (end - start).days + 1, chosen)
    for kind, uses in by_kind.items():
        for row in _grouped_events(kind, uses, within, start, end, unit_length):
            sums.add(row, uses, unit_list)
    return Series(start, end, unit_list, sums.matrices(unit_list))


def _grouped_events(kind: str, uses, within: str, start, end, unit_length: int | None):
    """The events of one kind in the area, grouped by unit, local day and the payload values the
    indicators filter on, with their count and the payload fields they sum: one query per kind.

    A flow only needs the period's events; a stock (a level such as "under treatment") needs
    every earlier one too, as the opening level it starts from.
    """
    fields = sorted({f for ind, n in uses if (f := ind.terms[n].field)})
    wheres = sorted({w for ind, n in uses for w, _ in ind.terms[n].where})
    any_stock = any(ind.stock for ind, _ in uses)
    qs = DomainEvent.objects.filter(
        kind=kind, time__lt=cutoff(end), recorded_at__lt=cutoff(end)
    ).subtree(within)
    if not any_stock:
        qs = qs.filter(time__gte=cutoff(start - datetime.timedelta(days=1)))
    qs = real_only(qs)
    unit_expr = Substr("jurisdiction_code", 1, unit_length) if unit_length else Value(within)
    qs = qs.annotate(
        u=unit_expr,
        d=TruncDate("time", tzinfo=zone()),
        **{f"w_{w}": KT(f"payload__{w}") for w in wheres},
    ).values("u", "d", *[f"w_{w}" for w in wheres])
    qs = qs.annotate(
        n=Count("id"),
        **{f"s_{f}": Sum(Cast(KT(f"payload__{f}"), IntegerField())) for f in fields},
    ).order_by()
    for row in qs:
        row["where"] = {w: str(row[f"w_{w}"]) for w in wheres}
        yield row


class _Sums:
    """The day-by-day sums of each indicator and unit, and each stock's opening level (what was
    counted before the period), filled from grouped event rows."""

    def __init__(self, start: datetime.date, n_days: int, chosen: list[Indicator]):
        self.start, self.n_days, self.chosen = start, n_days, chosen
        self.rows: dict[str, dict[str, np.ndarray]] = {k.key: {} for k in chosen}
        self.opening: dict[str, dict[str, float]] = {k.key: defaultdict(float) for k in chosen}

    def add(self, row: dict, uses, unit_list: list[str]) -> None:
        """Count one grouped row into every indicator term it matches; a unit not yet listed is
        added to ``unit_list``."""
        day = row["d"]
        if isinstance(day, datetime.datetime):
            day = day.date()
        i = (day - self.start).days
        unit = row["u"]
        if unit not in unit_list:
            unit_list.append(unit)
        for ind, n in uses:
            t = ind.terms[n]
            if not t.matches(row["where"]):
                continue
            amount = t.sign * (row["n"] if t.field is None else (row[f"s_{t.field}"] or 0))
            if i < 0:
                self.opening[ind.key][unit] += amount
            else:
                cells = self.rows[ind.key]
                if unit not in cells:
                    cells[unit] = np.zeros(self.n_days)
                cells[unit][i] += amount

    def matrices(self, unit_list: list[str]) -> dict[str, np.ndarray]:
        """Units × days per indicator; a stock is the running total from its opening level."""
        out: dict[str, np.ndarray] = {}
        for ind in self.chosen:
            matrix = np.zeros((len(unit_list), self.n_days))
            for j, unit in enumerate(unit_list):
                if unit in self.rows[ind.key]:
                    matrix[j] = self.rows[ind.key][unit]
                if ind.stock:
                    matrix[j] = np.cumsum(matrix[j]) + self.opening[ind.key].get(unit, 0.0)
            out[ind.key] = matrix
        return out


def outbreak_start(within: str, on: datetime.date) -> datetime.date | None:
    """The first day of the COVID-19 outbreak in force on ``on``: the earliest report of an
    infection in the area with no gap of ``OUTBREAK_GAP_DAYS`` days or more before ``on``; None
    if there is none. (A case of another disease starts no outbreak of the bulletin's.)
    """
    qs = real_only(
        DomainEvent.objects.filter(kind=CASE_REPORTED, time__lt=cutoff(on))
        .subtree(within)
        .filter(payload__new_infection=1)
        .filter(COVID_EVENTS)
    )
    days = sorted(
        {
            d.date() if isinstance(d, datetime.datetime) else d
            for d in qs.annotate(d=TruncDate("time", tzinfo=zone()))
            .order_by()  # the model's ordering would make every event distinct
            .values_list("d", flat=True)
            .distinct()
        },
        reverse=True,
    )
    if not days or (on - days[0]).days >= OUTBREAK_GAP_DAYS:
        return None
    first = days[0]
    for day in days[1:]:
        if (first - day).days >= OUTBREAK_GAP_DAYS:
            break
        first = day
    return first


def high_water() -> int:
    """The newest event id: a stored series computed now reflects every event up to it."""
    return DomainEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def from_storage(
    within: str,
    start: datetime.date,
    end: datetime.date,
    *,
    unit_length: int | None = None,
    units: list[str] | None = None,
) -> Series | None:
    """The same ``Series`` as ``compute``, read from the stored daily indicators when a stored run
    covers the area and the period and no event it counts arrived since (else None).

    A run of ``analytics.actions.series.do_compute_series`` records the newest event id it saw;
    any later event of a counted kind in the area, on or before ``end``, makes the storage stale.
    Events recorded at the area's own code (not a unit below it) are the total less the units'.
    """
    run = _covering_run(within, start, end, unit_length or len(within))
    if run is None or _stale(run, within, end):
        return None
    unit_list = list(units or ([] if unit_length else [within]))
    n_days = (end - start).days + 1
    chosen = indicators()
    data, totals = _stored_values(within, start, end, unit_length, chosen, unit_list)
    values = {}
    for ind in chosen:
        matrix = np.zeros((len(unit_list), n_days))
        for j, unit in enumerate(unit_list):
            if unit in data[ind.key]:
                matrix[j] = data[ind.key][unit]
        if unit_length and ind.key in totals:
            rest = totals[ind.key] - matrix.sum(axis=0)
            if rest.any():
                if within not in unit_list:
                    unit_list.append(within)
                    matrix = np.vstack([matrix, np.zeros(n_days)])
                matrix[unit_list.index(within)] += rest
        values[ind.key] = matrix
    width = len(unit_list)
    values = {
        k: (m if m.shape[0] == width else np.vstack([m, np.zeros((width - m.shape[0], n_days))]))
        for k, m in values.items()
    }
    return Series(start, end, unit_list, values)


def _covering_run(within: str, start, end, depth: int) -> DomainEvent | None:
    """The newest stored run (of the area or one above it) that covers the period at the depth
    asked; a run whose payload cannot be read is passed over, not trusted."""
    runs = DomainEvent.objects.filter(
        kind=SERIES_COMPUTED,
        jurisdiction_code__in=[within[:n] for n in range(1, len(within) + 1)],
    ).order_by("-id")
    for candidate in runs[:20]:
        p = candidate.payload
        try:
            covered = (
                datetime.date.fromisoformat(p["start"]) <= start
                and datetime.date.fromisoformat(p["end"]) >= end
                and int(p.get("depth", 0)) >= depth
            )
        except (KeyError, TypeError, ValueError):
            continue
        if covered and "high_water" in p:
            return candidate
    return None


def _stale(run: DomainEvent, within: str, end) -> bool:
    """Whether the stored rows differ from what ``compute`` gives for a period ending on ``end``:
    a counted event of the area up to ``end`` arrived after the run's high water, or the run
    counted one that was recorded after ``end`` (a late entry, unknown as of ``end``)."""
    kinds = sorted({k for i in indicators() for k in i.kinds})
    differs = DomainEvent.objects.filter(kind__in=kinds, time__lt=cutoff(end)).filter(
        Q(id__gt=run.payload["high_water"]) | Q(recorded_at__gte=cutoff(end))
    )
    return real_only(differs.subtree(within)).exists()


def _stored_values(within: str, start, end, unit_length, chosen, unit_list: list[str]):
    """(key → unit → days) of the stored units, and (key → days) stored at the area's own code.

    The units are the area itself, or its children when ``unit_length`` is given; a stored unit
    not yet in ``unit_list`` is added to it.
    """
    from .models import DailyIndicator

    columns = ("jurisdiction_id", "day", "key", "value")
    stored = DailyIndicator.objects.filter(day__gte=start, day__lte=end)
    if unit_length:
        rows = stored.filter(jurisdiction__parent_id=within).values_list(*columns)
        own = stored.filter(jurisdiction_id=within).values_list(*columns)
    else:
        rows = stored.filter(jurisdiction_id=within).values_list(*columns)
        own = rows.none()
    n_days = (end - start).days + 1
    data: dict[str, dict[str, np.ndarray]] = {i.key: {} for i in chosen}
    for code, day, key, value in rows:
        if key not in data:
            continue
        if code not in unit_list:
            unit_list.append(code)
        data[key].setdefault(code, np.zeros(n_days))[(day - start).days] = value
    totals: dict[str, np.ndarray] = {}
    for _code, day, key, value in own:
        if key in data:
            totals.setdefault(key, np.zeros(n_days))[(day - start).days] = value
    return data, totals


def child_length(code: str) -> int | None:
    """Code length of the level right below ``code`` (None below grids)."""
    longer = [n for n in CODE_LENGTH.values() if n > len(code)]
    return longer[0] if longer else None


def rolled_up(series: Series, length: int) -> dict[str, dict[str, np.ndarray]]:
    """unit code (``length`` digits) → key → days, summing the finer units of ``series``."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for j, unit in enumerate(series.units):
        if len(unit) < length:
            continue
        code = unit[:length]
        for key, matrix in series.values.items():
            row = out.setdefault(code, {}).setdefault(key, np.zeros(matrix.shape[1]))
            row += matrix[j]
    return out


def stored_values(code: str, key: str, start: datetime.date, end: datetime.date) -> list[int]:
    """A stored daily series (zeros where nothing was stored)."""
    from .models import DailyIndicator

    n = (end - start).days + 1
    out = [0] * n
    rows = DailyIndicator.objects.filter(
        jurisdiction_id=code, key=key, day__gte=start, day__lte=end
    ).values_list("day", "value")
    for day, value in rows:
        out[(day - start).days] = value
    return out

"""Materialising the stored series: daily indicators, Rt and forecasts of an area.

``do_compute_series`` recomputes everything of one area for a period from the events, replacing
what was stored for it in one transaction (so a rerun of a past day gives the same rows, and a
half-finished run leaves the old ones). It runs nightly (``pingji dailyreport``), from the demo,
and on demand by a user who may see the area.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.epi import forecast as epi_forecast
from pingji.epi import rt as epi_rt
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction

from .. import estimates
from ..choices import ForecastModel
from ..contracts import SERIES_COMPUTED
from ..models import DailyIndicator, ForecastRun, RtEstimate
from ..series import child_length, compute, high_water, rolled_up, today

#: Indicators are stored down to the county: below it the dashboard computes them live.
STORED_DOWN_TO = CODE_LENGTH[Level.COUNTY]


def check_period(start: datetime.date, end: datetime.date) -> None:
    """Refuse a period that ends in the future, runs backwards or spans more than two years: a
    future day would be stored as zeros and read later as a quiet day."""
    if end > today():
        raise ValidationError({"end": _("The date is in the future.")})
    if start > end:
        raise ValidationError({"start": _("The period starts after it ends.")})
    if (end - start).days > 731:
        raise ValidationError({"start": _("A period is at most two years.")})


@dataclass
class Run:
    """What one run stores: the rows of each table, the units they cover and the run's marks."""

    code: str
    depth: int
    high_water: int
    units: list[str]
    rt_units: list[str]
    indicators: list[DailyIndicator]
    rt: list[RtEstimate]
    forecasts: list[ForecastRun]

    @property
    def counts(self) -> dict:
        return {
            "indicators": len(self.indicators),
            "rt": len(self.rt),
            "forecasts": len(self.forecasts),
        }


def do_compute_series(
    jurisdiction: Jurisdiction,
    start: datetime.date,
    end: datetime.date,
    *,
    actor=None,
    forecasts: bool = True,
    issued_from: datetime.date | None = None,
) -> dict:
    """Store the area's daily indicators (itself and each level down to the county), Rt per window
    end and each model's 7-day forecast issued on every day, for itself and the level below.

    ``issued_from``: Rt and forecasts are estimated, and replaced, only for the days from it on;
    those of earlier days stay as they were stored on their own day (decision 0030: what a day
    showed does not change afterwards). The daily run passes the first day it has not computed,
    so a night costs one day of estimation, not the whole outbreak's.
    ``actor=None`` is the scheduled run; a user must see the area. Returns the counts written.
    Everything is computed before the transaction opens (``_plan``), so the stored rows are
    replaced in one short write (``_store``) and readers never wait on the estimation.
    """
    if actor is not None:
        ensure_allowed(actor, jurisdiction, "view")
    check_period(start, end)
    issued_from = min(max(issued_from or start, start), end)
    run = _plan(jurisdiction.code, start, end, forecasts=forecasts, issued_from=issued_from)
    _store(run, jurisdiction, start, end, issued_from, actor=actor, forecasts=forecasts)
    return run.counts


def _plan(
    code: str,
    start: datetime.date,
    end: datetime.date,
    *,
    forecasts: bool,
    issued_from: datetime.date | None = None,
) -> Run:
    """Every row the run will store, computed from the events as they stand now.

    The high-water mark is read before the series: an event written while the run computes is
    newer than the mark, so a reader of the storage sees it as stale rather than trusting rows
    that missed it.
    """
    finest = STORED_DOWN_TO if len(code) < STORED_DOWN_TO else len(code)
    seen = high_water()
    series = compute(code, start, end, unit_length=finest)
    now = clock.now()
    lengths = sorted({n for n in CODE_LENGTH.values() if len(code) <= n <= finest})
    per_unit: dict[str, dict[str, np.ndarray]] = {}
    for length in lengths:
        per_unit.update(rolled_up(series, length))
    per_unit.setdefault(code, {k: m.sum(axis=0) for k, m in series.values.items()})
    known = set(Jurisdiction.objects.filter(code__in=list(per_unit)).values_list("code", flat=True))
    days = series.days
    rows = [
        DailyIndicator(jurisdiction_id=unit, day=days[i], key=key, value=int(v), computed_at=now)
        for unit, keys in per_unit.items()
        if unit in known
        for key, values in keys.items()
        for i, v in enumerate(values)
        if v
    ]
    below = child_length(code)
    rt_units = [code] + sorted(u for u in known if below and len(u) == below)
    first = (issued_from - start).days if issued_from else 0
    rt_rows: list[RtEstimate] = []
    fc_rows: list[ForecastRun] = []
    earlier = stored_renewal(rt_units, days, first) if forecasts and first else {}
    for unit in rt_units:
        local = per_unit.get(unit, {}).get("new_local_infection")
        imported = per_unit.get(unit, {}).get("new_imported_infection")
        if local is None or imported is None or not (local.sum() + imported.sum()):
            continue
        # the interval of each day from the pairs known by its end: nothing learned later
        sis = [None] * first + estimates.serial_intervals(unit, days[first:])
        common = {"jurisdiction_id": unit, "computed_at": now}
        rt_rows += _rt_rows(local, imported, start, sis, common)
        if forecasts:
            isolated = per_unit[unit].get("new_inside_control", np.zeros_like(local))
            fc_rows += _forecast_rows(
                (local, imported, isolated), days, sis, common, first, earlier.get(unit)
            )
    return Run(code, finest, seen, list(known), rt_units, rows, rt_rows, fc_rows)


def _store(
    run: Run, jurisdiction: Jurisdiction, start, end, issued_from, *, actor, forecasts: bool
) -> None:
    """Replace the stored rows of the run's units and period (Rt and forecasts: from
    ``issued_from``), and mark the run, in one transaction: a reader sees the old rows or the new
    ones, never half of each."""
    with transaction.atomic():
        _clear(
            DailyIndicator.objects.filter(
                jurisdiction_id__in=run.units, day__gte=start, day__lte=end
            )
        )
        DailyIndicator.objects.bulk_create(run.indicators, batch_size=2000)
        _clear(
            RtEstimate.objects.filter(
                jurisdiction_id__in=run.rt_units, day__gte=issued_from, day__lte=end
            )
        )
        RtEstimate.objects.bulk_create(run.rt, batch_size=2000)
        if forecasts:
            _clear(
                ForecastRun.objects.filter(
                    jurisdiction_id__in=run.rt_units,
                    issued_on__gte=issued_from,
                    issued_on__lte=end,
                )
            )
            ForecastRun.objects.bulk_create(run.forecasts, batch_size=500)
        record_event(
            SERIES_COMPUTED,
            message(
                gettext_noop("Series of %(name)s computed for %(start)s to %(end)s"),
                {"name": jurisdiction.name, "start": start, "end": end},
            ),
            jurisdiction_code=run.code,
            subject=jurisdiction,
            actor=actor,
            payload={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "issued_from": issued_from.isoformat(),
                "depth": run.depth,
                "high_water": run.high_water,
                **run.counts,
            },
        )


def _clear(qs) -> None:
    """Delete derived rows in one statement, without loading them or sending a signal per row.

    These tables are read models of the events (``audited = False``), so the change log keeps
    none of their rows whichever way they are written or deleted; the run itself is recorded as
    its ``analytics.series_computed`` event.
    """
    qs._raw_delete(qs.db)


def _si_fields(si: estimates.SerialInterval) -> dict:
    """The stored record of the serial interval a row used (``SerialIntervalMixin``)."""
    return {
        "si_mean": si.mean,
        "si_sd": si.sd,
        "si_source": si.source,
        "si_pairs": si.pairs,
        "si_figure": si.figure,
    }


def _rt_rows(local, imported, start, sis, common: dict) -> list[RtEstimate]:
    """Rt per window end of one unit (``estimates.rt_rows``), each with its interval and
    quantiles as stored columns; a window with too little data keeps its row, without numbers."""
    rows = []
    for r in estimates.rt_rows(local, imported, start, sis):
        q = r.quantiles or (None,) * len(epi_rt.QUANTILES)
        rows.append(
            RtEstimate(
                day=r.day,
                window_start=r.window_start,
                mean=r.mean,
                std=r.std,
                q025=q[0],
                q05=q[1],
                q25=q[2],
                q50=q[3],
                q75=q[4],
                q95=q[5],
                q975=q[6],
                insufficient_data=r.insufficient,
                **_si_fields(r.si),
                **common,
            )
        )
    return rows


def _forecast_rows(
    counts, days, sis, common: dict, first: int = 0, earlier: np.ndarray | None = None
) -> list[ForecastRun]:
    """Every model's forecast issued on each day from index ``first`` (``estimates.
    model_forecasts``), each with the serial interval known on its day; the ensemble weighs the
    renewal forecasts stored for the days before ``first`` (``earlier``, from
    ``stored_renewal``) rather than running them again. ``counts``: the local, imported and
    isolated (found inside control) series."""
    local, imported, isolated = counts
    made = estimates.model_forecasts(
        local,
        imported,
        sis,
        shown_from=first,
        first_day=days[0],
        earlier=earlier,
        isolated=isolated,
    )
    rows = []
    for model, quantiles in made.quantiles.items():
        for i, day in enumerate(days[first:], start=first):
            if np.isnan(quantiles[i]).any():
                continue
            rows.append(
                ForecastRun(
                    issued_on=day,
                    horizon=estimates.HORIZON,
                    model=model,
                    r_mean=None if model != ForecastModel.RENEWAL else float(made.r_mean[i]),
                    points=estimates.points_of(quantiles[i], day, made.cdf[model][i]),
                    **_si_fields(sis[i]),
                    **common,
                )
            )
    return rows


def stored_renewal(
    units: list[str], days: list[datetime.date], first: int
) -> dict[str, np.ndarray]:
    """Unit → ``(T, horizon, Q)`` of the renewal forecasts stored on the days before index
    ``first`` that the ensemble's skill window reaches (NaN where none was stored), for every unit
    in one query."""
    shape = (len(days), estimates.HORIZON, len(epi_forecast.FORECAST_QUANTILES))
    out = {unit: np.full(shape, np.nan) for unit in units}
    reach = max(0, first - estimates.SKILL_REACH)
    stored = ForecastRun.objects.filter(
        jurisdiction_id__in=units,
        model=ForecastModel.RENEWAL,
        horizon=estimates.HORIZON,
        issued_on__gte=days[reach],
        issued_on__lt=days[first],
    ).values_list("jurisdiction_id", "issued_on", "points")
    for unit, issued_on, points in stored:
        out[unit][(issued_on - days[0]).days] = estimates.quantiles_of(points)
    return out

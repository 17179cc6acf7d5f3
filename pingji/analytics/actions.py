"""Materialising the stored series: daily indicators, Rt and forecasts of an area.

``do_compute_series`` recomputes everything of one area for a period from the events, replacing
what was stored for it in one transaction (so a rerun of a past day gives the same rows, and a
half-finished run leaves the old ones). It runs nightly (``pingji dailyreport``), from the demo,
and on demand by a user who may see the area.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.epi import rt as epi_rt
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction

from . import estimates
from .choices import ForecastModel
from .models import DailyIndicator, ForecastRun, RtEstimate
from .series import Series, compute, high_water, today

#: Indicators are stored down to the county: below it the dashboard computes them live.
STORED_DOWN_TO = CODE_LENGTH[Level.COUNTY]


def check_period(start: datetime.date, end: datetime.date) -> None:
    if end > today():
        raise ValidationError({"end": _("The date is in the future.")})
    if start > end:
        raise ValidationError({"start": _("The period starts after it ends.")})
    if (end - start).days > 731:
        raise ValidationError({"start": _("A period is at most two years.")})


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


def _clear(qs) -> None:
    """Delete derived rows in one statement: like ``bulk_create``, no per-row signal, so no
    change-log row per value (the run itself is the ``analytics.series_computed`` event)."""
    qs._raw_delete(qs.db)


def do_compute_series(
    jurisdiction: Jurisdiction,
    start: datetime.date,
    end: datetime.date,
    *,
    actor=None,
    forecasts: bool = True,
) -> dict:
    """Store the area's daily indicators (itself and each level down to the county), Rt per window
    end and each model's 7-day forecast issued on every day, for itself and the level below.

    ``actor=None`` is the scheduled run; a user must see the area. Returns the counts written.
    """
    if actor is not None:
        ensure_allowed(actor, jurisdiction, "view")
    check_period(start, end)
    code = jurisdiction.code
    finest = STORED_DOWN_TO if len(code) < STORED_DOWN_TO else len(code)
    seen = high_water()  # before reading: an event written meanwhile makes the run stale
    series = compute(code, start, end, unit_length=finest)
    now = timezone.now()
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
    rt_rows, fc_rows = [], []
    for unit in rt_units:
        local = per_unit.get(unit, {}).get("new_local_infection")
        imported = per_unit.get(unit, {}).get("new_imported_infection")
        if local is None or imported is None or not (local.sum() + imported.sum()):
            continue
        # the interval of each day from the pairs known by its end: nothing learned later
        sis = estimates.serial_intervals(unit, days)
        common = {"jurisdiction_id": unit, "computed_at": now}
        for r in estimates.rt_rows(local, imported, start, sis):
            q = r.quantiles or (None,) * len(epi_rt.QUANTILES)
            rt_rows.append(
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
        if forecasts:
            fc_rows += _forecast_rows(local, imported, days, sis, common)
    units = list(known)
    with transaction.atomic():
        _clear(
            DailyIndicator.objects.filter(jurisdiction_id__in=units, day__gte=start, day__lte=end)
        )
        DailyIndicator.objects.bulk_create(rows, batch_size=2000)
        _clear(
            RtEstimate.objects.filter(jurisdiction_id__in=rt_units, day__gte=start, day__lte=end)
        )
        RtEstimate.objects.bulk_create(rt_rows, batch_size=2000)
        if forecasts:
            _clear(
                ForecastRun.objects.filter(
                    jurisdiction_id__in=rt_units, issued_on__gte=start, issued_on__lte=end
                )
            )
            ForecastRun.objects.bulk_create(fc_rows, batch_size=500)
        counts = {"indicators": len(rows), "rt": len(rt_rows), "forecasts": len(fc_rows)}
        record_event(
            "analytics.series_computed",
            _("Series of %(name)s computed for %(start)s to %(end)s")
            % {"name": jurisdiction.name, "start": start, "end": end},
            jurisdiction_code=code,
            subject=jurisdiction,
            actor=actor,
            payload={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "depth": finest,
                "high_water": seen,
                **counts,
            },
        )
    return counts


def _si_fields(si: estimates.SerialInterval) -> dict:
    """The stored record of the serial interval a row used (``SerialIntervalMixin``)."""
    return {"si_mean": si.mean, "si_sd": si.sd, "si_source": si.source, "si_pairs": si.pairs}


def _forecast_rows(local, imported, days, sis, common: dict) -> list[ForecastRun]:
    """Every model's forecast issued on every day of the series (``estimates.model_forecasts``),
    each with the serial interval known on its day."""
    by_model, r_mean = estimates.model_forecasts(local, imported, sis)
    rows = []
    for model, quantiles in by_model.items():
        for i, day in enumerate(days):
            if np.isnan(quantiles[i]).any():
                continue
            rows.append(
                ForecastRun(
                    issued_on=day,
                    horizon=estimates.HORIZON,
                    model=model,
                    r_mean=None if model != ForecastModel.RENEWAL else float(r_mean[i]),
                    points=estimates.points_of(quantiles[i], day),
                    **_si_fields(sis[i]),
                    **common,
                )
            )
    return rows


def stored_values(code: str, key: str, start: datetime.date, end: datetime.date) -> list[int]:
    """A stored daily series (zeros where nothing was stored)."""
    n = (end - start).days + 1
    out = [0] * n
    rows = DailyIndicator.objects.filter(
        jurisdiction_id=code, key=key, day__gte=start, day__lte=end
    ).values_list("day", "value")
    for day, value in rows:
        out[(day - start).days] = value
    return out

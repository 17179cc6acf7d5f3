"""The daily recomputation of the whole province (series, Rt, forecasts) against one area at a time.

Measured: what the daily run of day D plans for the province (``analytics.actions.series._plan``
with ``issued_from=D``: every indicator of every area down to the county over the outbreak, from one
pass over the events; Rt and every model's forecast of D for the province and its cities), on the
demo's replay of September 2021. Peer, in the same run and through the same code: each of those 94
areas recomputed on its own, its series read from the events for that area alone
(``series.compute``) and its Rt and forecasts of D estimated from it. Both must give exactly the
same rows. Nothing is written (the plan is what a run would store).
Usage: ``python bench/province_series.py [--data-dir DIR] [--day D]`` (default: a fresh demo,
built first; D = 2021-09-20, the outbreak's second week).
"""

import argparse
import datetime
import os
import subprocess
import sys
import time

from _common import embedded_env, emit, fresh_data_dir, setup_django

START = datetime.date(2021, 9, 7)  # the outbreak's first report, less the three days shown before


def build_demo(data_dir: str) -> None:
    done = subprocess.run(
        # the whole record, as in earlier sessions' figures (the demo's own now stops at 09-20)
        [sys.executable, "-m", "pingji.cli", "demo", "--no-serve", "--now", "2021-11-01T08:00"],
        env=embedded_env(data_dir),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"pingji demo failed:\n{done.stderr[-3000:]}")


def one_area_at_a_time(codes, rt_codes, day: datetime.date) -> tuple[dict, list, list]:
    """The same rows, each area's series read on its own (the peer)."""
    from pingji.analytics import estimates
    from pingji.analytics.actions.series import _forecast_rows, _rt_rows, stored_renewal
    from pingji.analytics.series import compute

    values, rt, forecasts = {}, [], []
    first = (day - START).days
    for code in codes:
        series = compute(code, START, day, unit_length=len(code))
        totals = {key: m.sum(axis=0) for key, m in series.values.items()}
        if any(row.any() for row in totals.values()):
            values[code] = totals
        local, imported = totals["new_local_infection"], totals["new_imported_infection"]
        if code not in rt_codes or not (local.sum() + imported.sum()):
            continue
        sis = [None] * first + estimates.serial_intervals(code, [day])
        common = {"jurisdiction_id": code, "computed_at": None}
        rt += _rt_rows(local, imported, START, sis, common)
        earlier = stored_renewal([code], series.days, first)[code]
        forecasts += _forecast_rows(local, imported, series.days, sis, common, first, earlier)
    return values, rt, forecasts


def every_area_down_to_county(code: str) -> list[str]:
    """The areas a daily run stores: the province, its cities and counties (no drill sandbox)."""
    from pingji.analytics.actions.series import STORED_DOWN_TO
    from pingji.geo.drills import real_only
    from pingji.geo.models import Jurisdiction

    codes = real_only(Jurisdiction.objects.filter(code__startswith=code), "code")
    return sorted(c for c in codes.values_list("code", flat=True) if len(c) <= STORED_DOWN_TO)


def stored(rows, fields) -> list[tuple]:
    return sorted(tuple(str(getattr(r, f)) for f in fields) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", help="a demo's data dir (default: build a fresh demo)")
    parser.add_argument("--day", type=datetime.date.fromisoformat, default="2021-09-20")
    args = parser.parse_args()
    day = args.day
    data_dir = args.data_dir or fresh_data_dir("province-series")
    if not args.data_dir:
        build_demo(data_dir)
    setup_django(data_dir)
    from pingji.analytics.actions.series import _plan

    started = time.perf_counter()
    run = _plan("35", START, day, forecasts=True, issued_from=day)
    batched_s = time.perf_counter() - started

    areas = every_area_down_to_county("35")
    started = time.perf_counter()
    values, rt, forecasts = one_area_at_a_time(areas, set(run.rt_units), day)
    peer_s = time.perf_counter() - started

    indicators = {(r.jurisdiction_id, r.day, r.key): r.value for r in run.indicators}
    peer_indicators = {
        (code, START + datetime.timedelta(days=i), key): int(v)
        for code, keys in values.items()
        for key, row in keys.items()
        for i, v in enumerate(row)
        if v
    }
    rt_fields = ["jurisdiction_id", "day", "mean", "q025", "q975", "si_mean", "insufficient_data"]
    fc_fields = ["jurisdiction_id", "issued_on", "model", "points"]
    emit(
        "province_series",
        {
            "day": day.isoformat(),
            "areas": len(areas),
            "areas_with_events": len(run.units),
            "areas_with_rt": len(run.rt_units),
            "rows": run.counts,
            "batched_s": round(batched_s, 3),
            "one_area_at_a_time_s": round(peer_s, 3),
            "ratio": round(peer_s / batched_s, 1),
            "equal": {
                "indicators": indicators == peer_indicators,
                "rt": stored(run.rt, rt_fields) == stored(rt, rt_fields),
                "forecasts": stored(run.forecasts, fc_fields) == stored(forecasts, fc_fields),
            },
            "load": os.getloadavg()[0],
        },
    )


if __name__ == "__main__":
    main()

"""The simulator against the September 2021 replay: Putian and Xiamen at full scale.

For each city (``pingji.epi.abm.replay``, data and sources in
``pingji/epi/abm/data/fujian-2021-replay.json``): the synthetic residents by district at full
scale (3.21 M and 5.16 M, streamed from the generator), Delta, the measures as taken. Then:

1. **Calibration** of ``beta`` on the first seven days of detections only (the rule, fixed before
   the rest was looked at: from the city's first detection through the sixth day after it —
   Putian 10–16 Sep, Xiamen 12–18 Sep): a grid of ``beta`` (× the data file's 0.0352), each
   value an ensemble of ``--cal-seeds`` runs stopped at the window's end, scored by the Poisson
   log-likelihood of the bulletin's daily detections given the runs' mean daily diagnoses
   (runs whose outbreak was never detected in the window left out).
2. **Forward** with the best ``beta``: ``--seeds`` runs to 15 October; observed total detected
   infections (confirmed + asymptomatic, each counted once) and observed peak week (calendar
   week by reporting day) against the ensemble's 90 % intervals.
3. **Counterfactual** (Xiamen): the same ``beta`` with no measures; infections through 30 Sep
   beside Liu et al. 2022's model figure (interventions cut cumulative cases by 99.67 %:
   236 / (1 − 0.9967) ≈ 71,500 without them).

Prints one JSON line and writes a Markdown summary to ``--markdown``. Usage:
``python bench/simulator_replay.py [--scale 1] [--seeds 16] [--cal-seeds 4]``.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import numpy as np
from _common import ROOT, emit, peak_rss_mib

sys.path.insert(0, str(ROOT))

from pingji.epi.abm import Ensemble, replay, run_ensemble  # noqa: E402
from pingji.epi.abm.validation import (  # noqa: E402
    alive,
    calibrate_beta,
    compare,
    cumulative_infections,
)

BULLETINS = ROOT / "pingji" / "demo" / "data"
BY_CITY = BULLETINS / "fujian_local_cases_daily_by_city_2021-08-01_2021-10-31.csv"
PROVINCE = BULLETINS / "fujian_local_cases_daily_province_2021-08-01_2021-10-31.csv"
END = datetime.date(2021, 10, 15)
CAL_DAYS = 7
INITIAL = 5  # infections seeded in the seed district on the run's first day (the rule)
GRID = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0)
#: Liu W et al., Front Public Health 2022;10:887146: 236 cases in Xiamen 8–30 Sep 2021; the
#: model attributes a 99.67 % reduction in cumulative cases to the interventions.
LIU_CASES, LIU_REDUCTION = 236, 0.9967


def load() -> str:
    return Path("/proc/loadavg").read_text().strip()


def city_run(key: str, scale: float, seeds: int, cal_seeds: int) -> dict:
    out: dict = {"city": key, "load_start": load()}
    city = replay.city(key)
    n_days = city.day(END) + 1
    t0 = time.perf_counter()
    pop = replay.population(city, seed=1, scale=scale)
    out.update(agents=pop.size, build_s=round(time.perf_counter() - t0, 1))
    observed = replay.observed_by_run_day(
        city, replay.first_detections(city, BY_CITY, PROVINCE), n_days
    )
    a = city.day(city.first_detection)
    window = (a, a + CAL_DAYS)
    base = replay.pathogen().beta

    def make(beta: float, days: int, measures: bool = True):
        return replay.scenario(city, pop, beta, days, initial_infections=INITIAL,
                               with_measures=measures)  # fmt: skip

    t0 = time.perf_counter()
    cal = calibrate_beta(make, [base * g for g in GRID], observed, window,
                         seeds=range(1000, 1000 + cal_seeds))  # fmt: skip
    out["calibration"] = {**cal.to_dict(), "observed": observed[window[0]:window[1]].tolist(),
                          "expected_at_best": cal.expected.get(cal.best),
                          "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
    t0 = time.perf_counter()
    ens = run_ensemble(make(cal.best, n_days), range(1, seeds + 1))
    kept = alive(ens.runs, slice(*window))
    out["forward"] = {**compare(kept, observed, city.start), "seeds": seeds,
                      "died_out_before_detection": seeds - len(kept),
                      "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
    out["load_after_forward"] = load()
    if key == "xiamen":
        t0 = time.perf_counter()
        cf = run_ensemble(make(cal.best, n_days, measures=False), range(1, seeds + 1))
        # the outbreak was there when Xiamen detected it: runs that died out before are not
        cf = Ensemble([r for r in cf.runs if r.new_infections[window[0] :].sum() > 0])
        to_30 = city.day(datetime.date(2021, 9, 30))
        liu = LIU_CASES / (1 - LIU_REDUCTION)
        through = cumulative_infections(cf, to_30)
        out["counterfactual"] = {
            "infections_through_09_30": through,
            "infections_through_10_15": cumulative_infections(cf, n_days - 1),
            "liu_2022_without_interventions": round(liu),
            "ratio_median_to_liu": round(through["median"] / liu, 2),
            "reduction_median": round(1 - out["forward"]["observed_total"] / through["median"], 4),
            "runs": len(cf.runs),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    out["load_end"] = load()
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def markdown(rows: list[dict]) -> str:
    lines = ["| city | agents | β (× 0.0352) | total detected: observed / median [90 %] "
             "| contained | peak week: observed / [90 %] | contained | load start → end |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        f, c = r["forward"], r["calibration"]
        lo, hi = f["total_interval"]
        yes = {True: "yes", False: "no"}
        lines.append(
            f"| {r['city']} | {r['agents']:,} | {c['best'] / 0.0352:.2f} | "
            f"{f['observed_total']} / {f['total_median']:.0f} [{lo:.0f}–{hi:.0f}] | "
            f"{yes[f['total_contained']]} | {f['observed_peak_week']} / "
            f"[{f['peak_week_interval'][0]} – {f['peak_week_interval'][1]}] | "
            f"{yes[f['peak_week_contained']]} | "
            f"{r['load_start'].split()[0]} → {r['load_end'].split()[0]} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--cal-seeds", type=int, default=4)
    parser.add_argument("--cities", nargs="+", default=["putian", "xiamen"])
    parser.add_argument("--markdown", default="/tmp/bench_replay_table.md")
    args = parser.parse_args()
    rows = [city_run(k, args.scale, args.seeds, args.cal_seeds) for k in args.cities]
    Path(args.markdown).write_text(markdown(rows), encoding="utf-8")
    emit("simulator_replay", {"scale": args.scale, "cpus": os.cpu_count(), "cities": rows,
                              "numpy": np.__version__})  # fmt: skip


if __name__ == "__main__":
    main()

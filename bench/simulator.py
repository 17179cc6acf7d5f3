"""The agent-based simulator against Covasim's default scenario, and the whole province.

Peer: Covasim's default scenario — ``cv.Sim(pop_size=1_000_000, n_days=180)`` with everything
else at its defaults (random population, 20 static contacts per agent, 20 seed infections,
beta 0.016, its default durations and age prognoses) — run by ``bench/covasim_default.py`` in
each Covasim virtual environment named with ``--peer`` (one release per environment, never in
Pingji's), in the same run as Pingji, one seed after another.

Pingji reproduces the scenario with :func:`pingji.epi.abm.random_population` (Covasim's random
layer: ``round(Poisson(20)/2)`` undirected contacts started by each agent) and Covasim's default
parameters (``pingji/epi/abm/data/covasim-default.json``), linear transmission as Covasim, and
181 daily steps (Covasim's 180 days are steps 0–180). The attack rate compared is the share of
agents infected at least once (Covasim: ``cum_infections - cum_reinfections``; Pingji has no
waning immunity, so no reinfection). Speed is agent-days per second of the run itself (Covasim:
``sim.run()``; Pingji: ``run()``, which includes indexing the layers), wall and CPU.

``--province N`` then runs one Delta scenario on a synthetic population of N agents (households,
classes, workplaces, grids; no scale factor) for ``--days`` days and reports time and peak RSS.
``--fanout`` checks an ensemble over all cores against the same seeds run one by one; ``--pop 0``
skips the Covasim scenario (the province alone).
Usage: ``python bench/simulator.py [--pop 1000000] [--seeds 1 2 3]
[--peer /tmp/cv-latest/bin/python --peer /tmp/cv-316/bin/python] [--province 41500000]``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import ROOT, emit, peak_rss_mib

sys.path.insert(0, str(ROOT))

from pingji.epi.abm import (  # noqa: E402
    Layer,
    Pathogen,
    Scenario,
    random_population,
    run,
    run_ensemble,
    synthetic_population,
)
from pingji.epi.abm.replay import delta_figures  # noqa: E402

DATA = ROOT / "pingji" / "epi" / "abm" / "data"


def load(name: str) -> Pathogen:
    return Pathogen.from_dict(json.loads((DATA / name).read_text(encoding="utf-8")))


def uptime() -> str:
    return Path("/proc/loadavg").read_text().strip()


def covasim(python: str, pop: int, days: int, seeds: list[int]) -> list[dict]:
    out = subprocess.run(
        [python, str(ROOT / "bench" / "covasim_default.py"), "--pop", str(pop), "--days",
         str(days), "--seeds", *map(str, seeds)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    for row in rows:
        row["attack_rate"] = (row["cum_infections"] - row["cum_reinfections"]) / pop
        row["agent_days_per_s"] = pop * (days + 1) / row["run_s"]
        row.pop("new_infections", None)
    return rows


def pingji_default(pop: int, days: int, seeds: list[int]) -> list[dict]:
    pathogen = load("covasim-default.json")
    # compile or load the kernels outside the timing
    warm = random_population(1000, 0)
    run(Scenario(warm, pathogen, [Layer("a", "static")], n_days=5, transmission="linear"), 0)
    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        population = random_population(pop, seed)
        t1, c1 = time.perf_counter(), time.process_time()
        scenario = Scenario(
            population,
            pathogen,
            [Layer("a", "static")],
            n_days=days + 1,
            initial_infections=20,
            transmission="linear",
        )
        result = run(scenario, seed)
        t2, c2 = time.perf_counter(), time.process_time()
        rows.append(
            {
                "seed": seed,
                "init_s": round(t1 - t0, 2),
                "run_s": round(t2 - t1, 2),
                "run_cpu_s": round(c2 - c1, 2),
                "attack_rate": result.attack_rate,
                "deaths": int(result.new_deaths.sum()),
                "agent_days_per_s": pop * (days + 1) / (t2 - t1),
            }
        )
    return rows


def province(n: int, days: int, seed: int, seeds: int) -> dict:
    t0 = time.perf_counter()
    population = synthetic_population(n, seed, areas=100)
    t1 = time.perf_counter()
    layers = [
        Layer("household", "household", beta=3.0),
        Layer("school", "group", beta=0.6, contacts=10),
        Layer("work", "group", beta=0.6, contacts=8),
        Layer("community", "group", beta=0.3, contacts=10),
    ]
    scenario = Scenario(population, Pathogen.from_dict(delta_figures()), layers, n_days=days,
                        initial_infections=seeds)  # fmt: skip
    result = run(scenario, seed)
    t2 = time.perf_counter()
    return {
        "agents": n,
        "days": days,
        "initial_infections": seeds,
        "build_s": round(t1 - t0, 1),
        "run_s": round(t2 - t1, 1),
        "attack_rate": round(result.attack_rate, 4),
        "peak_rss_mib": peak_rss_mib(),
    }


def fanout(pop: int, days: int, seeds: list[int]) -> dict:
    scenario = Scenario(random_population(pop, 1), load("covasim-default.json"),
                        [Layer("a", "static")], n_days=days + 1, initial_infections=20,
                        transmission="linear")  # fmt: skip
    t0 = time.perf_counter()
    serial = run_ensemble(scenario, seeds, workers=1)
    t1 = time.perf_counter()
    parallel = run_ensemble(scenario, seeds, workers=os.cpu_count())
    t2 = time.perf_counter()
    same = all(
        np.array_equal(a.new_infections, b.new_infections)
        and np.array_equal(a.by_layer, b.by_layer)
        for a, b in zip(serial.runs, parallel.runs, strict=True)
    )
    return {
        "workers": os.cpu_count(),
        "serial_s": round(t1 - t0, 2),
        "parallel_s": round(t2 - t1, 2),
        "identical": same,
    }


def summary(rows: list[dict]) -> dict:
    ar = [r["attack_rate"] for r in rows]
    speed = [r["agent_days_per_s"] for r in rows]
    return {
        "attack_rate_mean": round(float(np.mean(ar)), 4),
        "attack_rate_sd": round(float(np.std(ar)), 4),
        "agent_days_per_s_mean": round(float(np.mean(speed))),
        "runs": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pop", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--peer", action="append", default=[])
    parser.add_argument("--province", type=int, default=0)
    parser.add_argument("--province-seeds", type=int, default=100)
    parser.add_argument("--fanout", action="store_true")
    args = parser.parse_args()
    figures: dict = {"load_before": uptime(), "pop": args.pop, "days": args.days}
    if args.pop > 0:  # --pop 0: the province alone
        ours = summary(pingji_default(args.pop, args.days, args.seeds))
        figures["pingji"] = ours
        figures["load_after_pingji"] = uptime()
        for python in args.peer:
            peer = summary(covasim(python, args.pop, args.days, args.seeds))
            version = peer["runs"][0]["covasim"] if peer["runs"] else python
            peer["attack_rate_relative_difference"] = round(
                ours["attack_rate_mean"] / peer["attack_rate_mean"] - 1, 4
            )
            peer["speed_ratio"] = round(
                ours["agent_days_per_s_mean"] / peer["agent_days_per_s_mean"], 1
            )
            figures[f"covasim_{version}"] = peer
            figures[f"load_after_covasim_{version}"] = uptime()
    if args.fanout:
        figures["fanout"] = fanout(min(args.pop or 200_000, 200_000), args.days, args.seeds)
    if args.province:
        figures["province"] = province(args.province, args.days, 1, args.province_seeds)
        figures["load_after_province"] = uptime()
    emit("simulator", figures)


if __name__ == "__main__":
    main()

"""Covasim's default scenario, run inside a Covasim virtual environment (the bench peer).

Not part of Pingji: ``bench/simulator.py`` runs this file with the interpreter of a separate
virtual environment holding one Covasim release (the current one, and classic 3.1.6), so the
peer never shares Pingji's environment. It prints one JSON line per seed: the release, the seed,
the seconds taken to build the population and to run, and the infections counted.
Usage: ``/tmp/cv-latest/bin/python bench/covasim_default.py --pop 1000000 --days 180 --seeds 1 2``.
"""

import argparse
import json
import time

import covasim as cv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pop", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    for seed in args.seeds:
        t0 = time.perf_counter()
        sim = cv.Sim(pop_size=args.pop, n_days=args.days, rand_seed=seed, verbose=0)
        sim.initialize()
        t1, c1 = time.perf_counter(), time.process_time()
        sim.run()
        t2, c2 = time.perf_counter(), time.process_time()
        res = sim.results
        cum = float(res["cum_infections"][-1])
        reinf = float(res["cum_reinfections"][-1]) if "cum_reinfections" in res else 0.0
        print(
            json.dumps(
                {
                    "covasim": cv.__version__,
                    "seed": seed,
                    "pop_size": args.pop,
                    "n_days": args.days,
                    "init_s": round(t1 - t0, 2),
                    "run_s": round(t2 - t1, 2),
                    "run_cpu_s": round(c2 - c1, 2),
                    "cum_infections": cum,
                    "cum_reinfections": reinf,
                    "cum_deaths": float(res["cum_deaths"][-1]),
                    "new_infections": [float(x) for x in res["new_infections"]],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()

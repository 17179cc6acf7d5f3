"""Rt for many jurisdictions at once: the vectorised ``estimate_many`` against a plain loop.

Synthetic daily local cases for ``--series`` jurisdictions over ``--days`` days (fixed seed: one
epidemic wave per jurisdiction with its own size, peak day and width, Poisson noise), serial
interval mean 4.6 / sd 2.4 days (any SI would do; the cost does not depend on it), EpiEstim's
weekly sliding windows and all seven posterior quantiles.

Peer, measured in the same run: the same formula written as a straightforward per-jurisdiction,
per-day, per-window Python loop with ``scipy.stats.gamma.ppf`` per window. It runs on the first
``--peer-series`` jurisdictions only and is scaled linearly to all of them (``peer_scaled_s``);
its numbers are also compared with the vectorised ones (``max_abs_diff_mean``).
Usage: ``python bench/rt.py [--series 1000] [--days 365] [--peer-series 20] [--repeat 5]``.
"""

import argparse
import sys
import time

import numpy as np
from _common import ROOT, emit, peak_rss_mib

sys.path.insert(0, str(ROOT))

from scipy import stats  # noqa: E402

from pingji.epi import rt  # noqa: E402

SI_MEAN, SI_SD = 4.6, 2.4


def synthetic_incidence(series: int, days: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)[None, :]
    size = rng.lognormal(3.0, 1.2, size=(series, 1))
    peak = rng.uniform(30, days - 30, size=(series, 1))
    width = rng.uniform(10, 60, size=(series, 1))
    return rng.poisson(size * np.exp(-0.5 * ((t - peak) / width) ** 2) + 0.2).astype(float)


def loop_estimate(local: list[float], si: list[float], window: int, mean_si: float) -> list:
    """One series, the obvious way: Lambda day by day, then each window's sums and quantiles."""
    local = list(local)
    imported = [local[0]] + [0.0] * (len(local) - 1)
    local[0] = 0.0
    total = [a + b for a, b in zip(local, imported, strict=True)]
    lam = [0.0]
    for t in range(1, len(total)):
        lam.append(sum(si[s] * total[t - s] for s in range(1, min(t, len(si) - 1) + 1)))
    rows = []
    for start in range(2, len(total) - window + 2):
        end = start + window - 1
        if end <= mean_si:
            continue
        shape = 1.0 + sum(local[start - 1 : end])
        scale = 1.0 / (1.0 / 5.0 + sum(lam[start - 1 : end]))
        quantiles = [stats.gamma.ppf(q, shape, scale=scale) for q in rt.QUANTILES]
        rows.append((shape * scale, shape**0.5 * scale, quantiles))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--peer-series", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20210910)
    args = parser.parse_args()

    local = synthetic_incidence(args.series, args.days, args.seed)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        est = rt.estimate_many(local, si_mean=SI_MEAN, si_sd=SI_SD)
        quantiles = est.quantiles  # computed on demand: time it with the rest
        timings.append(time.perf_counter() - started)
    mean = est.mean

    si = rt.serial_interval(args.days, si_mean=SI_MEAN, si_sd=SI_SD).tolist()
    started = time.perf_counter()
    peer = [
        loop_estimate(local[j].tolist(), si, rt.DEFAULT_WINDOW, est.si_mean)
        for j in range(args.peer_series)
    ]
    peer_s = time.perf_counter() - started
    peer_mean = np.array([[row[0] for row in rows] for rows in peer])
    peer_q = np.array([[row[2] for row in rows] for rows in peer])

    emit(
        "rt",
        {
            "series": args.series,
            "days": args.days,
            "windows_per_series": int(est.t_start.size),
            "cases": int(local.sum()),
            "vectorised_s": round(min(timings), 4),
            "vectorised_median_s": round(float(np.median(timings)), 4),
            "peer": "per-series per-window Python loop, scipy.stats.gamma.ppf per window",
            "peer_series_measured": args.peer_series,
            "peer_measured_s": round(peer_s, 3),
            "peer_scaled_s": round(peer_s * args.series / args.peer_series, 2),
            "peer_scaled": args.peer_series != args.series,
            "speedup": round(peer_s * args.series / args.peer_series / min(timings), 1),
            "max_abs_diff_mean": float(np.abs(peer_mean - mean[: args.peer_series]).max()),
            "max_abs_diff_quantiles": float(np.abs(peer_q - quantiles[: args.peer_series]).max()),
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

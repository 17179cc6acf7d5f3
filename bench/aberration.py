"""Early warning over many series: ``pingji.epi.aberration`` against a loop per series, and how
well each algorithm warns on simulated outbreaks.

Synthetic daily counts (fixed seed) for ``--series`` series over ``--years`` years: a Poisson
baseline with its own level per series, a weekly pattern and a yearly season. All algorithms run:
EARS C1, C2, C3, the CUSUM (its mean from the first year) and Farrington flexible (three years
back, three days either side: the last two years are judged).

Peer, measured in the same run: the same algorithms in a loop per series and per day. EARS and
the CUSUM are written over Python lists (the loop of ``surveillance``'s own R code); Farrington's
peer fits one regression per series and day (``farrington`` on a single day, as a loop calling a
GLM would). The peer runs on the first ``--peer-series`` series (Farrington: a tenth of them) and
is scaled linearly to all (``peer_scaled_s``); its bounds and alarms are compared with the
vectorised ones on those series (``max_abs_diff``, ``alarms_equal``).

Warning quality: ``--outbreaks`` series of the same kind each get one outbreak in their last
three years (a start day, 7 to 14 days long, extra cases of 2 to 6 baseline standard deviations a
day in total); per algorithm the false alarms per 100 quiet judged days, the share of outbreaks
warned of while under way, and the median days from start to the first alarm.
Usage: ``python bench/aberration.py [--series 10000] [--years 5] [--peer-series 100]``.
"""

import argparse
import math
import statistics
import sys
import time

import numpy as np
from _common import ROOT, emit, peak_rss_mib

sys.path.insert(0, str(ROOT))

from scipy.stats import norm  # noqa: E402

from pingji.epi import aberration, farrington  # noqa: E402

CUSUM_FROM = 365
DAILY = farrington.Settings(freq=365, b=3, w=3)


def synthetic(series: int, days: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)[None, :]
    level = rng.lognormal(1.5, 1.0, size=(series, 1))
    weekly = 1 + 0.25 * np.isin(t % 7, (0, 1))
    season = 1 + 0.5 * np.cos(2 * np.pi * (t - rng.uniform(0, 365, (series, 1))) / 365.25)
    return rng.poisson(level * weekly * season).astype(float)


def vectorised(counts: np.ndarray) -> dict[str, aberration.Detection]:
    return {
        "C1": aberration.ears(counts, "C1"),
        "C2": aberration.ears(counts, "C2"),
        "C3": aberration.ears(counts, "C3"),
        "cusum": aberration.cusum(counts, first_day=CUSUM_FROM),
        "farrington": farrington.farrington_flexible(counts, DAILY),
    }


def _mean_sd(window: list[float]) -> tuple[float, float]:
    mean = sum(window) / len(window)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in window) / (len(window) - 1))


def _pmax0(value: float) -> float:
    """R's ``pmax(0, value)``: NaN stays NaN (Python's ``max`` would depend on the order)."""
    return value if value != value else max(0.0, value)


def _ratio(above: float, sd: float) -> float:
    """``above / sd`` as IEEE floats divide (Python raises on a zero divisor)."""
    if sd:
        return above / sd
    return math.copysign(math.inf, above) if above else math.nan


def loop_ears(y: list[float], lag: int, z: float, c3: bool) -> tuple[list, list]:
    """One series, one day at a time (the peer)."""
    b, nan = 7, float("nan")
    bounds, alarms, excess = [nan] * len(y), [False] * len(y), [nan] * len(y)
    for t in range(b + lag, len(y)):
        mean, sd = _mean_sd(y[t - lag - b : t - lag])
        if not c3:
            bounds[t] = mean + z * sd
        else:
            excess[t] = _pmax0(_ratio(y[t] - mean, sd) - 1)
            if t >= b + 4:
                spread = sd * (z - excess[t - 2] - excess[t - 1])  # 0 × inf is NaN, as in R
                bounds[t] = _pmax0(y[t] + spread)
        alarms[t] = bounds[t] == bounds[t] and y[t] > bounds[t]
    return bounds, alarms


def loop_cusum(y: list[float], first: int, k=1.04, h=2.26) -> tuple[list, list]:
    mean = sum(y[:first]) / first
    root, total, nan = math.sqrt(mean), 0.0, float("nan")
    bounds, alarms = [nan] * len(y), [False] * len(y)
    for t in range(first, len(y)):
        bounds[t] = max(0.0, math.ceil(root * (h + k - total) + mean))
        total = max(0.0, total + (y[t] - mean) / root - k)
        alarms[t] = total >= h
    return bounds, alarms


def loop(counts: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    found: dict[str, list] = {"C1": [], "C2": [], "C3": [], "cusum": []}
    z1, z3 = norm.ppf(0.999), norm.ppf(0.975)
    for row in counts.tolist():
        found["C1"].append(loop_ears(row, 0, z1, False))
        found["C2"].append(loop_ears(row, 2, z1, False))
        found["C3"].append(loop_ears(row, 2, z3, True))
        found["cusum"].append(loop_cusum(row, CUSUM_FROM))
    return {
        name: (np.array([b for b, _ in pairs]), np.array([a for _, a in pairs]))
        for name, pairs in found.items()
    }


def loop_farrington(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One regression per series and day (the peer of the vectorised fits)."""
    bounds = np.full_like(counts, np.nan)
    alarms = np.zeros(counts.shape, dtype=bool)
    first = DAILY.freq * DAILY.b + DAILY.w
    for i in range(counts.shape[0]):
        for day in range(first, counts.shape[1]):
            bound, alarm = farrington._judge(counts[i : i + 1], np.array([day]), DAILY)
            bounds[i, day], alarms[i, day] = bound[0, 0], alarm[0, 0]
    return bounds, alarms


def with_outbreaks(counts: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The counts with one outbreak per series, and a mask of the outbreak days."""
    rng = np.random.default_rng(seed)
    series, days = counts.shape
    out, mask = counts.copy(), np.zeros(counts.shape, dtype=bool)
    for i in range(series):
        start, length = int(rng.integers(days - 3 * 365, days - 14)), int(rng.integers(7, 15))
        sd = max(1.0, float(np.std(counts[i, start - 28 : start])))
        extra = rng.poisson(rng.uniform(2, 6) * sd / length * 3, size=length)
        out[i, start : start + length] += extra
        mask[i, start : start + length] = True
    return out, mask


def quality(found: aberration.Detection, mask: np.ndarray) -> dict:
    judged = ~np.isnan(found.upperbound)
    quiet = judged & ~mask
    warned, delays = 0, []
    for i in range(mask.shape[0]):
        days = np.flatnonzero(mask[i])
        hits = np.flatnonzero(found.alarm[i, days])
        if hits.size:
            warned += 1
            delays.append(int(hits[0]))
    return {
        "false_alarms_per_100_quiet_days": round(100 * found.alarm[quiet].sum() / quiet.sum(), 3),
        "outbreaks_warned_share": round(warned / mask.shape[0], 3),
        "median_delay_days": statistics.median(delays) if delays else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--peer-series", type=int, default=100)
    parser.add_argument("--outbreaks", type=int, default=2_000)
    args = parser.parse_args()
    days = args.years * 365 + args.years // 4
    counts = synthetic(args.series, days, seed=7)

    started = time.perf_counter()
    ours = vectorised(counts)
    ours_s = time.perf_counter() - started

    subset, few = counts[: args.peer_series], counts[: max(1, args.peer_series // 10)]
    started = time.perf_counter()
    theirs = loop(subset)
    peer_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs["farrington"] = loop_farrington(few)
    farrington_s = time.perf_counter() - started
    peer_scaled = (peer_s / len(subset) + farrington_s / len(few)) * args.series

    diff, equal = 0.0, True
    for name, (bounds, alarms) in theirs.items():
        mine = ours[name].upperbound[: len(bounds)]
        both = ~np.isnan(bounds)
        equal &= bool((np.isnan(mine) == ~both).all())
        diff = max(diff, float(np.max(np.abs(mine[both] - bounds[both]), initial=0.0)))
        equal &= bool((ours[name].alarm[: len(alarms)] == alarms).all())

    sick, mask = with_outbreaks(synthetic(args.outbreaks, days, seed=11), seed=13)
    warning = {name: quality(found, mask) for name, found in vectorised(sick).items()}
    emit(
        "aberration",
        {
            "series": args.series,
            "days": days,
            "vectorised_s": round(ours_s, 3),
            "peer_series": args.peer_series,
            "peer_s": round(peer_s + farrington_s, 3),
            "peer_scaled_s": round(peer_scaled, 1),
            "speedup": round(peer_scaled / ours_s, 1),
            "max_abs_diff": diff,
            "alarms_equal": equal,
            "warning": warning,
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

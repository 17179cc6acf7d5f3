"""Calibrating the transmission rate on an outbreak's first days, and scoring a forward run.

The validation on the 2021 replay (docs/simulator.md) asks two things of an ensemble run
forward with the measures as taken: that its 90 % interval of detected infections contains the
observed total, and that its interval of peak weeks contains the observed peak week. Both are
computed here, on plain arrays, with the calibration that precedes them:

* :func:`calibrate_beta` — a grid over ``beta``: for each value an ensemble over the calibration
  window only, scored by the Poisson log-likelihood of the observed daily detections given the
  ensemble's mean daily diagnoses (the model's own detection process: symptomatic testing,
  tracing with quarantine tests, mass-testing rounds). The best grid value wins; nothing after
  the window is read.
* :func:`alive` — runs that reached the observation (at least one detection in the window):
  the observed outbreak did not die out, so runs that did are not its possible futures.
* :func:`compare` — totals and peak weeks against their 5–95 % intervals.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .ensemble import Ensemble, run_ensemble
from .model import Result, Scenario

__all__ = [
    "Calibration",
    "alive",
    "calibrate_beta",
    "compare",
    "log_likelihood",
    "peak_week",
    "weekly",
]

#: The floor of a day's expected detections: a day with observed cases and an expectation of
#: zero must cost much, not infinitely much.
FLOOR = 0.05


def log_likelihood(observed: np.ndarray, expected: np.ndarray) -> float:
    """Poisson log-likelihood of daily ``observed`` counts given ``expected`` means.

    The constant ``log(y!)`` is dropped: only differences between values of ``beta`` matter.
    """
    y = np.asarray(observed, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), FLOOR)
    if y.shape != mu.shape:
        raise ValueError("observed and expected must cover the same days")
    return float(np.sum(y * np.log(mu) - mu))


def alive(runs: Sequence[Result], window: slice) -> list[Result]:
    """Runs with at least one detection in ``window`` (the observed outbreak was detected)."""
    return [r for r in runs if int(r.new_diagnoses[window].sum()) > 0]


@dataclass
class Calibration:
    """The grid, each value's log-likelihood and kept runs, and the best value."""

    betas: list[float]
    log_likelihoods: list[float]
    kept: list[int]
    best: float
    window: tuple[int, int]
    expected: dict[float, list[float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "betas": self.betas,
            "log_likelihoods": [round(x, 2) for x in self.log_likelihoods],
            "kept_runs": self.kept,
            "best": self.best,
            "window_days": list(self.window),
        }


def calibrate_beta(
    make: Callable[[float, int], Scenario],
    betas: Sequence[float],
    observed: np.ndarray,
    window: tuple[int, int],
    seeds: Sequence[int],
    workers: int | None = None,
) -> Calibration:
    """The ``beta`` of the grid that best explains ``observed[window]``.

    ``make(beta, n_days)`` builds the scenario; runs stop at the window's end (the days after
    it are never simulated, so never seen). ``observed`` is indexed by run day. Runs in which
    the outbreak was not detected in the window are left out (:func:`alive`); a value whose
    runs all died out scores minus infinity.
    """
    a, b = window
    if not 0 <= a < b <= len(observed):
        raise ValueError(f"window {window} must lie within the {len(observed)} observed days")
    if not betas:
        raise ValueError("the grid needs at least one beta")
    y = np.asarray(observed[a:b])
    lls, kept, expected = [], [], {}
    for beta in betas:
        ens = run_ensemble(make(float(beta), b), seeds, workers=workers)
        runs = alive(ens.runs, slice(a, b))
        kept.append(len(runs))
        if not runs:
            lls.append(float("-inf"))
            continue
        mu = np.mean([r.new_diagnoses[a:b] for r in runs], axis=0)
        expected[float(beta)] = [round(float(x), 2) for x in mu]
        lls.append(log_likelihood(y, mu))
    best = float(betas[int(np.argmax(lls))])
    return Calibration([float(x) for x in betas], lls, kept, best, (a, b), expected)


def weekly(series: np.ndarray, start: datetime.date) -> tuple[list[datetime.date], np.ndarray]:
    """Sums of a daily series (day 0 = ``start``) by calendar week (Monday to Sunday)."""
    days = np.arange(series.shape[-1])
    offset = start.weekday()
    week = (days + offset) // 7
    n = int(week[-1]) + 1
    sums = np.zeros(series.shape[:-1] + (n,), dtype=np.int64)
    for k in range(n):
        sums[..., k] = series[..., week == k].sum(axis=-1)
    first_monday = start - datetime.timedelta(days=offset)
    mondays = [first_monday + datetime.timedelta(weeks=k) for k in range(n)]
    return mondays, sums


def peak_week(series: np.ndarray, start: datetime.date) -> datetime.date:
    """The Monday of the calendar week with the most of ``series`` (the first, if tied)."""
    mondays, sums = weekly(np.asarray(series), start)
    return mondays[int(np.argmax(sums))]


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    lo = (1 - level) / 2
    return (
        float(np.quantile(values, lo, method="inverted_cdf")),
        float(np.quantile(values, 1 - lo, method="inverted_cdf")),
    )


def compare(
    runs: Sequence[Result],
    observed: np.ndarray,
    start: datetime.date,
    level: float = 0.9,
) -> dict[str, Any]:
    """Observed total and peak week of detections against the runs' ``level`` intervals.

    ``observed`` is indexed by run day (day 0 = ``start``), like the runs' ``new_diagnoses``.
    Peak weeks are calendar weeks; their interval is the ``level`` interval of the runs' peak
    weeks (Mondays). Infections (detected or not) are reported beside, for reading.
    """
    if not runs:
        raise ValueError("no runs to compare")
    diag = np.stack([r.new_diagnoses for r in runs])
    if diag.shape[1] != len(observed):
        raise ValueError("observed must cover the run's days")
    totals = diag.sum(axis=1)
    lo, hi = _interval(totals, level)
    obs_total = int(np.sum(observed))
    mondays, sums = weekly(diag, start)
    peaks = np.argmax(sums, axis=1)
    plo, phi = _interval(peaks, level)
    obs_peak = peak_week(np.asarray(observed), start)
    k_obs = mondays.index(obs_peak)
    infections = np.array([r.new_infections.sum() for r in runs])
    return {
        "runs": len(runs),
        "observed_total": obs_total,
        "total_median": float(np.median(totals)),
        "total_interval": [lo, hi],
        "total_contained": bool(lo <= obs_total <= hi),
        "observed_peak_week": obs_peak.isoformat(),
        "peak_week_interval": [mondays[int(plo)].isoformat(), mondays[int(phi)].isoformat()],
        "peak_week_contained": bool(plo <= k_obs <= phi),
        "infections_median": float(np.median(infections)),
        "infections_interval": list(_interval(infections, level)),
    }


def cumulative_infections(ens: Ensemble, day: int, level: float = 0.9) -> dict[str, float]:
    """Median and ``level`` interval of infections from day 0 through ``day`` (inclusive)."""
    totals = ens.series("new_infections")[:, : day + 1].sum(axis=1)
    lo, hi = _interval(totals, level)
    return {"median": float(np.median(totals)), "low": lo, "high": hi}

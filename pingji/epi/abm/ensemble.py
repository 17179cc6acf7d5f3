"""Ensembles: one scenario, many seeds, fanned out over processes.

A run depends only on its scenario and its seed, so an ensemble gives the same runs whatever the
number of workers: :func:`run_ensemble` returns them in the order of ``seeds``. Workers are
forked (the scenario's arrays are shared copy-on-write, not pickled) where the platform allows
it, else spawned with the scenario pickled once per worker. Over a Spark cluster (a session handed
in, :func:`.spark.session`) the seeds are mapped by :mod:`.spark`, with the same runs in the same
order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Result, Scenario, run

__all__ = ["Ensemble", "run_ensemble"]

_SCENARIO: Scenario | None = None


def _init(scenario: Scenario | None) -> None:
    global _SCENARIO
    if scenario is not None:
        _SCENARIO = scenario


def _one(seed: int) -> Result:
    assert _SCENARIO is not None
    return run(_SCENARIO, seed)


@dataclass
class Ensemble:
    """The runs of an ensemble, in the order of their seeds, with summaries across them."""

    runs: list[Result]

    @property
    def seeds(self) -> list[int]:
        return [r.seed for r in self.runs]

    def series(self, key: str) -> np.ndarray:
        """``(runs, T)`` of one daily series (see ``Result.SERIES``), or ``(runs, T, A)``
        for ``by_area`` and ``(runs, T, L + 1)`` for ``by_layer``."""
        if key not in (*Result.SERIES, "by_area", "by_layer"):
            raise ValueError(f"unknown series {key!r}")
        return np.stack([getattr(r, key) for r in self.runs])

    def quantiles(self, key: str, q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> np.ndarray:
        """Quantiles across runs, day by day: ``(len(q), T[, …])``."""
        return np.quantile(self.series(key), q, axis=0)

    def attack_rates(self) -> np.ndarray:
        return np.array([r.attack_rate for r in self.runs])


def run_ensemble(
    scenario: Scenario,
    seeds: Sequence[int],
    workers: int | None = None,
    spark: Any | None = None,
) -> Ensemble:
    """Run ``scenario`` once per seed on ``workers`` processes (default: all cores; 1: here).

    With a Spark session (``spark``) the seeds go to the cluster instead; the runs are the same.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("an ensemble needs at least one seed")
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds repeat: the runs would be identical")
    scenario.check()
    if spark is not None:
        from .spark import run_ensemble_spark

        return Ensemble(run_ensemble_spark(scenario, seeds, spark))
    workers = min(len(seeds), workers or os.cpu_count() or 1)
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        return Ensemble([run(scenario, s) for s in seeds])
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    global _SCENARIO
    _SCENARIO = scenario
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init,
            initargs=(None if method == "fork" else scenario,),
        ) as pool:
            return Ensemble(list(pool.map(_one, seeds)))
    finally:
        _SCENARIO = None

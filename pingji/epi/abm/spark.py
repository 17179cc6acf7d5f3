"""An ensemble's seeds mapped over a Spark cluster (optional: pyspark is imported only here).

A run is a pure function of its scenario and its seed, so a cluster gives the same runs as the
processes of one machine: the scenario is broadcast once (each executor unpickles it once, not
once per seed), the seeds are parallelised one to a partition, and ``collect`` returns the
results in the order of the seeds. Executors need this package and numba (the kernels compile,
or load from their cache, on first use in each Python worker).

The caller names the cluster (the platform's ``SPARK_MASTER`` setting: ``local[4]``,
``spark://host:7077``, ``yarn``…) and :func:`session` starts or reuses a session on it; without
one, nothing here is imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from .model import Result, Scenario, run

__all__ = ["run_ensemble_spark", "session"]


def session(master: str) -> Any:
    """A Spark session on ``master``, its executors on this Python (they import pingji)."""
    if not master.strip():
        raise ValueError("a Spark master is needed, e.g. local[4] or spark://host:7077")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master.strip())
        .appName("pingji-abm-ensemble")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def run_ensemble_spark(scenario: Scenario, seeds: Sequence[int], spark: Any) -> list[Result]:
    """``run(scenario, seed)`` for each seed on ``spark``'s executors, in the order of ``seeds``.

    ``spark`` is a ``SparkSession`` (or a ``SparkContext``). The scenario travels once, as a
    broadcast variable; each seed is its own partition, so a cluster of many cores runs as many
    seeds at once.
    """
    seeds = [int(s) for s in seeds]
    sc = getattr(spark, "sparkContext", spark)
    shared = sc.broadcast(scenario)
    try:
        rdd = sc.parallelize(seeds, numSlices=len(seeds))
        results: list[Result] = rdd.map(lambda seed: run(shared.value, seed)).collect()
    finally:
        shared.unpersist()
    if [r.seed for r in results] != seeds:  # collect keeps partition order; say so if not
        raise RuntimeError("Spark returned the runs out of seed order")
    return results

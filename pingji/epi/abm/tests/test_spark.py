"""An ensemble over Spark (local mode) gives the runs of the in-process ensemble, bit for bit."""

import os
import shutil
import sys

import numpy as np
import pytest

from pingji.epi.abm import (
    Layer,
    MassTesting,
    Scenario,
    SymptomaticTesting,
    Tracing,
    every,
    run_ensemble,
    synthetic_population,
)
from pingji.epi.abm.model import Result


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the executors import pingji
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("pingji-abm-test")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def _same(a: Result, b: Result) -> bool:
    keys = (*Result.SERIES, "by_area", "by_layer")
    arrays = all(np.array_equal(getattr(a, k), getattr(b, k)) for k in keys)
    return arrays and a.seed == b.seed and a.ever_infected == b.ever_infected


def test_spark_runs_the_same_seeds_to_the_same_results(spark, delta):
    pop = synthetic_population(5_000, seed=2, areas=2)
    layers = [Layer("household", "household", beta=2.0, trace=1.0),
              Layer("school", "group", beta=0.6, contacts=10, trace=1.0),
              Layer("work", "group", beta=0.6, contacts=8, trace=0.5)]  # fmt: skip
    measures = [SymptomaticTesting(0.9, 0, 25), Tracing(3, 25),
                MassTesting(every(5, 25, 4), pool=5)]  # fmt: skip
    scenario = Scenario(pop, delta, layers, n_days=25, initial_infections=20,
                        interventions=measures)  # fmt: skip
    seeds = [7, 3, 11, 5]
    here = run_ensemble(scenario, seeds, workers=1)
    there = run_ensemble(scenario, seeds, spark=spark)
    assert there.seeds == seeds
    assert all(_same(a, b) for a, b in zip(here.runs, there.runs, strict=True))
    assert here.series("new_infections").sum() > 0  # the runs did something


def test_a_session_needs_a_master():
    from pingji.epi.abm.spark import session

    with pytest.raises(ValueError, match="master"):
        session("  ")

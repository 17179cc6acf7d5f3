"""Each measure moves the outcome the way it should, on a small synthetic city (20 000 agents)."""

import numpy as np
import pytest

from pingji.epi.abm import (
    Checkpoint,
    Importation,
    Layer,
    MassTesting,
    Population,
    RiskArea,
    Scale,
    Scenario,
    SymptomaticTesting,
    Tracing,
    run,
    run_ensemble,
)

DAYS = 60
SEEDS = (1, 2, 3)


def city_layers(trace: bool = False) -> list[Layer]:
    t = 1.0 if trace else 0.0
    return [
        Layer("household", "household", beta=3.0, trace=t, quarantine_home=1.0),
        Layer("school", "group", beta=0.6, contacts=10, trace=t),
        Layer("work", "group", beta=0.6, contacts=8, trace=t / 2),
        Layer("community", "group", beta=0.3, contacts=10),
    ]


def scenario(city, delta, measures=(), *, trace=False, **kw) -> Scenario:
    options = {"n_days": DAYS, "initial_infections": 20, **kw}
    return Scenario(city, delta, city_layers(trace), interventions=list(measures), **options)


def mean_infections(sc: Scenario) -> float:
    return float(np.mean([run(sc, s).new_infections.sum() for s in SEEDS]))


@pytest.fixture(scope="module")
def baseline(city, delta) -> float:
    return mean_infections(scenario(city, delta))


def test_the_city_has_an_epidemic_on_every_layer(city, delta):
    result = run(scenario(city, delta), seed=1)
    assert result.attack_rate > 0.05
    for name in ("household", "school", "work", "community"):
        assert result.layer_infections(name) > 0, name
    assert result.by_layer[0, 0] == 20  # the seeds
    assert result.new_infections.sum() == result.ever_infected


def test_closing_schools_removes_school_transmission(city, delta, baseline):
    closed = scenario(city, delta, [Scale("school", 0, DAYS, 0.0)])
    assert all(run(closed, s).layer_infections("school") == 0 for s in SEEDS)
    assert mean_infections(closed) < baseline


def test_isolation_and_tracing_each_reduce_infections(city, delta, baseline):
    testing = SymptomaticTesting(0.9, 0, DAYS, delays=(0, 1, 2), turnaround=1)
    isolated = mean_infections(scenario(city, delta, [testing]))
    tracing = Tracing(0, DAYS, delays=(1, 2), central_days=14, home_days=7)
    traced_sc = scenario(city, delta, [testing, tracing], trace=True)
    traced = mean_infections(traced_sc)
    assert isolated < baseline
    assert traced < isolated
    result = run(traced_sc, seed=1)
    assert result.traced.sum() > 0 and result.quarantined.max() > 0
    assert result.tests_people.sum() > 0  # quarantine test days


def test_a_high_risk_area_lowers_infections_there(city, delta):
    def area0(sc: Scenario) -> float:
        return float(np.mean([run(sc, s).by_area[:, 0].sum() for s in SEEDS]))

    locked = scenario(city, delta, [RiskArea("high", 5, DAYS, areas=(0,))])
    assert area0(locked) < area0(scenario(city, delta))


def test_pooling_with_lower_sensitivity_misses_cases(city, delta):
    """No transmission: 300 seeds (1.5 %), one round on day 5; results come on day 6."""
    quiet = [Layer("household", "household", beta=0.0)]

    def round_of(pool: int, pool_sensitivity: float):
        sc = Scenario(
            city,
            delta,
            quiet,
            n_days=8,
            initial_infections=300,
            interventions=[
                MassTesting((5,), pool=pool, sensitivity=1.0, pool_sensitivity=pool_sensitivity)
            ],
        )
        return run(sc, seed=4)

    single, pooled, diluted = round_of(1, 1.0), round_of(10, 1.0), round_of(10, 0.5)
    found = single.new_diagnoses[6]
    assert found > 150
    assert single.tests_tubes[5] == single.tests_people[5] == city.size
    assert pooled.new_diagnoses[6] == found  # perfect pools find every case
    assert pooled.tests_tubes[5] < city.size / 2  # Dorfman: pools and retests
    assert diluted.new_diagnoses[6] < found


def test_importation_and_checkpoints(city, delta):
    imported = scenario(city, delta, [Importation(5.0, 0, 30)], initial_infections=0)
    assert run(imported, seed=1).by_layer[:, 0].sum() > 100
    stopped = scenario(
        city, delta, [Importation(5.0, 0, 30), Checkpoint(1.0, 0, 30)], initial_infections=0
    )
    assert run(stopped, seed=1).ever_infected == 0


def test_vaccination_lowers_the_attack_rate(city, delta, baseline):
    vaccinated = Population(**{**city.__dict__})
    vaccinated.assign_doses(0.9, seed=5, doses=2)
    assert mean_infections(scenario(vaccinated, delta)) < baseline


def test_an_ensemble_gives_the_same_runs_on_one_worker_or_two(city, delta):
    sc = scenario(city, delta, n_days=30)
    one = run_ensemble(sc, [5, 6, 7], workers=1)
    two = run_ensemble(sc, [5, 6, 7], workers=2)
    assert one.seeds == two.seeds == [5, 6, 7]
    for a, b in zip(one.runs, two.runs, strict=True):
        for key in (*a.SERIES, "by_area", "by_layer"):
            np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    q = one.quantiles("new_infections", (0.1, 0.5, 0.9))
    assert q.shape == (3, 30) and np.all(q[0] <= q[2])

"""The simulator against theory: the final-size equation, household secondary attack rates."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from pingji.epi.abm import Layer, Population, Scenario, run
from pingji.epi.abm.calibrate import expected_sar, household_beta

from .conftest import simple_pathogen

CONTACTS = 10.0
INFECTIOUS_DAYS = 5


def final_size(r0: float) -> float:
    """The root in (0, 1) of z = 1 - exp(-R0 z) (Kermack–McKendrick)."""
    return brentq(lambda z: z - 1 + math.exp(-r0 * z), 1e-9, 1.0)


@pytest.fixture(scope="module")
def mixed() -> Population:
    """100 000 agents in one group: each day a contact is anyone, uniformly (mass action)."""
    n = 100_000
    return Population.from_arrays(
        np.full(n, 30), np.arange(n), groups={"all": np.zeros(n, dtype=np.int64)}
    )


@pytest.mark.parametrize("r0", [1.5, 2.0, 3.0])
def test_the_well_mixed_final_size_follows_the_final_size_equation(mixed, r0):
    # R0 = contacts/day × infectious days × p, with p = 1 - exp(-beta) per contact
    beta = -math.log(1 - r0 / (CONTACTS * INFECTIOUS_DAYS))
    scenario = Scenario(
        mixed,
        simple_pathogen(beta, INFECTIOUS_DAYS),
        [Layer("all", "group", contacts=CONTACTS)],
        n_days=300,
        initial_infections=50,
    )
    result = run(scenario, seed=11)
    assert result.infectious[-1] == 0  # the epidemic is over
    assert result.attack_rate == pytest.approx(final_size(r0), rel=0.02)


def test_household_secondary_attack_rate_matches_its_input(delta):
    """Pairs: one member seeded, the other can only be infected by it on the household layer."""
    pairs = 20_000
    target = 0.297  # Delta household SAR (the COVID-19 pack's Delta)
    weight = household_beta(delta, target)
    assert expected_sar(delta, weight) == pytest.approx(target, abs=1e-3)
    pop = Population.from_arrays(np.full(2 * pairs, 30), np.arange(2 * pairs) // 2)
    scenario = Scenario(
        pop,
        delta,
        [Layer("household", "household", beta=weight)],
        n_days=120,
        initial_infections=0,
        initial_agents=tuple(range(0, 2 * pairs, 2)),
    )
    result = run(scenario, seed=3)
    sar = result.layer_infections("household") / pairs
    se = math.sqrt(target * (1 - target) / pairs)
    assert abs(sar - target) < 4 * se


def test_household_beta_refuses_an_impossible_rate(delta):
    with pytest.raises(ValueError):
        household_beta(delta, 1.2)

"""Pathogens and populations the simulator's tests share (small, seeded)."""

import json
from pathlib import Path

import pytest

from pingji.epi.abm import Pathogen, synthetic_population
from pingji.epi.abm.replay import delta_figures

DATA = Path(__file__).resolve().parent.parent / "data"


def simple_pathogen(beta: float, infectious_days: int = 5) -> Pathogen:
    """SEIR without branches: 1 latent day, ``infectious_days`` infectious, all alike."""
    fixed = {"distribution": "fixed", "mean": 1}
    return Pathogen.from_dict(
        {
            "name": "simple",
            "beta": beta,
            "age_bins": [0],
            "symptomatic_probability": [0.0],
            "severe_probability": [0.0],
            "critical_probability": [0.0],
            "death_probability": [0.0],
            "relative_susceptibility": [1.0],
            "durations": {
                "latent": fixed,
                "presymptomatic": fixed,
                "asymptomatic": {"distribution": "fixed", "mean": infectious_days},
                "mild": fixed,
                "to_severe": fixed,
                "severe_recovery": fixed,
                "to_critical": fixed,
                "critical_recovery": fixed,
                "critical_death": fixed,
            },
        }
    )


@pytest.fixture(scope="session")
def delta() -> Pathogen:
    return Pathogen.from_dict(delta_figures())


@pytest.fixture(scope="session")
def covasim_default() -> Pathogen:
    raw = json.loads((DATA / "covasim-default.json").read_text(encoding="utf-8"))
    return Pathogen.from_dict(raw)


@pytest.fixture(scope="session")
def city():
    """20 000 agents in 4 areas with households, classes, workplaces and grids."""
    return synthetic_population(20_000, seed=7, areas=4)

"""An agent-based simulator of transmission and measures (Django-free; numpy and numba).

Build a :class:`Population` from the registry's arrays (or generate one), take a
:class:`Pathogen` from cited data, choose the contact :class:`Layer` s and the measures
(:mod:`.interventions`), and :func:`run` a :class:`Scenario` with a seed, or
:func:`run_ensemble` over many seeds. See docs/simulator.md.
"""

from .ensemble import Ensemble, run_ensemble
from .interventions import (
    Checkpoint,
    Importation,
    MassTesting,
    RiskArea,
    Scale,
    SymptomaticTesting,
    Tracing,
    every,
)
from .layers import Layer
from .model import DEFAULT_RISK_LEVELS, Result, Scenario, run
from .natural_history import Duration, Pathogen
from .population import Population, random_population, synthetic_population

__all__ = [
    "DEFAULT_RISK_LEVELS",
    "Checkpoint",
    "Duration",
    "Ensemble",
    "Importation",
    "Layer",
    "MassTesting",
    "Pathogen",
    "Population",
    "Result",
    "RiskArea",
    "Scale",
    "Scenario",
    "SymptomaticTesting",
    "Tracing",
    "every",
    "random_population",
    "run",
    "run_ensemble",
    "synthetic_population",
]

"""Pooled testing arithmetic (Dorfman 1943): tests per person, saving, best ratio, when to stop.

Two-stage (Dorfman) pooling puts the samples of ``k`` people in one tube; a negative tube clears
all ``k`` with one test, a positive one is followed by ``k`` single-tube retests. With independent
infection at prevalence ``p`` a tube is positive with probability ``1 - (1 - p)^k``, so the
expected number of tests per person is

    E(k, p) = 1/k + 1 - (1 - p)^k          (k ≥ 2; E = 1 for single tubes)

(R. Dorfman, "The detection of defective members of large populations", Ann. Math. Statist. 14,
1943, 436–440). The saving is ``1 - E``. Pooling pays only while E < 1, and the protocols stop it
well before that: the *National guide to all-resident nucleic-acid testing* (8th-edition period)
and the 20-in-1 pooling specification of January 2022 allow pooling only while positivity stays
below ``Pooling.max_positivity_percent`` (0.1 %), and only at the ratios they name (5:1/10:1, then
20:1). The functions take those figures as arguments — this module knows no protocol.

Positivity is estimated from pool results by inverting the pool-positive probability:
``p̂ = 1 - (1 - positive_pools / pools)^(1/k)``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "expected_tests_per_person",
    "saving",
    "optimal_ratio",
    "positivity_from_pools",
    "above_threshold",
    "Plan",
    "plan",
]


def _check(k: int, p: float) -> None:
    if k < 1:
        raise ValueError(f"a pool holds at least one sample, not {k}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"prevalence is a fraction between 0 and 1, not {p}")


def expected_tests_per_person(k: int, p: float) -> float:
    """Expected tests per person of Dorfman pooling at ratio ``k`` and prevalence ``p`` (0–1)."""
    _check(k, p)
    if k == 1:
        return 1.0
    return 1.0 / k + 1.0 - (1.0 - p) ** k


def saving(k: int, p: float) -> float:
    """Fraction of tests saved against single tubes (negative when pooling costs more)."""
    return 1.0 - expected_tests_per_person(k, p)


def optimal_ratio(p: float, allowed: Iterable[int]) -> int:
    """The allowed ratio with the fewest expected tests; single tubes (1) are always allowed.

    Ties go to the smaller pool: fewer people to recall when a tube is positive.
    """
    choices = sorted({1, *(int(k) for k in allowed)})
    return min(choices, key=lambda k: (expected_tests_per_person(k, p), k))


def positivity_from_pools(positive_pools: int, pools: int, k: int) -> float:
    """Per-person prevalence estimated from ``positive_pools`` of ``pools`` tubes of ``k``."""
    if pools <= 0:
        return 0.0
    if not 0 <= positive_pools <= pools:
        raise ValueError("positive pools must lie between 0 and the number of pools")
    _check(k, 0.0)
    return 1.0 - (1.0 - positive_pools / pools) ** (1.0 / k)


def above_threshold(p: float, max_positivity_percent: float | None) -> bool:
    """True when positivity ``p`` (0–1) is at or above the protocol's pooling threshold (%)."""
    if max_positivity_percent is None:
        return False
    return p * 100.0 >= max_positivity_percent


@dataclass(frozen=True)
class Plan:
    """What pooling at ``ratio`` costs at ``prevalence``, and whether the protocol allows it."""

    ratio: int
    prevalence: float
    tests_per_person: float
    saving: float
    best_ratio: int
    warning: bool

    def tests_for(self, people: int) -> float:
        return people * self.tests_per_person


def plan(
    ratio: int, p: float, allowed: Iterable[int], max_positivity_percent: float | None
) -> Plan:
    """Expected cost of ``ratio`` at ``p``, the best allowed ratio, and the threshold warning."""
    allowed = list(allowed)
    warn = above_threshold(p, max_positivity_percent)
    return Plan(
        ratio=ratio,
        prevalence=p,
        tests_per_person=expected_tests_per_person(ratio, p),
        saving=saving(ratio, p),
        best_ratio=1 if warn else optimal_ratio(p, allowed),
        warning=warn,
    )

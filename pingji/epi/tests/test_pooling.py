"""Dorfman pooling arithmetic against hand-computed values and the protocol's threshold."""

import pytest

from pingji.epi import pooling


def test_expected_tests_follow_dorfman():
    # k = 10, p = 0.01: 1/10 + 1 - 0.99^10 = 0.1 + 0.095618... = 0.195618
    assert pooling.expected_tests_per_person(10, 0.01) == pytest.approx(0.1956179, abs=1e-6)
    assert pooling.expected_tests_per_person(1, 0.3) == 1.0
    assert pooling.saving(5, 0.0) == pytest.approx(0.8)


def test_the_optimal_ratio_is_chosen_among_those_allowed():
    # at 0.1 % the unconstrained optimum is about 32; of 5 and 10 the larger saves more
    assert pooling.optimal_ratio(0.001, [5, 10]) == 10
    # above about 31 % (Dorfman) pooling costs more than single tubes
    assert pooling.optimal_ratio(0.35, [5, 10, 20]) == 1
    # at 5 %, 5:1 beats 10:1 (0.426 vs 0.501)
    assert pooling.optimal_ratio(0.05, [5, 10]) == 5


def test_positivity_is_estimated_from_pool_results():
    p = 0.002
    share = 1 - (1 - p) ** 10
    assert pooling.positivity_from_pools(round(share * 1e6), 1_000_000, 10) == pytest.approx(
        p, rel=1e-3
    )
    assert pooling.positivity_from_pools(0, 0, 10) == 0.0
    with pytest.raises(ValueError):
        pooling.positivity_from_pools(5, 3, 10)


def test_the_warning_starts_at_the_protocol_threshold():
    assert not pooling.above_threshold(0.0009, 0.1)
    assert pooling.above_threshold(0.001, 0.1)
    assert not pooling.above_threshold(0.5, None)
    plan = pooling.plan(10, 0.002, [5, 10], 0.1)
    assert plan.warning and plan.best_ratio == 1
    assert plan.tests_for(1000) == pytest.approx(1000 * plan.tests_per_person)


@pytest.mark.parametrize("k,p", [(0, 0.1), (5, -0.1), (5, 1.5)])
def test_nonsense_is_refused(k, p):
    with pytest.raises(ValueError):
        pooling.expected_tests_per_person(k, p)

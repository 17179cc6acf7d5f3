"""The serial interval from linked pairs: moments, and distributions the Rt estimate accepts."""

import numpy as np
import pytest

from pingji.epi import rt, serial


def test_mean_and_sd_are_the_sample_moments():
    mean, sd, n = serial.serial_interval([2, 3, 4, 5, 6])
    assert (mean, n) == (4.0, 5)
    assert sd == pytest.approx(np.std([2, 3, 4, 5, 6], ddof=1))


def test_presymptomatic_pairs_count_in_the_moments():
    mean, _sd, n = serial.serial_interval([-1, 0, 3, 6])
    assert mean == 2.0 and n == 4


@pytest.mark.parametrize("bad", [[], [3], [1.5, 2], [float("nan"), 2], ["a", 2], [[1, 2], [3, 4]]])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        serial.serial_interval(bad)


def test_the_fitted_distribution_is_usable_by_rt():
    w = serial.fitted_distribution([2, 3, 4, 4, 5, 6, 7], length=30)
    assert rt.check_si_distr(w)[0] == 0 and w.sum() == pytest.approx(1)
    mean = float(np.dot(np.arange(w.size), w))
    assert mean == pytest.approx(np.mean([2, 3, 4, 4, 5, 6, 7]), abs=0.05)
    with pytest.raises(ValueError):
        serial.fitted_distribution([0, 1, 0, 1])  # mean at or below one day


def test_the_empirical_distribution_leaves_out_same_day_pairs_and_says_so():
    e = serial.empirical_distribution([0, -1, 2, 2, 4])
    assert (e.used, e.left_out) == (3, 2)
    assert list(e.weights) == pytest.approx([0, 0, 2 / 3, 0, 1 / 3])
    assert rt.check_si_distr(e.weights) is not None
    with pytest.raises(ValueError):
        serial.empirical_distribution([0, -2])

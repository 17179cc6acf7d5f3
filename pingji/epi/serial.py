"""The serial interval estimated from linked infector → infectee pairs (Django-free).

The serial interval is the time from the infector's symptom onset to the infectee's. It can be zero
or negative (Delta spread before symptoms: in Putian, 2021, 55 of 185 linked pairs), so it is
fitted as a normal distribution, which has negative support. Onsets are known to the day only: an
observed whole-day difference ``d`` means the true interval lies anywhere that two onsets, each
uniform within its day, allow. The two day-censorings together give a triangular kernel on
``(d-1, d+1)``, and with a normal ``N(mu, sigma)`` for the true interval

    P(D = d) = G(d+1) - 2 G(d) + G(d-1),   G(x) = sigma [z Phi(z) + phi(z)],  z = (x - mu) / sigma

(``G`` is the normal CDF integrated twice; the second difference integrates the density against
the triangle). This is the doubly interval-censored likelihood of N. G. Reich, J. Lessler,
D. A. T. Cummings, R. Brookmeyer, "Estimating incubation period distributions with coarse data",
Statistics in Medicine 28:2769-2784 (2009), doi:10.1002/sim.3659, for daily windows.

``fit`` maximises it and returns ``(mu, log sigma)`` with their covariance from the observed
information, and parameter samples to carry the uncertainty into Rt
(``epi.rt_uncertain.estimate_r_uncertain``).
The renewal equation weighs earlier cases at lags ``s >= 1`` only (``epi.rt.check_si_distr``:
``w_0 = 0``), so ``renewal_weights`` conditions the fitted interval on at least one day and says
how much mass that leaves out; it refuses when more than half of it would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

MIN_PAIRS = 2
"""A spread needs at least two pairs."""

MAX_LEFT_OUT = 0.5
"""The largest share of the fitted interval at 0 days or less that conditioning may drop."""

MIN_SIGMA = 0.05
"""A lower bound for sigma in days: identical intervals would otherwise drive it to zero."""

Float = NDArray[np.float64]


def onset_differences(pairs_onset_days: Sequence[int]) -> Float:
    """Whole-day onset differences (infectee − infector) as floats, or ``ValueError``."""
    try:
        days = np.asarray(list(pairs_onset_days), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"onset differences must be whole days: {exc}") from exc
    if days.ndim != 1:
        raise ValueError("onset differences must be a flat list of days")
    if not np.all(np.isfinite(days)):
        raise ValueError("onset differences contain NaN or infinity")
    if np.any(days != np.round(days)):
        raise ValueError("onset differences must be whole days")
    return days


def _g(x: Float, mu: Float, sigma: Float) -> Float:
    """The normal CDF integrated twice: ``sigma [z Phi(z) + phi(z)]``."""
    z = (x - mu) / sigma
    return sigma * (z * special.ndtr(z) + np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi))


def day_probabilities(days, mu, sigma) -> Float:
    """``P(D = d)`` of an observed whole-day difference (module docstring); broadcasts."""
    d = np.asarray(days, dtype=float)
    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)
    p = _g(d + 1, mu, sigma) - 2 * _g(d, mu, sigma) + _g(d - 1, mu, sigma)
    return np.maximum(p, 0.0)


def _neg_log_likelihood(theta: Float, values: Float, counts: Float) -> float:
    p = day_probabilities(values, theta[0], np.exp(theta[1]))
    return float(-np.dot(counts, np.log(np.maximum(p, 1e-300))))


def _hessian(f, x: Float, step: float = 1e-4) -> Float:
    """Central-difference Hessian of ``f`` at ``x`` (two parameters)."""
    h = np.zeros((x.size, x.size))
    e = np.eye(x.size) * step
    for i in range(x.size):
        for j in range(i, x.size):
            h[i, j] = h[j, i] = (
                f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j]) + f(x - e[i] - e[j])
            ) / (4 * step * step)
    return h


@dataclass(frozen=True)
class SerialIntervalFit:
    """The maximum-likelihood normal serial interval of ``n`` pairs, with its uncertainty.

    ``mean``/``sd`` are ``mu``/``sigma`` in days (the interval itself, negative values included);
    ``cov`` is the covariance of ``(mu, log sigma)``: the inverse observed information.
    """

    mean: float
    sd: float
    n: int
    cov: Float

    def samples(self, k: int, seed: int = 0) -> Float:
        """``k`` draws of ``(mu, sigma)`` from the asymptotic normal of ``(mu, log sigma)``."""
        rng = np.random.default_rng(seed)
        z = rng.multivariate_normal([self.mean, np.log(self.sd)], self.cov, size=k)
        return np.column_stack([z[:, 0], np.exp(z[:, 1])])

    def weights(self) -> RenewalWeights:
        """The fitted interval as the renewal equation's ``w`` (``renewal_weights``)."""
        return renewal_weights(self.mean, self.sd)


def fit(pairs_onset_days: Sequence[int]) -> SerialIntervalFit:
    """Fit the normal serial interval to whole-day onset differences by maximum likelihood.

    ``ValueError`` with fewer than ``MIN_PAIRS`` pairs, a value that is not a whole day, or pairs
    whose intervals show no spread (all on the same day difference: sigma is not identifiable).
    """
    from scipy import optimize  # lazily: its import costs every process start-up time

    days = onset_differences(pairs_onset_days)
    if days.size < MIN_PAIRS:
        raise ValueError(f"the serial interval needs at least {MIN_PAIRS} linked pairs")
    values, counts = np.unique(days, return_counts=True)
    weights = counts.astype(float)
    if values.size < 2:
        raise ValueError(
            f"all {days.size} linked pairs have the same onset difference ({values[0]:g} days): "
            "the spread of the serial interval cannot be estimated"
        )
    # the start from the distinct values, so that the fit does not depend on the pairs' order
    mean = float(values @ weights) / days.size
    sd = np.sqrt(float(((values - mean) ** 2) @ weights) / (days.size - 1))
    start = np.array([mean, np.log(max(sd, 0.5))])
    result = optimize.minimize(
        _neg_log_likelihood,
        start,
        args=(values, weights),
        method="L-BFGS-B",
        bounds=[(None, None), (np.log(MIN_SIGMA), np.log(1000.0))],
    )
    theta = np.asarray(result.x, dtype=float)
    info = _hessian(lambda t: _neg_log_likelihood(t, values, weights), theta)
    try:
        cov: Float | None = np.asarray(np.linalg.inv(info), dtype=np.float64)
    except np.linalg.LinAlgError:
        cov = None
    if not result.success or cov is None or np.any(np.linalg.eigvalsh(cov) <= 0):
        raise ValueError(
            f"the serial interval of {days.size} linked pairs could not be fitted "
            "(no maximum with a finite uncertainty)"
        )
    return SerialIntervalFit(float(theta[0]), float(np.exp(theta[1])), int(days.size), cov)


@dataclass(frozen=True)
class RenewalWeights:
    """``w_0 = 0, w_1, …`` of a fitted interval conditioned on at least one day, summing to 1.

    ``left_out`` is the share of the interval at 0 days or less that the conditioning dropped;
    ``mean``/``sd`` are the moments of ``w`` (what the stored estimate records as used).
    """

    weights: Float
    left_out: float

    @property
    def mean(self) -> float:
        return float(np.dot(np.arange(self.weights.size), self.weights))

    @property
    def sd(self) -> float:
        k = np.arange(self.weights.size)
        return float(np.sqrt(max(np.dot(k * k, self.weights) - self.mean**2, 0.0)))


def _last_day(mu: float, sigma: float) -> int:
    """A lag beyond which the interval has negligible mass (mean + 8 sd), at least 2 days."""
    return max(2, int(np.ceil(mu + 8 * sigma)) + 1)


def conditioned(mu, sigma, length: int) -> tuple[Float, Float]:
    """Weights ``(..., length)`` conditioned on ``1..length-1`` days, and the mass at <= 0 days.

    Vectorised over arrays of ``mu``/``sigma`` (one row per parameter sample).
    """
    mu = np.asarray(mu, dtype=float)[..., None]
    sigma = np.asarray(sigma, dtype=float)[..., None]
    k = np.arange(length, dtype=float)
    p = day_probabilities(k, mu, sigma)
    p[..., 0] = 0.0
    # P(D <= 0) telescopes: the sum over d <= 0 of the second differences is G(1) - G(0)
    at_most_zero = (_g(np.ones(1), mu, sigma) - _g(np.zeros(1), mu, sigma))[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = p / p.sum(axis=-1, keepdims=True)
    return w, at_most_zero


def renewal_weights(mu: float, sigma: float) -> RenewalWeights:
    """The interval ``N(mu, sigma)`` as renewal weights: conditioned on >= 1 day, renormalised.

    ``ValueError`` when more than ``MAX_LEFT_OUT`` of it lies at 0 days or less: the renewal
    equation would then describe a different epidemic from the one the pairs show.
    """
    w, left_out = conditioned(mu, sigma, _last_day(mu, sigma))
    left = float(left_out)
    if left > MAX_LEFT_OUT or not np.all(np.isfinite(w)):
        raise ValueError(
            f"{left:.0%} of the fitted serial interval (mean {mu:.2f} days, sd {sigma:.2f}) is at "
            f"0 days or less: more than {MAX_LEFT_OUT:.0%}, too much to condition on >= 1 day"
        )
    return RenewalWeights(np.asarray(w, dtype=float), left)


def sample_weights(fitted: SerialIntervalFit, k: int, seed: int = 0) -> Float:
    """``(k, L)`` renewal weights of ``k`` sampled intervals, each conditioned on >= 1 day.

    Samples with no mass at >= 1 day (possible only far in the tail of the fit) are replaced by
    the fitted interval's weights, so every row is a proper distribution.
    """
    params = fitted.samples(k, seed)
    length = max(_last_day(m, s) for m, s in params)
    length = max(length, _last_day(fitted.mean, fitted.sd))
    w, _left = conditioned(params[:, 0], params[:, 1], length)
    point, _ = conditioned(fitted.mean, fitted.sd, length)
    bad = ~np.all(np.isfinite(w), axis=1)
    w[bad] = point
    return np.asarray(w, dtype=float)

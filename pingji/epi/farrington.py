"""The Farrington flexible algorithm (Noufaily et al. 2013, Statistics in Medicine 32(7)) on weekly
count series, every series and week at once.

For each judged week, a quasi-Poisson regression with a log link is fitted to the same weeks of
the ``b`` previous years, ``w`` weeks either side (Farrington et al. 1996, JRSS A 159(3)): with a
linear time trend, kept only if significant, based on at least three years and not extrapolating
above the data; past outbreaks are down-weighted by their Anscombe residuals and the model is
fitted again. The week's upper bound is the prediction's 2/3-power transform plus ``z`` standard
errors; the week alarms when its count exceeds the bound, is not zero, and the last four weeks
hold at least five cases.

As ``farringtonFlexible`` of the R package ``surveillance`` computes it with one seasonal period
(``noPeriods = 1``), weeks numbered from 1 (no calendar dates), and the default "delta"
threshold; ``pingji/epi/tests/data/farrington_reference.csv`` holds its outputs.

Every (series, week) model is fitted at once, by iteratively reweighted least squares over arrays
of fits rather than one regression at a time (bench/aberration.py measures the difference).
"""

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student

from .aberration import Detection, as_counts

#: As R's ``glm.control()``: the relative change of the deviance that ends the iterations.
EPSILON, MAX_ITERATIONS = 1e-8, 25
#: Points fitted at once (fits × window): bounds the memory of a block of series.
FITS_PER_BLOCK = 4_000_000


@dataclass(frozen=True)
class Settings:
    """The algorithm's settings, named and defaulted as in ``farringtonFlexible``."""

    freq: int = 52
    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)


def farrington_flexible(counts, settings: Settings | None = None) -> Detection:
    """Judge every week from ``freq * b + w`` on (the first with ``b`` years behind it)."""
    s = settings or Settings()
    if s.b < 1 or s.w < 0 or s.freq <= 2 * s.w + 1:
        raise ValueError("Farrington needs b ≥ 1 year and w weeks either side within a year")
    y = as_counts(counts)
    series, weeks = y.shape
    first = s.freq * s.b + s.w
    upper = np.full_like(y, np.nan)
    alarm = np.zeros(y.shape, dtype=bool)
    if weeks <= first:
        return Detection(upper, alarm, first)
    judged = np.arange(first, weeks)
    window = s.b * (2 * s.w + 1)
    block = max(1, FITS_PER_BLOCK // (judged.size * window))
    for start in range(0, series, block):
        rows = slice(start, start + block)
        upper[rows, first:], alarm[rows, first:] = _judge(y[rows], judged, s)
    return Detection(upper, alarm, first)


def _judge(y: np.ndarray, judged: np.ndarray, s: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Bounds and alarms of the judged weeks of a block of series."""
    series = y.shape[0]
    offsets = np.array([-i * s.freq + d for i in range(1, s.b + 1) for d in range(-s.w, s.w + 1)])
    reference = judged[:, None] + offsets[None, :]  # weeks × window, 0-based
    response = y[:, reference].reshape(-1, offsets.size)  # (series·weeks) × window
    time = np.broadcast_to(reference + 1.0, (series, *reference.shape)).reshape(response.shape)
    now = np.broadcast_to(judged + 1.0, (series, judged.size)).reshape(-1)
    fit, se, phi = _predict(response, time, now, s)
    bound = _delta_bound(fit, se, phi, s.alpha)
    observed = y[:, judged].reshape(-1)
    enough = _recent_total(y, judged, s.limit54[1]).reshape(-1) >= s.limit54[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (observed - fit) / (bound - fit)
    flags = enough & (score > 1) & (observed != 0)
    shape = (series, judged.size)
    return np.where(enough, bound, np.nan).reshape(shape), flags.reshape(shape)


def _recent_total(y: np.ndarray, judged: np.ndarray, span: int) -> np.ndarray:
    """Cases in the ``span`` weeks ending with each judged week (the "5 in 4 weeks" rule)."""
    sums = np.concatenate([np.zeros((y.shape[0], 1)), np.cumsum(y, axis=1)], axis=1)
    return sums[:, judged + 1] - sums[:, np.maximum(judged + 1 - span, 0)]


def _predict(response, time, now, s: Settings):
    """The prediction for the judged week (response scale), its standard error and ``phi``."""
    fits = response.shape[0]
    ones = np.ones_like(response)
    model = _Model.fit(response, np.stack([ones, time], axis=2), s) if s.trend else None
    keep = np.zeros(fits, dtype=bool)
    if model is not None:
        eta, se_eta = model.predict(np.stack([np.ones(fits), now], axis=1))
        significant = model.p_value(1) < s.p_threshold_trend
        keep = model.converged & significant & (s.b >= 3) & (_mean(eta) <= response.max(1))
    flat = _Model.fit(response, ones[:, :, None], s)
    eta, se_eta = flat.predict(np.ones((fits, 1)))
    phi, converged = flat.phi, flat.converged
    if model is not None:
        trend_eta, trend_se = model.predict(np.stack([np.ones(fits), now], axis=1))
        eta, se_eta = np.where(keep, trend_eta, eta), np.where(keep, trend_se, se_eta)
        phi, converged = np.where(keep, model.phi, phi), np.where(keep, True, converged)
    fit = _mean(eta)
    nan = np.where(converged, 1.0, np.nan)
    return fit * nan, se_eta * fit * nan, phi * nan


def _delta_bound(fit, se, phi, alpha: float) -> np.ndarray:
    """The upper bound of the 2/3-power transformed prediction (Farrington et al. 1996)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = phi + se * se / fit
        spread = np.sqrt(4 / 9 * fit ** (1 / 3) * tau)
        return (fit ** (2 / 3) + norm.ppf(1 - alpha) * spread) ** 1.5


class _Model:
    """Quasi-Poisson log-linear fits, one per row, by IRLS as R's ``glm.fit`` runs it."""

    def __init__(self, response, design, prior):
        self.response, self.design, self.prior = response, design, prior
        n, p = response.shape[1], design.shape[2]
        self.df = n - p
        self.mu = response + 0.1
        self.converged = np.zeros(response.shape[0], dtype=bool)

    @classmethod
    def fit(cls, response, design, s: Settings) -> "_Model":
        """Fit, and with ``reweight`` fit again with the residual weights (past outbreaks)."""
        model = cls(response, design, np.ones_like(response))._irls()
        if s.reweight:
            omega = _weights(model.anscombe(), s.weights_threshold)
            model = cls(response, design, omega)._irls()
            # surveillance stores omega in place of the model's working weights, so the
            # dispersion that its predictions and trend test read is weighted by omega alone
            y, mu = response, model.mu
            model.scale = (omega * ((y - mu) / mu) ** 2).sum(1) / model.df
        return model

    def _irls(self) -> "_Model":
        """Iterate each fit until its deviance settles; a settled fit is left as it is, and its
        covariance and dispersion use the working weights of its last step, as R reports them."""
        y, x, prior = self.response, self.design, self.prior
        mu = self.mu.copy()
        beta = np.zeros((y.shape[0], x.shape[2]))
        weight = prior * mu
        deviance = _deviance(y, mu, prior)
        active = np.ones(y.shape[0], dtype=bool)
        for _ in range(MAX_ITERATIONS):
            w_step = prior[active] * mu[active]
            z = np.log(mu[active]) + (y[active] - mu[active]) / mu[active]
            xtw = x[active] * w_step[:, :, None]
            beta[active] = np.linalg.solve(
                np.einsum("fni,fnj->fij", xtw, x[active]),
                np.einsum("fni,fn->fi", xtw, z)[..., None],
            )[..., 0]
            weight[active] = w_step
            mu[active] = _mean(np.einsum("fni,fi->fn", x[active], beta[active]))
            before = deviance[active]
            deviance[active] = _deviance(y[active], mu[active], prior[active])
            settled = np.abs(deviance[active] - before) / (np.abs(deviance[active]) + 0.1)
            done = np.flatnonzero(active)[settled < EPSILON]
            self.converged[done] = True
            active[done] = False
            if not active.any():
                break
        self.mu, self.beta, self.weight = mu, beta, weight
        self.unscaled = np.linalg.inv(np.einsum("fni,fnj->fij", x * weight[:, :, None], x))
        dispersion = (weight * ((y - mu) / mu) ** 2).sum(1) / self.df
        self.phi = np.maximum(dispersion, 1.0)
        self.scale = dispersion  # what predictions and the trend test read (see ``fit``)
        return self

    def anscombe(self) -> np.ndarray:
        """Anscombe residuals scaled by ``phi`` and the leverage, as ``surveillance`` takes them."""
        y, mu, x = self.response, self.mu, self.design
        hat = np.einsum("fni,fij,fnj->fn", x, self.unscaled, x) * self.weight
        raw = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - np.sqrt(mu))
        return raw / np.sqrt(self.phi[:, None] * (1 - hat))

    def predict(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The linear predictor at ``at`` and its standard error (with ``scale``)."""
        eta = (at * self.beta).sum(1)
        variance = np.einsum("fi,fij,fj->f", at, self.unscaled, at) * self.scale
        return eta, np.sqrt(variance)

    def p_value(self, coefficient: int) -> np.ndarray:
        """Two-sided p of a coefficient against the t distribution (a quasi family)."""
        se = np.sqrt(self.unscaled[:, coefficient, coefficient] * self.scale)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * student.sf(np.abs(self.beta[:, coefficient] / se), self.df)


def _weights(residual: np.ndarray, threshold: float) -> np.ndarray:
    """Down-weight points with an Anscombe residual over ``threshold``; the weights sum to n."""
    high = residual > threshold
    with np.errstate(divide="ignore"):
        inverse = np.where(high, residual**-2.0, 1.0)
    gamma = residual.shape[1] / inverse.sum(1, keepdims=True)
    return gamma * inverse


def _mean(eta: np.ndarray) -> np.ndarray:
    """The log link's inverse as R's Poisson family has it: never below machine epsilon, so a
    window of zeros fits a tiny mean rather than none. A fit that diverges overflows to
    infinity, is not converged, and gives no bound."""
    with np.errstate(over="ignore"):
        return np.maximum(np.exp(eta), np.finfo(float).eps)


def _deviance(y, mu, prior) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return 2 * (prior * (term - (y - mu))).sum(1)

"""Scoring every forecast of every model for many jurisdictions: batch arrays against a loop.

Target: scoring every forecast of 100 jurisdictions × 60 issue days, all models
(the renewal model, the two baselines and the skill-weighted ensemble), at least 20× faster than a
per-forecast Python loop over the same models, with equal results.

Synthetic daily local cases (fixed seed: one wave per jurisdiction, Poisson noise) for ``--series``
jurisdictions over ``--warmup`` + ``--days`` days. The renewal model's forecasts (``epi.forecast``)
are made once beforehand and are input to both sides, since both would make them the same way;
what is timed is everything after: the baselines' forecasts with their intervals, the ensemble's
weights from each member's past skill and its quantiles, and WIS, absolute error and both
coverages of every forecast of every model.

Batch: ``epi.baselines.forecast_batch``, ``epi.ensemble.combine`` and ``epi.scoring`` on whole
arrays. Peer, in the same run: per jurisdiction, issue day and model, ``baselines.forecast_one``,
a loop that scores each member's past forecasts to weigh the ensemble, and ``scoring`` called on
one forecast at a time; it runs on ``--peer-series`` jurisdictions and is scaled linearly
(``peer_scaled_s``); its numbers are compared with the batch's (``max_abs_diff``).
Usage: ``python bench/forecast_scoring.py [--series 100] [--days 60] [--peer-series 10]``.
"""

import argparse
import os
import sys
import time

import numpy as np
from _common import ROOT, emit, peak_rss_mib

sys.path.insert(0, str(ROOT))

from pingji.epi import baselines, ensemble, scoring  # noqa: E402
from pingji.epi import forecast as renewal  # noqa: E402

HORIZON = 7
LEVELS = scoring.LEVELS


def synthetic_incidence(series: int, days: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)[None, :]
    size = rng.lognormal(3.0, 1.0, size=(series, 1))
    peak = rng.uniform(20, days - 10, size=(series, 1))
    width = rng.uniform(8, 30, size=(series, 1))
    return rng.poisson(size * np.exp(-0.5 * ((t - peak) / width) ** 2) + 0.3).astype(float)


def renewal_forecasts(y: np.ndarray, first: int) -> np.ndarray:
    """(N, T, H, Q) renewal forecasts issued from day ``first`` on (NaN before and if refused)."""
    out = np.full((*y.shape, HORIZON, len(LEVELS)), np.nan)
    for j in range(y.shape[0]):
        for d in range(first, y.shape[1]):
            try:
                f = renewal.forecast(
                    y[j, : d + 1], si_mean=4.7, si_sd=2.9, horizon=HORIZON, n_sims=200, seed=d
                )
            except ValueError:
                continue
            out[j, d] = f.quantiles
    return out


def batch(y: np.ndarray, renewal_fc: np.ndarray) -> dict[str, np.ndarray]:
    """Every model's forecasts and per-forecast scores, all at once."""
    members = np.stack(
        [renewal_fc, *(baselines.forecast_batch(y, m, HORIZON) for m in baselines.MODELS)]
    )
    models = np.concatenate([members, ensemble.combine(members, y)[None]])
    goal = np.broadcast_to(ensemble.targets(y, HORIZON), models.shape[:-1])
    made = ~np.isnan(models[..., 0])
    q = np.nan_to_num(models)
    out = {
        "wis": scoring.wis(q, goal),
        "ae": scoring.absolute_error(q, goal),
        "c50": scoring.held(q, goal, 0.5),
        "c95": scoring.held(q, goal, 0.95),
    }
    return {k: np.where(made, v, np.nan) for k, v in out.items()}


def _score_one(q: np.ndarray, y: float) -> tuple[float, float, float, float]:
    return (
        float(scoring.wis(q, y)),
        float(scoring.absolute_error(q, y)),
        float(scoring.held(q, y, 0.5)),
        float(scoring.held(q, y, 0.95)),
    )


def loop(y: np.ndarray, renewal_fc: np.ndarray) -> dict[str, np.ndarray]:
    """The same, one forecast at a time."""
    n, t = y.shape
    n_models = 2 + len(baselines.MODELS)
    out = {k: np.full((n_models, n, t, HORIZON), np.nan) for k in ("wis", "ae", "c50", "c95")}
    for j in range(n):
        members = [renewal_fc[j]] + [
            np.array([baselines.forecast_one(y[j], d, m, HORIZON) for d in range(t)])
            for m in baselines.MODELS
        ]
        mixed = np.full((t, HORIZON, len(LEVELS)), np.nan)
        for d in range(t):
            mixed[d] = _loop_ensemble(y[j], members, d)
        for k, fc in enumerate([*members, mixed]):
            for d in range(t):
                for h in range(1, HORIZON + 1):
                    if d + h < t and not np.isnan(fc[d, h - 1, 0]):
                        scores = _score_one(fc[d, h - 1], y[j, d + h])
                        for key, v in zip(("wis", "ae", "c50", "c95"), scores, strict=True):
                            out[key][k, j, d, h - 1] = v
    return out


def _loop_ensemble(y: np.ndarray, members: list[np.ndarray], d: int) -> np.ndarray:
    present = [not np.isnan(m[d, :, 0]).any() for m in members]
    raw = []
    for m, here in zip(members, present, strict=True):
        scores = [
            float(scoring.wis(m[s, h - 1], y[s + h]))
            for s in range(d)
            for h in range(1, HORIZON + 1)
            if d - ensemble.SKILL_WINDOW < s + h <= d and not np.isnan(m[s, h - 1, 0])
        ]
        raw.append(1 / (1 + np.mean(scores)) if here and scores else np.nan)
    if all(not p or not np.isnan(r) for p, r in zip(present, raw, strict=True)):
        w = np.array([r if p else 0.0 for r, p in zip(raw, present, strict=True)])
    else:  # a member taking part has no record yet: equal shares
        w = np.array(present, dtype=float)
    if w.sum() == 0:
        return np.full((HORIZON, len(LEVELS)), np.nan)
    w = w / w.sum()
    return sum(wk * np.nan_to_num(m[d]) for wk, m in zip(w, members, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--days", type=int, default=60, help="issue days scored")
    parser.add_argument("--warmup", type=int, default=30, help="days of history before them")
    parser.add_argument("--peer-series", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    y = synthetic_incidence(args.series, args.warmup + args.days, seed=2021)
    renewal_fc = renewal_forecasts(y, args.warmup)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = batch(y, renewal_fc)
        times.append(time.perf_counter() - started)
    k = args.peer_series
    started = time.perf_counter()
    peer = loop(y[:k], renewal_fc[:k])
    peer_s = time.perf_counter() - started
    # the warm-up days give history only: the issue days scored are the ones after them
    result = {key: v[:, :, args.warmup :] for key, v in result.items()}
    peer = {key: v[:, :, args.warmup :] for key, v in peer.items()}
    diff = max(
        float(np.nanmax(np.abs(result[key][:, :k] - peer[key]))) for key in ("wis", "ae", "c50")
    )
    same_nan = all(
        np.array_equal(np.isnan(result[key][:, :k]), np.isnan(peer[key])) for key in result
    )
    batch_s = min(times)
    peer_scaled = peer_s * args.series / k
    emit(
        "forecast_scoring",
        {
            "series": args.series,
            "issue_days": args.days,
            "forecasts_scored": int(np.sum(~np.isnan(result["wis"]))),
            "batch_s": round(batch_s, 4),
            "peer_series": k,
            "peer_s": round(peer_s, 3),
            "peer_scaled_s": round(peer_scaled, 2),
            "speedup": round(peer_scaled / batch_s, 1),
            "max_abs_diff": diff,
            "same_missing": same_nan,
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

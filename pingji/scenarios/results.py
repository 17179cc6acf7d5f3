"""An ensemble's results as the plain JSON a run keeps: quantiles by day, infections by township,
the probability of a rebound, and what the response needs by day (rooms, tests, beds).

- **Local infections** are the simulated infections less the seeded and imported ones (the
  simulator's layer column 0).
- **A rebound** within ``w`` days is a run in which some day among the first ``w`` has at least
  ``threshold`` local infections; its probability is the share of the ensemble's runs.
- **Rooms**: one room a person (单人单间) for each contact traced, held for the regime's
  centralised days, plus the rooms people already in quarantine on the state day still hold.
- **Tests**: tubes run (mass-testing pools and retests, quarantine tests).
- **Beds**: every diagnosed infection is admitted (应收尽收, as in 2021) and holds a bed for the
  scenario's ``stay_days``, plus the beds the infections known on the state day still hold.
"""

import numpy as np

from .population import AREA_SEP

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
WINDOWS = (14, 28)


def _q(series: np.ndarray) -> list[list[float]]:
    """(runs, T) → five rows of quantiles by day, rounded for storage."""
    return np.round(np.quantile(series, QUANTILES, axis=0), 2).tolist()


def _held(starts: np.ndarray, days: int) -> np.ndarray:
    """(runs, T) of what ``starts`` (runs, T) hold when each lasts ``days`` days."""
    out = np.cumsum(starts, axis=1)
    if days < starts.shape[1]:
        out[:, days:] -= out[:, :-days].copy()
    return out


def summarise(
    ens, *, threshold: int, central_days: int, stay_days: int, rooms_held, beds_held, labels
):
    """The results of an ensemble (``abm.Ensemble``) as JSON-ready data."""
    local = ens.series("new_infections") - ens.series("by_layer")[:, :, 0]
    rooms = _held(ens.series("traced"), max(1, central_days)) + np.asarray(rooms_held)[None, :]
    beds = _held(ens.series("new_diagnoses"), stay_days) + np.asarray(beds_held)[None, :]
    tubes = ens.series("tests_tubes")
    rebound = {
        str(w): round(float(np.mean(local[:, :w].max(axis=1) >= threshold)), 4) for w in WINDOWS
    }
    return {
        "runs": len(ens.runs),
        "quantiles": list(QUANTILES),
        "local_infections": _q(local),
        "rooms": _q(rooms),
        "tests": _q(tubes),
        "beds": _q(beds),
        "rebound": rebound,
        "peaks": {
            key: {
                "median": float(np.median(s.max(axis=1))),
                "p95": float(np.quantile(s.max(axis=1), 0.95)),
            }
            for key, s in (
                ("local_infections", local),
                ("rooms", rooms),
                ("tests", tubes),
                ("beds", beds),
            )
        },
        "total_local": _q(local.sum(axis=1, keepdims=True)),
        "attack_rate": round(float(np.median(ens.attack_rates())), 6),
        "by_area": _by_area(ens, labels),
    }


def _by_area(ens, labels) -> dict:
    """Infections by township (a risk area's residents summed into their township): the 5 %,
    median and 95 % by day."""
    townships = sorted({label.split(AREA_SEP)[0] for label in labels})
    column = {t: i for i, t in enumerate(townships)}
    series = ens.series("by_area")  # (runs, T, A)
    summed = np.zeros(series.shape[:2] + (len(townships),), dtype=np.int64)
    for a, label in enumerate(labels):
        summed[:, :, column[label.split(AREA_SEP)[0]]] += series[:, :, a]
    q = np.quantile(summed, (0.05, 0.5, 0.95), axis=0)
    return {
        "codes": townships,
        "low": np.round(q[0].T, 1).tolist(),
        "median": np.round(q[1].T, 1).tolist(),
        "high": np.round(q[2].T, 1).tolist(),
        "totals": np.median(summed.sum(axis=1), axis=0).round(1).tolist(),
    }


def summary(run) -> dict:
    """The frozen summary of a finished run that a lifting proposal carries as evidence."""
    r = run.results
    return {
        "run": run.pk,
        "scenario": run.scenario_id,
        "name": run.scenario.name,
        "jurisdiction": run.jurisdiction_id,
        "state_day": run.scenario.state_day.isoformat(),
        "days": run.scenario.days,
        "runs": r["runs"],
        "threshold": run.scenario.threshold,
        "rebound_14": r["rebound"]["14"],
        "rebound_28": r["rebound"]["28"],
        "peak_rooms": r["peaks"]["rooms"]["p95"],
        "peak_tests": r["peaks"]["tests"]["p95"],
        "peak_beds": r["peaks"]["beds"]["p95"],
        "pathogen": run.inputs.get("pathogen", {}),
        "url": run.get_absolute_url(),
    }

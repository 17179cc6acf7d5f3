"""EARS and CUSUM judge each day as the R package ``surveillance`` does (reference outputs in
``data/aberration_reference.csv``, written by ``data/aberration_reference.R``)."""

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from pingji.epi import aberration, farrington

REFERENCE = Path(__file__).parent / "data" / "aberration_reference.csv"
EARS = {
    "C1": {"method": "C1"},
    "C2": {"method": "C2"},
    "C3": {"method": "C3"},
    "C1_sigma0.5": {"method": "C1", "min_sigma": 0.5},
    "C3_sigma0.5": {"method": "C3", "min_sigma": 0.5},
}


def _reference(path: Path) -> tuple[dict[str, np.ndarray], dict[tuple[str, str], list[dict]]]:
    """Each series' counts (days or weeks from 0) and R's rows per (series, algorithm)."""
    counts: dict[str, list[float]] = defaultdict(list)
    rows: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with path.open() as f:
        for row in csv.DictReader(f):
            if row["algorithm"] == "observed":
                counts[row["series"]].append(float(row["observed"]))
            else:
                rows[row["series"], row["algorithm"]].append({**row, "day": int(row["day"]) - 1})
    return {name: np.array(values) for name, values in counts.items()}, rows


COUNTS, ROWS = _reference(REFERENCE)


@pytest.mark.parametrize("name", sorted(COUNTS))
@pytest.mark.parametrize("label", sorted(EARS))
def test_ears_matches_surveillance(name, label):
    rows = ROWS[name, label]
    found = aberration.ears(COUNTS[name], **EARS[label])
    assert found.first_day == rows[0]["day"]
    for row in rows:
        day, bound = row["day"], found.upperbound[0, row["day"]]
        if row["upperbound"] == "":
            assert np.isnan(bound) and not found.alarm[0, day], (name, label, day)
        else:
            assert bound == pytest.approx(float(row["upperbound"]), rel=1e-9), (label, day)
            assert found.alarm[0, day] == bool(int(row["alarm"])), (name, label, day)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_cusum_matches_surveillance(name):
    rows = ROWS[name, "cusum"]
    found = aberration.cusum(COUNTS[name], first_day=rows[0]["day"])
    for row in rows:
        day = row["day"]
        assert found.upperbound[0, day] == float(row["upperbound"]), (name, day)
        assert found.alarm[0, day] == bool(int(row["alarm"])), (name, day)


def test_many_series_are_judged_as_each_alone():
    stacked = np.stack([COUNTS[name] for name in sorted(COUNTS)])
    together = aberration.ears(stacked, "C3", min_sigma=0.5)
    for i, name in enumerate(sorted(COUNTS)):
        alone = aberration.ears(COUNTS[name], "C3", min_sigma=0.5)
        np.testing.assert_array_equal(together.upperbound[i], alone.upperbound[0])
        np.testing.assert_array_equal(together.alarm[i], alone.alarm[0])


def test_the_spike_is_found_by_every_algorithm_and_the_quiet_days_mostly_not():
    spike = COUNTS["spike"]
    for found in (
        aberration.ears(spike, "C1"),
        aberration.ears(spike, "C2"),
        aberration.ears(spike, "C3"),
        aberration.cusum(spike, first_day=28),
    ):
        assert found.alarm[0, 119:124].any()  # the outbreak R's script put on days 120-124


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        ([1, 2, -1, 3], r"cannot be negative \(series 0, day 2\)"),
        ([1, 2.5, 3], "whole number"),
        ([1, 2, float("nan"), 3], "gap"),
        ([[[1]]], "dimensions"),
    ],
)
def test_what_is_not_a_count_series_is_refused(counts, problem):
    with pytest.raises(ValueError, match=problem):
        aberration.ears(counts)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="C1, C2 or C3"):
        aberration.ears([1] * 20, "C4")
    with pytest.raises(ValueError, match="at least 3"):
        aberration.ears([1] * 20, baseline=2)
    with pytest.raises(ValueError, match="first_day"):
        aberration.cusum([1] * 20, first_day=20)


def test_a_series_too_short_to_judge_gives_no_bound_and_no_alarm():
    found = aberration.ears([5, 1, 9], "C1")
    assert np.isnan(found.upperbound).all() and not found.alarm.any()


FARRINGTON = Path(__file__).parent / "data" / "farrington_reference.csv"
FARRINGTON_SETTINGS = {
    "farrington": farrington.Settings(),
    "farrington_b3_w2": farrington.Settings(b=3, w=2),
    "farrington_noreweight": farrington.Settings(reweight=False, trend=False),
}
WEEKLY, WEEKLY_ROWS = _reference(FARRINGTON)


@pytest.mark.parametrize("name", sorted(WEEKLY))
@pytest.mark.parametrize("label", sorted(FARRINGTON_SETTINGS))
def test_farrington_flexible_matches_surveillance(name, label):
    rows = WEEKLY_ROWS[name, label]
    found = farrington.farrington_flexible(WEEKLY[name], FARRINGTON_SETTINGS[label])
    assert found.first_day == rows[0]["day"]
    for row in rows:
        week, bound = row["day"], found.upperbound[0, row["day"]]
        if row["upperbound"] == "":
            assert np.isnan(bound) and not found.alarm[0, week], (name, label, week)
        else:
            assert bound == pytest.approx(float(row["upperbound"]), rel=1e-6), (label, week)
            assert found.alarm[0, week] == bool(int(row["alarm"])), (name, label, week)

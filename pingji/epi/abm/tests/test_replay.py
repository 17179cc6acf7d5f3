"""The 2021 replay's pieces: measures by date, observed detections, calibration, comparison.

The full-scale run is the bench's (bench/simulator_replay.py); these check its logic in seconds.
"""

import datetime
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest

from pingji.epi.abm import (
    Layer,
    Scenario,
    SymptomaticTesting,
    replay,
    run_ensemble,
    synthetic_population,
)
from pingji.epi.abm import interventions as iv
from pingji.epi.abm.validation import (
    alive,
    calibrate_beta,
    compare,
    log_likelihood,
    peak_week,
    weekly,
)

D = datetime.date


def test_putian_measures_fall_on_their_days():
    putian = replay.city("putian")
    assert putian.start == D(2021, 8, 27) and putian.first_detection == D(2021, 9, 10)
    items = replay.measures(putian, 50)
    xianyou = putian.area("350322")
    citywide_rounds = [m for m in items if isinstance(m, iv.MassTesting) and m.areas is None]
    assert [m.days for m in citywide_rounds] == [(18,), (21,)]  # 14 and 17 September
    closures = {(m.start, m.end, m.areas) for m in items if isinstance(m, iv.Scale)}
    assert (0, 5, None) in closures  # summer holiday to 1 September
    assert (15, 42, (xianyou,)) in closures  # Fengting/Xianyou schools 11 Sep – 8 Oct
    (risk,) = [m for m in items if isinstance(m, iv.RiskArea)]
    assert (risk.start, risk.end, risk.areas) == (16, 41, (xianyou,))  # 12 Sep – 7 Oct
    (trace,) = [m for m in items if isinstance(m, iv.Tracing)]
    assert trace.start == 14


def test_a_short_run_drops_later_measures_and_the_counterfactual_keeps_the_calendar():
    xiamen = replay.city("xiamen")
    short = replay.measures(xiamen, 15)  # to 12 Sep: only the holiday and first-day detection
    assert {type(m).__name__ for m in short} == {"Scale", "SymptomaticTesting", "Tracing"}
    assert all(m.end <= 15 for m in short if not isinstance(m, iv.MassTesting))
    none = replay.measures(xiamen, 48, response=False)
    assert none == [iv.Scale("school", 0, 3, 0.0, None)]


def test_population_follows_the_districts_and_vaccinates_from_twelve():
    xiamen = replay.city("xiamen")
    pop = replay.population(xiamen, seed=3, scale=0.01)
    assert pop.size == round(xiamen.size * 0.01)
    assert pop.area_labels == xiamen.area_codes
    share = np.bincount(pop.area, minlength=6) / pop.size
    expected = np.array(xiamen.residents) / xiamen.size
    assert np.allclose(share, expected, atol=0.01)
    assert pop.doses[pop.age < 12].max() == 0
    assert 0.75 < np.mean(pop.doses[pop.age >= 12] == 2) < 0.85


def test_the_pathogen_is_read_in_one_place_and_beta_replaced():
    assert replay.pathogen().beta == pytest.approx(0.0352)
    assert replay.pathogen(0.1).beta == 0.1
    assert replay.pathogen(0.1).durations == replay.pathogen().durations


def _bulletins(tmp_path):
    by_city = tmp_path / "city.csv"
    by_city.write_text(
        "date,city_en,new_confirmed,new_asymptomatic\n"
        "2021-09-09,Putian,0,0\n2021-09-10,Putian,1,4\n2021-09-11,Putian,5,2\n"
        "2021-09-12,Putian,6,0\n2021-09-10,Xiamen,0,0\n",
        encoding="utf-8",
    )
    province = tmp_path / "province.csv"
    province.write_text(
        "date,asym_to_confirmed\n2021-09-10,0\n2021-09-11,1\n2021-09-12,9\n", encoding="utf-8"
    )
    return by_city, province


def test_detections_count_each_infection_once(tmp_path):
    putian = replay.city("putian")  # 3 asymptomatic infections never reclassified
    by_city, province = _bulletins(tmp_path)
    got = replay.first_detections(putian, by_city, province)
    # 6 asymptomatic, 3 reclassified: 1 on the 11th, then 2 of the province's 9 on the 12th
    assert got == {D(2021, 9, 10): 5, D(2021, 9, 11): 6, D(2021, 9, 12): 4}
    observed = replay.observed_by_run_day(putian, got, 20)
    assert observed[14] == 5 and observed.sum() == 15


def test_log_likelihood_prefers_the_right_mean():
    y = np.array([3, 5, 8])
    assert log_likelihood(y, y) > log_likelihood(y, 2 * y) > log_likelihood(y, 0 * y)


def test_weeks_are_calendar_weeks():
    start = D(2021, 9, 8)  # a Wednesday
    series = np.array([1, 1, 1, 1, 1, 9, 0, 0, 5, 5])  # Wed 8 … Fri 17 Sep
    mondays, sums = weekly(series, start)
    assert mondays == [D(2021, 9, 6), D(2021, 9, 13)]
    assert sums.tolist() == [5, 19]
    assert peak_week(series, start) == D(2021, 9, 13)


def _run(diagnoses, infections=None):
    d = np.array(diagnoses)
    return SimpleNamespace(new_diagnoses=d, new_infections=d if infections is None else infections)


def test_compare_reports_containment_of_total_and_peak_week():
    start = D(2021, 9, 6)  # Monday: days 0–6 week 1, 7–13 week 2
    runs = [_run([0] * 7 + [k] * 7) for k in range(1, 21)]  # totals 7…140, peak week 2
    runs += [_run([0] * 14)]
    kept = alive(cast(Any, runs), slice(0, 14))
    assert len(kept) == 20
    observed = np.array([0] * 7 + [10] * 7)
    out = compare(kept, observed, start)
    assert out["observed_total"] == 70 and out["total_contained"]
    assert out["total_interval"] == [7.0, 133.0]  # 5 % and 95 % of 20 runs: 1st and 19th
    assert out["observed_peak_week"] == "2021-09-13" and out["peak_week_contained"]
    early = np.array([100] * 7 + [0] * 7)
    out = compare(kept, early, start)
    assert not out["total_contained"] and not out["peak_week_contained"]


def test_calibration_recovers_a_known_beta(delta):
    """Observations made by the model at a known beta: the grid finds that beta again."""
    pop = synthetic_population(30_000, seed=5, areas=2)
    layers = [
        Layer("household", "household", beta=2.0),
        Layer("school", "group", beta=0.6, contacts=10),
        Layer("work", "group", beta=0.6, contacts=8),
        Layer("community", "group", beta=0.3, contacts=10),
    ]

    def make(beta: float, n_days: int) -> Scenario:
        testing = SymptomaticTesting(1.0, 0, n_days, delays=(0, 1), turnaround=1)
        return Scenario(pop, replay.pathogen(beta), layers, n_days, initial_infections=30,
                        interventions=[testing])  # fmt: skip

    truth = 0.06
    made = run_ensemble(make(truth, 30), range(100, 108), workers=1)
    observed = np.rint(made.series("new_diagnoses").mean(axis=0)).astype(int)
    cal = calibrate_beta(make, [0.03, 0.06, 0.09, 0.12], observed, (5, 30), range(4), workers=1)
    assert cal.best == truth
    assert cal.kept == [4, 4, 4, 4]
    assert np.argmax(cal.log_likelihoods) == 1


def test_calibration_refuses_a_window_outside_the_observations():
    with pytest.raises(ValueError, match="window"):
        calibrate_beta(lambda b, n: cast(Any, None), [0.1], np.zeros(5), (3, 9), [1])

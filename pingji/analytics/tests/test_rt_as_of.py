"""Stored Rt of day D uses only what was known by D: the series then, and the pairs recorded by D.

Decision 0030 (one clock): a stored day is recomputed from the records as they stood and gives
exactly what was stored; a link recorded later changes later days only.
"""

import datetime

import numpy as np
import pytest

from pingji.analytics import estimates
from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.choices import SiSource
from pingji.analytics.models import ForecastRun, RtEstimate
from pingji.analytics.series import compute, cutoff
from pingji.analytics.tests.conftest import XIANYOU, at
from pingji.cases.tests.factories import CaseFactory
from pingji.epi import rt as epi_rt
from pingji.epi import rt_uncertain as epi_rt_uncertain
from pingji.epi import serial as epi_serial
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.chains import transmission_pairs
from pingji.tracing.models import Link

D = datetime.date
START, END = D(2021, 9, 9), D(2021, 9, 20)
DAY = D(2021, 9, 17)


def _link(tree, gap: int, recorded_at: datetime.datetime) -> Link:
    """A pair ``gap`` days apart in onset (negative: the infectee fell ill first)."""

    def case(onset):
        person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[XIANYOU]))
        return CaseFactory(person=person, onset_date=onset)

    infector = case(D(2021, 9, 5))
    infectee = case(D(2021, 9, 5) + datetime.timedelta(days=gap))
    return Link.objects.create(
        infector=infector,
        infectee=infectee,
        jurisdiction=tree[XIANYOU],
        evidence="contact",
        recorded_at=recorded_at,
    )


def assert_recomputed_exactly(stored: RtEstimate, code: str, day: datetime.date) -> None:
    """The stored Rt of ``day`` is what ``epi`` gives from scratch on what was known by its end:
    the linked pairs and onsets as they stood, and the series recorded by then."""
    known = transmission_pairs(code, known_by=cutoff(day))
    fitted = epi_serial.fit([d for p in known if (d := p.onset_days) is not None])
    series = compute(code, START, day)
    est = epi_rt_uncertain.estimate_r_uncertain(
        series.total("new_local_infection"),
        series.total("new_imported_infection"),
        si_distrs=epi_serial.sample_weights(fitted, estimates.SI_SAMPLES, seed=estimates.RT_SEED),
        n_draws=estimates.R_DRAWS,
        seed=estimates.RT_SEED,
    )
    assert est.t_end[-1] == (day - START).days + 1
    weights = fitted.weights()
    assert (stored.si_mean, stored.si_sd) == pytest.approx((weights.mean, weights.sd), abs=1e-12)
    assert stored.mean == pytest.approx(float(est.mean[-1]), rel=1e-9)
    assert stored.std == pytest.approx(float(est.std[-1]), rel=1e-9)
    got = [stored.q025, stored.q05, stored.q25, stored.q50, stored.q75, stored.q95, stored.q975]
    assert got == pytest.approx([float(v) for v in est.quantiles[-1]], rel=1e-9)


@pytest.fixture
def few_pairs_and_small_windows(monkeypatch):
    """The fixture's outbreak is small and young: three pairs make a fit, and every window is
    shown (also those that start within a serial interval of the first case)."""
    monkeypatch.setattr(estimates, "MIN_PAIRS", 3)
    monkeypatch.setattr(epi_rt, "MAX_POSTERIOR_CV", 1.0)
    monkeypatch.setattr(epi_rt, "too_early", lambda first, cases, si: np.zeros_like(first, bool))


@pytest.mark.django_db
def test_a_stored_day_is_recomputed_exactly_from_what_was_known_then(
    outbreak, tree, few_pairs_and_small_windows
):
    for gap in (2, 3, 5, -1):
        _link(tree, gap, at(11, 10))
    _link(tree, 6, at(17, 20))  # recorded on DAY itself: known by its end
    _link(tree, 9, at(19, 10))  # recorded after DAY
    do_compute_series(tree["35"], START, END)
    stored = RtEstimate.objects.get(jurisdiction_id="35", day=DAY)
    assert stored.si_source == SiSource.PAIRS and stored.si_pairs == 5
    assert RtEstimate.objects.get(jurisdiction_id="35", day=END).si_pairs == 6
    assert RtEstimate.objects.get(jurisdiction_id="35", day=D(2021, 9, 16)).si_pairs == 4

    # from scratch: the pairs recorded by DAY, the series to DAY, the estimator of epi
    assert_recomputed_exactly(stored, "35", DAY)
    # forecasts issued on DAY record the same interval
    for run in ForecastRun.objects.filter(jurisdiction_id="35", issued_on=DAY):
        assert (run.si_source, run.si_pairs) == (SiSource.PAIRS, 5)


@pytest.mark.django_db
def test_a_link_recorded_after_the_day_does_not_change_its_stored_rt(
    outbreak, tree, few_pairs_and_small_windows
):
    for gap in (2, 3, 5, -1):
        _link(tree, gap, at(11, 10))
    do_compute_series(tree["35"], START, END)
    before = {r.day: r for r in RtEstimate.objects.filter(jurisdiction_id="35")}
    for gap in (12, 13, 14):  # a late burst of long intervals, recorded on 19 Sep
        _link(tree, gap, at(19, 10))
    do_compute_series(tree["35"], START, END)
    after = {r.day: r for r in RtEstimate.objects.filter(jurisdiction_id="35")}
    assert set(before) == set(after)
    for day, row in after.items():
        fields = (row.mean, row.q025, row.q975, row.si_mean, row.si_pairs)
        old = before[day]
        if day < D(2021, 9, 19):
            assert fields == (old.mean, old.q025, old.q975, old.si_mean, old.si_pairs), day
        else:
            assert row.si_pairs == 7 and row.si_mean > old.si_mean and row.mean != old.mean, day

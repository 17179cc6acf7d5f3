"""A case corrected after day D leaves D's figures as they were (decision 0030, item 3).

The curve by onset and the serial interval (hence Rt) of day D read each case's onset, report time
and classification as they stood at 24:00 of D, rebuilt from the change log (``cases.history``):
a correction recorded later reaches only the days after it, and a stored day is recomputed
exactly from the records as they stood.
"""

import datetime

import pytest

from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.choices import SiSource
from pingji.analytics.models import RtEstimate
from pingji.analytics.onsets import onset_curve, onset_reports
from pingji.analytics.series import cutoff
from pingji.analytics.tests.conftest import XIANYOU, at, recorded_on
from pingji.analytics.tests.test_rt_as_of import (  # noqa: F401 — a shared fixture
    END,
    START,
    _link,
    assert_recomputed_exactly,
    few_pairs_and_small_windows,
)
from pingji.cases.actions.course import do_update_case
from pingji.cases.models import Case
from pingji.core import clock
from pingji.tracing.chains import transmission_pairs

D = datetime.date
DAY = D(2021, 9, 17)


def _first_case_of_the_10th() -> Case:
    return Case.objects.filter(jurisdiction_id=XIANYOU, reported_at=at(10)).get()


@pytest.mark.django_db
def test_an_onset_corrected_later_leaves_the_curve_of_the_day(outbreak):
    before = onset_curve("35", D(2021, 9, 1), D(2021, 9, 13))
    triangle = onset_reports("35", D(2021, 9, 13))
    assert before == {D(2021, 9, 9): 3, D(2021, 9, 11): 2, D(2021, 9, 12): 2}
    case = _first_case_of_the_10th()
    do_update_case(case, {"onset_date": D(2021, 9, 6)}, actor=outbreak)  # learned today
    assert onset_curve("35", D(2021, 9, 1), D(2021, 9, 13)) == before
    assert onset_reports("35", D(2021, 9, 13)) == triangle
    today = onset_curve("35", D(2021, 9, 1), clock.today())
    assert today[D(2021, 9, 6)] == 1 and today[D(2021, 9, 9)] == 2
    # the same correction, recorded on 15 Sep: the 14th as before, the 15th corrected
    recorded_on(case, at(15, 10))
    assert onset_curve("35", D(2021, 9, 1), D(2021, 9, 14)) == before
    assert onset_curve("35", D(2021, 9, 1), D(2021, 9, 15)) == today


@pytest.mark.django_db
def test_a_confirmation_counts_by_onset_from_the_day_it_was_recorded(outbreak):
    # the fixture's asymptomatic case of 11 Sep, confirmed with onset 12 Sep on 12 Sep at 10:00
    assert onset_curve("35", D(2021, 9, 1), D(2021, 9, 11)) == {D(2021, 9, 9): 3}
    assert onset_curve("35", D(2021, 9, 12), D(2021, 9, 12)) == {D(2021, 9, 12): 1}
    # a report time corrected later keeps the case on the day it was first reported, as of then
    case = _first_case_of_the_10th()
    do_update_case(case, {"reported_at": at(13, 9)}, actor=outbreak)
    assert onset_reports("35", D(2021, 9, 10))[(D(2021, 9, 9), D(2021, 9, 10))] == 3
    assert onset_reports("35", clock.today())[(D(2021, 9, 9), D(2021, 9, 13))] == 1


def _correct_an_infectee(outbreak, gap: int, onset: datetime.date, recorded: datetime.datetime):
    link = next(p for p in transmission_pairs("35") if p.onset_days == gap)
    infectee = Case.objects.get(pk=link.infectee_case_id)
    do_update_case(infectee, {"onset_date": onset}, actor=outbreak)
    recorded_on(infectee, recorded)


@pytest.mark.django_db
def test_the_pairs_of_a_day_ignore_a_later_correction(outbreak, tree):
    for gap in (2, 3, 5, -1, 4):
        _link(tree, gap, at(11, 10))
    known = transmission_pairs("35", known_by=cutoff(DAY))
    _correct_an_infectee(outbreak, 2, D(2021, 9, 9), at(18, 10))  # 2 days → 4 days
    assert transmission_pairs("35", known_by=cutoff(DAY)) == known
    later = transmission_pairs("35", known_by=cutoff(D(2021, 9, 18)))
    assert sorted(p.onset_days for p in later) == [-1, 3, 4, 4, 5]


@pytest.mark.django_db
def test_a_stored_day_is_unchanged_by_a_later_correction_and_recomputed_exactly(
    outbreak,
    tree,
    few_pairs_and_small_windows,  # noqa: F811 — the fixture imported above
):
    for gap in (2, 3, 5, -1, 4):
        _link(tree, gap, at(11, 10))
    do_compute_series(tree["35"], START, END)
    before = {r.day: r for r in RtEstimate.objects.filter(jurisdiction_id="35")}
    _correct_an_infectee(outbreak, 2, D(2021, 9, 9), at(18, 10))  # 2 days → 4 days
    do_compute_series(tree["35"], START, END)
    after = {r.day: r for r in RtEstimate.objects.filter(jurisdiction_id="35")}
    assert set(before) == set(after)
    for day, row in after.items():
        old = before[day]
        fields = (row.mean, row.q025, row.q975, row.si_mean, row.si_sd, row.si_pairs)
        if day < D(2021, 9, 18):
            assert fields == (old.mean, old.q025, old.q975, old.si_mean, old.si_sd, old.si_pairs)
        else:
            assert row.si_pairs == old.si_pairs and row.si_mean > old.si_mean, day

    # from scratch: the pairs and onsets as they stood at the end of DAY, the series to DAY
    stored = after[DAY]
    assert stored.si_source == SiSource.PAIRS
    assert_recomputed_exactly(stored, "35", DAY)

"""The curve by onset in the situation room: its last days marked incomplete, with their nowcast,
and the Rt panel saying it is computed by report date."""

import datetime
import json
import re

import numpy as np
import pytest

from pingji.analytics.onsets import COMPLETE_SHARE, onset_nowcast
from pingji.analytics.tests.conftest import XIANYOU, XIANYOU_2, at
from pingji.cases.actions.reports import do_report_case
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.reports import situation as sit

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2021, 9, 20)
#: Delays from onset to report (days) of the simulated line list, mean about 2.4.
DELAYS = (0, 1, 1, 2, 2, 2, 3, 3, 4, 6)


def _report(actor, tree, grid: str, onset: int, reported: int):
    """A confirmed case of ``grid`` fallen ill on ``onset`` September, reported at noon on
    ``reported`` (sampled at 06:00 that day: after the onset day begins)."""
    person = PersonFactory.create(household=HouseholdFactory(jurisdiction=tree[grid]))
    return do_report_case(
        actor=actor,
        person=person,
        classification="confirmed",
        severity="mild",
        channel="community_screening",
        onset_date=D(2021, 9, onset),
        sampled_at=at(reported, 6),
        reported_at=at(reported, 12),
    )


@pytest.fixture
def reported_late(tree, province_epi):
    """A growing outbreak in Xianyou, 1 to 5 onsets a day from 1 to 20 Sep, each reported after
    one of ``DELAYS``; only what was reported by 20 Sep is on record."""
    rng = np.random.default_rng(4)
    for k, day in enumerate(range(1, 21)):
        for n in range(1 + k // 4):
            delay = int(rng.choice(DELAYS))
            if day + delay <= ON.day:  # else not reported yet on the day the curve is read
                _report(province_epi, tree, (XIANYOU, XIANYOU_2)[n % 2], day, day + delay)
    return province_epi


def test_the_last_days_are_marked_incomplete_with_their_nowcast(reported_late):
    curve = onset_nowcast("35", D(2021, 9, 1), ON)
    assert curve.reason == ""
    assert curve.incomplete and curve.incomplete[-1] == ON
    assert all(curve.completeness[d] < COMPLETE_SHARE for d in curve.incomplete)
    assert all(
        curve.completeness[d] >= COMPLETE_SHARE
        for d in curve.completeness
        if d < min(curve.incomplete)
    )
    for day in curve.incomplete:
        median, lower, upper = curve.nowcast[day]
        assert curve.counts.get(day, 0) <= lower <= median <= upper
    # the nowcast adds the cases still to come: the last day's median is above what is reported
    assert curve.nowcast[ON][0] > curve.counts.get(ON, 0)


def test_the_situation_room_shows_the_marker_and_the_nowcast(client, reported_late):
    client.force_login(reported_late)
    page = client.get("/reports/situation/35/?on=2021-09-20")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="onset-incomplete"' in text and 'id="onset-nowcast"' in text
    assert "not yet fully reported" in text  # the legend entry of the hatched bars
    assert 'id="rt-basis"' in text and "by report date" in text
    data = json.loads(re.search(r'id="situation-data"[^>]*>(.*?)</script>', text, re.S).group(1))
    onset = data["onset"]
    assert onset["x"][-1] == "2021-09-20" and onset["incomplete"][-1] is True
    assert onset["marked"] == sum(onset["incomplete"]) > 0
    assert onset["nowcast"]["x"][-1] == "2021-09-20"
    assert len(onset["nowcast"]["x"]) == onset["marked"]
    assert all(
        lo <= m <= hi
        for lo, m, hi in zip(
            onset["nowcast"]["lo"], onset["nowcast"]["median"], onset["nowcast"]["hi"], strict=True
        )
    )


def test_too_few_cases_mark_the_last_days_without_a_nowcast(outbreak, tree):
    s = sit.build(tree["35"], D(2021, 9, 13))
    onset = s.onset
    assert onset["nowcast"] is None and "too few cases" in onset["reason"]
    # the fixture's longest delay from onset to report is one day: the last day is marked
    assert onset["incomplete"][-1] is True and onset["marked"] == 1
    assert onset["y"][s.days.index(D(2021, 9, 9))] == 3  # the counts themselves are as reported

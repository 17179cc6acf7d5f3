"""A void (核减) in the situation room and the daily report, as the bulletins print it."""

import datetime

import pytest

from pingji.analytics.tests.conftest import at
from pingji.cases.actions.course import do_void_case
from pingji.reports.daily import build

V, BEFORE_V = datetime.date(2021, 9, 12), datetime.date(2021, 9, 11)


@pytest.mark.django_db
def test_the_situation_and_the_daily_report_count_a_void_as_the_bulletin_does(
    reported, tree, province_epi, clock_at
):
    clock_at(at(12, 8))  # V's morning: the day is not in the future, the void not yet made
    before = build(tree["35"], V).situation.figures
    clock_at(at(12, 9))
    do_void_case(reported["B"], actor=province_epi, reason="duplicate")
    on_v = build(tree["35"], V)
    figures_v = on_v.situation.figures
    assert figures_v["voided_infection"] == 1 and before["voided_infection"] == 0
    assert figures_v["cum_new_confirmed"] == before["cum_new_confirmed"] - 1
    assert figures_v["cum_new_infection"] == before["cum_new_infection"] - 1
    assert figures_v["new_confirmed"] == before["new_confirmed"]  # what was reported on V
    assert any("voided" in p for p in on_v.paragraphs)
    assert build(tree["35"], BEFORE_V).situation.figures["cum_new_confirmed"] == 3

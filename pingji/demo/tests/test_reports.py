"""Real data: the replayed September 2021 outbreak shows the bulletin totals."""

import datetime
import math

import pytest

from pingji.analytics.models import RtEstimate
from pingji.demo.steps import analytics as analytics_demo
from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import reports as reports_demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.reports import situation as sit
from pingji.reports.models import DailyReport
from pingji.users.models import User

BULLETIN = {"3502": 235, "3503": 205, "3505": 24, "3506": 3}  # confirmed 10–28 Sep 2021


@pytest.fixture
def replayed(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.MEDIA_ROOT = tmp_path / "media"
    replay = outbreak_province()
    cases_demo.load(replay)
    return replay


def test_the_dashboard_of_28_september_shows_the_bulletin_totals(replayed, client):
    from pingji.geo.models import Jurisdiction

    # when the analytics and reports steps run
    figures = analytics_demo.load(replayed)
    assert figures["rt"] > 0 and figures["forecasts"] > 0
    archived = reports_demo.load(replayed)
    assert archived["daily_reports"] == DailyReport.objects.count() == 15
    # then the province's situation on 28 September has the bulletin totals since 10 September
    s = sit.build(Jurisdiction.objects.get(code="35"), datetime.date(2021, 9, 28))
    assert s.since == datetime.date(2021, 9, 10)
    confirmed = {u["code"]: u["values"][3] for u in s.units}
    assert {c: confirmed[c] for c in BULLETIN} == BULLETIN
    assert s.figures["cum_new_confirmed"] == sum(BULLETIN.values())
    # and the page shows them to the province's commander
    client.force_login(User.objects.get(username="350000-commander"))
    page = client.get("/reports/situation/35/?on=2021-09-28").content.decode()
    for code, n in BULLETIN.items():
        assert f'<tr data-code="{code}">' in page
        assert f"<td>{n}</td>" in page.split(f'<tr data-code="{code}">')[1].split("</tr>")[0]
    # and Rt is estimated for every city across the outbreak
    for code in BULLETIN:
        days = RtEstimate.objects.filter(jurisdiction_id=code).values_list("day", flat=True)
        assert days, code
    putian = RtEstimate.objects.filter(jurisdiction_id="3503").order_by("day")
    shown = putian.filter(insufficient_data=False)
    # none from a window that starts within a serial interval of the first case (10 September),
    # whose infectors were never observed; by then Putian's Rt is below 1
    first = shown.first()
    assert first.window_start >= datetime.date(2021, 9, 10) + datetime.timedelta(
        days=math.ceil(first.si_mean)
    )
    assert shown.last().mean < 1
    # a window with too few cases has no number: not the prior's 5 dressed as an estimate, and
    # no drift back towards it once the outbreak is over
    assert putian.last().mean is None
    assert not shown.filter(day__gte="2021-10-01").exists() and putian.last().insufficient_data
    # and the archived report of the province agrees with the cities' on that day
    day_reports = DailyReport.objects.filter(day="2021-09-28")
    province = day_reports.get(jurisdiction_id="35")
    for key, value in province.figures.items():
        assert value == sum(r.figures[key] for r in day_reports.exclude(jurisdiction_id="35")), key

"""The replay reproduces the published figures it can represent, each read through the platform.

Each test names its source as ``demo/data`` cites it and reads the demo's data the way the
platform does — the indicator series, the testing store, the models — never the data files. One
replay of the four cities (cases and testing steps) serves the module and is rolled back after it.
"""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from pingji.analytics.indicators import registry
from pingji.analytics.series import compute
from pingji.core.events import events_for
from pingji.core.models import DomainEvent
from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import testing as testing_demo
from pingji.demo.tests.outbreak import OUTBREAK_CITIES, outbreak_province
from pingji.geo.models import Jurisdiction
from pingji.testing import evidence, store
from pingji.testing.actions.uploads import applied_ids
from pingji.testing.contracts import ROUND_CLOSED
from pingji.testing.models import Round

TZ = cases_demo.TZ
START = datetime.date(2021, 9, 10)
NETEASE = "NetEase/163 news 19 Sep 2021, https://c.m.163.com/news/a/GK9KQME30514R9P4.html"
#: "目前住院N例" on every day a bulletin gives it, with the bulletin read (the province file's
#: ``hospitalized_local_confirmed_reported`` and ``source_urls``).
IN_HOSPITAL = {
    datetime.date(2021, 9, 10): (
        1,
        "https://share1.kxm.xmtv.cn/xmtv/2021-09-11/4ab676bb74a801ec.html",
    ),
    datetime.date(2021, 9, 11): (21, "http://m.fzbm.com/shenghuo/44097.html"),
    datetime.date(2021, 9, 13): (102, "http://news.jstv.com/a/20210914/1631590053139.shtml"),
    datetime.date(2021, 9, 14): (152, "https://chinawznews.net/binhe/2021091543223.html"),
    datetime.date(2021, 9, 15): (
        200,
        "http://wjw.fujian.gov.cn/xxgk/gzdt/wsjsyw/202109/t20210916_5689894.htm",
    ),
    datetime.date(2021, 9, 16): (261, "http://www.chinanews.com/sh/2021/09-17/9567709.shtml"),
    datetime.date(2021, 9, 17): (292, "https://m.news.shi-fen.com/china/202109/50-1120547.html"),
    datetime.date(2021, 9, 18): (
        335,
        "http://wjw.fujian.gov.cn/ztzl/gzbufk/yqtb/202109/t20210919_5692391.htm",
    ),
    datetime.date(2021, 9, 19): (363, "http://86281.net/n2/2021/0920/c181466-34922787.html"),
    datetime.date(2021, 9, 21): (418, "http://news.youth.cn/jsxw/202109/t20210922_13231105.htm"),
    datetime.date(2021, 9, 22): (
        438,
        "https://share1.kxm.xmtv.cn/xmtv/2021-09-23/38a544e96fb7f51f.html",
    ),
    datetime.date(2021, 9, 24): (
        441,
        "http://m.dddjmc.com/news/fujian/gcdt/2021-09-25/2557044.html",
    ),
    datetime.date(2021, 9, 25): (
        429,
        "https://www.chinacourt.org/article/detail/2021/09/id/6285616.shtml",
    ),
    datetime.date(2021, 9, 26): (415, "http://www.mnw.cn/news/fj/2519541.html"),
    datetime.date(2021, 9, 27): (385, "http://www.cnr.cn/fj/yw/20210928/t20210928_525617967.shtml"),
    datetime.date(2021, 9, 28): (358, "http://m.fznews.com.cn/dsxw/20210929/6153bf1d70de8.shtml"),
    datetime.date(2021, 10, 2): (264, "http://m.fznews.com.cn/dsxw/20211003/61590de0e2c5e.shtml"),
    datetime.date(2021, 10, 4): (242, "https://www.fjsmu.edu.cn/2021/1005/c3950a115550/page.htm"),
    datetime.date(2021, 10, 11): (134, "https://www.smxy.cn/2021/1012/c3950a115756/page.htm"),
    datetime.date(2021, 10, 26): (8, "http://m.fznews.com.cn/dsxw/20211027/6178ac8af1717.shtml"),
}


@pytest.fixture(scope="module")
def outbreak(django_db_setup, django_db_blocker, tmp_path_factory):
    """The four cities with their cases and Putian's mass testing replayed, once per module."""
    folder = tmp_path_factory.mktemp("published")
    overrides = override_settings(
        ANALYTIC_DIR=folder / "analytic",
        MEDIA_ROOT=folder / "media",
        JOBS_BACKEND="sync",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        replay = outbreak_province()
        cases_demo.load(replay)
        testing_demo.load(replay)
        yield replay
        transaction.set_rollback(True)


def before(key: str, within: str, moment: datetime.datetime) -> int:
    """An indicator over the outbreak's events from 10 September to ``moment``: the registry's
    own terms, summed to a press conference's 08:00 where the daily series stop at 24:00."""
    total = 0
    since = datetime.datetime.combine(START, datetime.time(), TZ)
    for t in registry.get(key).terms:
        events = DomainEvent.objects.filter(kind=t.kind, time__gte=since, time__lt=moment)
        for payload in events.subtree(within).values_list("payload", flat=True):
            if t.matches({k: str(payload.get(k)) for k, _accepted in t.where}):
                total += t.sign * (1 if t.field is None else int(payload[t.field]))
    return total


def _non_zero(figures: dict) -> dict:
    return {k: n for k, n in figures.items() if n}


@pytest.mark.parametrize(
    ("city", "split"),
    [
        ("3503", {"350322": 182, "350304": 1}),
        ("3502", {"350212": 116, "350203": 8, "350205": 5, "350206": 2}),
    ],
    ids=["putian-xianyou-182-licheng-1", "xiamen-tongan-116-siming-8-haicang-5-huli-2"],
)
def test_cumulative_confirmed_by_county_at_18_september_24h(outbreak, db, city, split):
    """Cumulative local confirmed by county at 2021-09-18 24:00, NetEase/163 news 19 Sep 2021
    (official figures), https://c.m.163.com/news/a/GK9KQME30514R9P4.html; the city's total is
    also the provincial bulletins' (Putian 183, Xiamen 131)."""
    end = datetime.date(2021, 9, 18)
    series = compute(city, START, end, unit_length=6, keys=["new_confirmed"])
    by_county = {unit: series.period("new_confirmed", START, unit) for unit in series.units}
    assert _non_zero(by_county) == split, NETEASE
    assert series.period("new_confirmed", START) == sum(split.values()), NETEASE


@pytest.mark.parametrize(
    ("moment", "confirmed", "asymptomatic", "source"),
    [
        (
            datetime.datetime(2021, 9, 14, 8, tzinfo=TZ),
            {"3503": 75, "3505": 12, "3502": 33},
            {"3503": 19},
            "Fujian press conference 14 Sep 2021 (VOA summary), https://voachinese.com/a/"
            "more-Delta-cases-found-in-southeast-China--20210914/6225842.html",
        ),
        (
            datetime.datetime(2021, 9, 20, 8, tzinfo=TZ),
            {"3503": 191, "3502": 147, "3505": 23, "3506": 3},
            {"3503": 3},
            "Fujian press conference 20 Sep 2021 (Xinhua), "
            "http://shadafang.com/a/202209/4672728.html",
        ),
    ],
    ids=["14-september-120-confirmed-19-asymptomatic", "20-september-364-confirmed-3-asymptomatic"],
)
def test_the_0800_press_conference_totals(outbreak, db, moment, confirmed, asymptomatic, source):
    """Cumulative local confirmed by city since 10 September to 08:00, and the asymptomatic
    infections not (yet) reclassified, as the press conference announced them (see ``source``)."""
    by_city = {city: before("new_confirmed", city, moment) for city in OUTBREAK_CITIES}
    pending = {
        city: before("new_asymptomatic", city, moment)
        - before("reclassified_confirmed", city, moment)
        for city in OUTBREAK_CITIES
    }
    assert _non_zero(by_city) == confirmed, source
    assert _non_zero(pending) == asymptomatic, source


def test_confirmed_cases_in_hospital_at_24h_are_the_bulletins(outbreak, db):
    """ "目前住院N例", local confirmed cases in hospital at 24:00, on every day a bulletin gives it:
    Fujian Provincial Health Commission daily bulletins, Sep–Oct 2021 (each day's in
    ``IN_HOSPITAL``)."""
    end = max(IN_HOSPITAL)
    series = compute("35", START, end, keys=["confirmed_in_hospital"])
    for day, (published, source) in IN_HOSPITAL.items():
        assert series.on("confirmed_in_hospital", day) == published, f"{day}: {source}"


def test_putian_round_1_as_counted_at_14_september_24h(outbreak, db):
    """1,725,621 samples collected and 1,033,137 results reported by 2021-09-14 24:00, citywide
    testing from the 14th afternoon: Putian municipal press conference 15 Sep 2021 (CCTV),
    http://mna.net.cn/news/guonei/2021-09-15/424140.html — scaled by the demo's Putian residents
    (the round's target) against Putian's registered population."""
    source = "http://mna.net.cn/news/guonei/2021-09-15/424140.html"
    putian = Jurisdiction.objects.get(pk="3503")
    first = Round.objects.get(campaign__jurisdiction=putian, number=1)
    scale = first.target / putian.population
    con = store.open_round(first.pk, applied_ids())
    try:
        hours = store.progress_by_hour(con)
    finally:
        con.close()
    sampled = sum(n for hour, n in hours if hour < datetime.datetime(2021, 9, 15))
    resulted = evidence.samples_resulted(["3503"], datetime.date(2021, 9, 14))["3503"]
    assert abs(sampled - 1_725_621 * scale) < 1, source
    assert abs(resulted - 1_033_137 * scale) < 1, source
    starts = first.starts_at.astimezone(TZ)
    assert starts.date() == datetime.date(2021, 9, 14) and starts.hour >= 12, source


def test_putian_round_2_closes_on_its_deadline(outbreak, db):
    """Round 2 (from 17 September; no published figure, an assumption of the replay) closes on
    the deadline the 8th edition's mass-testing rules give it."""
    second = Round.objects.get(campaign__jurisdiction_id="3503", number=2)
    closed = events_for(second).get(kind=ROUND_CLOSED)
    assert second.status == "closed" and closed.time == second.deadline

"""The progress view's figures: rates by jurisdiction, kind and sector, over time, targets."""

import datetime

from django.utils import timezone

from pingji.reopening.actions.registry import do_close_establishment
from pingji.reopening.choices import Status
from pingji.reopening.models import Target
from pingji.reopening.progress import child_length, progress

from .factories import EstablishmentFactory, SchoolFactory


def test_child_levels():
    assert [child_length(c) for c in ("", "35", "3503", "350322")] == [2, 4, 6, 9]


def test_rates_series_and_gap(operator, tree, commander):
    grid, huli = tree["350322100001001"], tree["350206001001001"]
    now = timezone.now()
    school = SchoolFactory(jurisdiction=grid, pupils=500)
    closed = EstablishmentFactory(jurisdiction=grid)
    EstablishmentFactory(jurisdiction=huli)
    two_days_ago = now - datetime.timedelta(days=2)
    do_close_establishment(closed, actor=operator, reason="停工", at=two_days_ago)
    Target.objects.create(
        jurisdiction=tree["3503"],
        kind="enterprise",
        percent=90,
        by=(now + datetime.timedelta(days=5)).date(),
    )

    p = progress(commander, "3503", now=now)

    assert (p.overall.total, p.overall.working) == (2, 1)
    assert (p.overall.pupils, p.overall.pupils_back) == (500, 500)
    assert [(u.key, u.label, u.total) for u in p.units] == [("350322", "仙游县", 2)]
    assert {k.key: k.rate for k in p.kinds} == {"enterprise": 0.0, "school": 100.0}
    series = dict(p.series)
    today = timezone.localdate(now)
    assert series[today] == 1
    assert series[today - datetime.timedelta(days=3)] == 2  # before the closure
    [gap] = p.gaps
    assert (gap.percent, gap.rate, gap.gap) == (90, 0.0, 90.0)
    assert school.status == Status.OPEN


def test_the_province_sees_its_cities(tree, make_user):
    EstablishmentFactory(jurisdiction=tree["350322100001001"])
    EstablishmentFactory(jurisdiction=tree["350206001001001"])
    admin = make_user("administrator", "35", username="p")
    p = progress(admin, "35")
    assert [(u.key, u.total) for u in p.units] == [("3502", 1), ("3503", 1)]

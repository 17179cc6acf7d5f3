"""The replay's plan of cases has the bulletins' counts (full replay: test_tracing)."""

import datetime
from collections import Counter

from pingji.demo.steps import cases as demo


def test_reclassifications_go_to_the_cities_with_pending_infections():
    from pingji.demo.replay import Replay

    days = [d for d in Replay(scale=0.001, seed=1).city_days() if d.day >= demo.OUTBREAK_DAY]
    split = demo.allocate_reclassifications(days, demo.reclassifications_by_day())
    by_city = Counter()
    for (_day, city), n in split.items():
        by_city[city] += n
    # 40 in all, all six of 17 Sep in Putian, Quanzhou's and Xiamen's one each
    assert sum(split.values()) == 40
    assert split[(datetime.date(2021, 9, 17), "3503")] == 6
    assert by_city == {"3503": 38, "3505": 1, "3502": 1}


def test_the_plan_has_the_bulletin_counts():
    from pingji.demo.replay import Replay

    lines = demo.plan_lines(Replay(scale=0.001, seed=3))
    assert len(lines) == 471
    assert sum(1 for x in lines if x.classification == "asymptomatic") == 43
    assert sum(1 for x in lines if x.reclassified_on) == 40
    # never reclassified on the day reported, three left in Putian
    assert all(x.reclassified_on > x.day for x in lines if x.reclassified_on)
    left = [x for x in lines if x.classification == "asymptomatic" and not x.reclassified_on]
    assert [x.city for x in left] == ["3503"] * 3

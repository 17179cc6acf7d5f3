"""The replay's Putian rounds, after the cases step, on the small outbreak province."""

import pytest

from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import testing as demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.tasks.models import Task
from pingji.testing.models import Coverage, FollowUp, PositiveTube, Round, Upload


@pytest.fixture
def replay(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_BACKEND = "sync"
    return outbreak_province()


def test_the_putian_rounds_replay_the_published_share(replay):
    cases_demo.load(replay)
    summary = demo.load(replay)
    first = Round.objects.get(number=1)
    assert summary["rounds"] == 2 and first.status == "closed"
    # the published share of the population sampled by 24:00 on 14 September
    share = summary["round1_sampled_by_2021_09_14_24h"] / first.target
    assert share == pytest.approx(summary["share_of_population_sampled_by_midnight"], abs=0.05)
    assert Upload.objects.filter(status="applied").count() == 8
    sampled = sum(Coverage.objects.filter(round=first).values_list("sampled", flat=True))
    assert 0.97 * first.target <= sampled < first.target  # a few left for door-to-door
    tubes = PositiveTube.objects.filter(round=first)
    assert tubes.count() == 2 and all(t.jurisdiction_id.startswith("350322") for t in tubes)
    assert FollowUp.objects.filter(status="awaiting_retest").count() == 0
    tasks = Task.objects.filter(kind="testing.retest")
    assert tasks.count() == FollowUp.objects.exclude(tube__size=1).count() > 0
    assert all(t.created_at.date().isoformat().startswith("2021-09") for t in tasks)
    assert first.deadline.isoformat().startswith("2021-09-16T")

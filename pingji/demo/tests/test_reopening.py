"""The replay: closed in September, surveyed, reopened step by step in October as areas lift.

The areas are stood in for (a sealed area over Fengting until 20 October), so this test checks
reopening's own steps whatever state the areas replay is in.
"""

import datetime

import pytest

from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import reopening as demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.reopening import controls
from pingji.reopening.choices import Status
from pingji.reopening.models import Alert, Establishment, Problem, StatusChange, Survey
from pingji.reopening.tests.conftest import StandIn

FENGTING = "350322100"
LIFTED = datetime.datetime(2021, 10, 20, tzinfo=cases_demo.TZ)


@pytest.fixture
def replay(db, settings, tmp_path, monkeypatch):
    settings.ANALYTIC_DIR = tmp_path / "analytic"

    def sealed_fengting(*, place=None, jurisdiction_code=None, at):
        inside = (jurisdiction_code or "").startswith(FENGTING)
        return [StandIn("枫亭镇封控区", "sealed", 1, True)] if inside and at < LIFTED else []

    monkeypatch.setattr(controls, "_controls_at", sealed_fengting)
    replay = outbreak_province()
    cases_demo.load(replay)
    return replay


def test_the_replay_closes_surveys_and_reopens(replay):
    summary = demo.load(replay)
    print(summary)

    assert summary["establishments"] > summary["closed_in_september"] > 0
    assert 0 < summary["survey_answers"] <= Survey.objects.get().targets().count()
    assert summary["resumed_in_october"] > 0 and summary["problems"] > 0
    assert Problem.objects.filter(task__isnull=False).count() == summary["problems"]
    moves = StatusChange.objects.all()
    assert all(
        datetime.date(2021, 9, 12) <= m.at.date() <= datetime.date(2021, 10, 31) for m in moves
    )
    resumed = moves.filter(status=Status.RESUMED).select_related("establishment")
    assert all(m.at.date() >= datetime.date(2021, 10, 1) for m in resumed)
    in_fengting = [m for m in resumed if m.establishment.jurisdiction_id.startswith(FENGTING)]
    assert all(m.at >= LIFTED for m in in_fengting)
    if in_fengting:
        assert summary["days_waited_for_areas"] > 0
    schools = Establishment.objects.filter(jurisdiction__code__startswith="350322", kind="school")
    assert schools.filter(status_changes__status=Status.CLOSED).exists()
    assert Alert.objects.count() == summary["alerts"]

"""The replay's areas: designated in mid-September, stepped down and lifted by October's end."""

import datetime

import pytest
from django.db.models import F

from pingji.areas.extent import local_date
from pingji.areas.lookup import controls_at
from pingji.areas.models import Checkpoint, Publication, RiskArea, Transition
from pingji.areas.tests.conftest import at
from pingji.cases.models import Case
from pingji.demo.steps import areas as demo
from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import tracing as tracing_demo
from pingji.demo.tests.outbreak import outbreak_province


@pytest.fixture
def replay(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    replay = outbreak_province()
    cases_demo.load(replay)
    tracing_demo.load(replay)
    return replay


def test_the_replay_designates_steps_down_and_lifts(replay):
    # every case was entered when reported (as its events were recorded): a read as of a day
    # sees that day's cases, not the day of the install
    assert not Case.objects.exclude(created_at=F("reported_at")).exists()
    summary = demo.load(replay)
    # areas in Xianyou and Tong'an, designated by 20 September, each with its published order
    assert summary["areas"] > 0
    assert set(summary["by_county"]) >= {"350322", "350212"}
    areas = RiskArea.objects.all()
    assert all(a.decided_at.date() <= datetime.date(2021, 9, 21) for a in areas)
    assert {a.level for a in areas if a.transitions.filter(kind="designate").exists()}
    # by the end of October every area is lifted, through published transitions only
    assert summary["still_in_force"] == 0
    lifted = Transition.objects.filter(kind="lift", status="published")
    assert lifted.count() == areas.count()
    assert Transition.objects.filter(kind="step_down", status="published").exists()
    assert all(t.published_at <= at(11, 1) for t in Transition.objects.all())
    assert all(not t.override or t.justification for t in Transition.objects.all())
    # without quarantine records every contact counts as unreleased: the county lifts by
    # override, and the justification names the criteria unmet, not a generic excuse
    overridden = Transition.objects.filter(override=True)
    assert overridden.exists()
    assert all("contacts" in t.justification for t in overridden)
    # a sealed compound was in force in mid-September and no longer on 1 November
    sealed = areas.filter(transitions__to_level="sealed").first()
    place = sealed.places.first()
    assert controls_at(place=place, at=sealed.effective_from + datetime.timedelta(hours=1))
    assert controls_at(place=place, at=at(11, 1)) == []
    # the lists were published at their historical times; the checkpoints are lifted
    assert Publication.objects.filter(published_at__lt=at(10, 1)).exists()
    assert set(Checkpoint.objects.values_list("status", flat=True)) == {"lifted"}


def test_areas_are_screened_before_lifting_and_lift_by_criteria(replay, monkeypatch):
    """With every contact released (``unreleased_contacts`` answers none: the quarantine records
    are the quarantine demo's test), the demo screens each area's residents inside the 48 h window
    through the testing app's own uploads; the real ``resident_screens`` then finds the screen
    complete and
    negative, and most areas move by the criteria, not by override."""
    from pingji.areas import evaluation
    from pingji.areas.models import Evaluation
    from pingji.testing.evidence import resident_screens
    from pingji.testing.models import Round, Upload

    monkeypatch.setattr(
        evaluation, "_evidence_functions", lambda: (resident_screens, lambda ids, on: set())
    )
    summary = demo.load(replay)
    assert summary["screens_before_lifting"] > 0
    assert summary["moved_by_criteria"] > 2 * summary["moved_by_override"]
    assert summary["still_in_force"] == 0
    rounds = Round.objects.filter(campaign__name__endswith="解封前全员核酸检测")
    assert rounds.count() == summary["screens_before_lifting"]
    assert not Upload.objects.exclude(status="applied").exists()
    # each move by the criteria of a sealed or controlled area rests on a complete negative screen
    by_criteria = Transition.objects.filter(override=False).exclude(kind="designate")
    for t in by_criteria.exclude(from_level="precaution"):
        day = local_date(t.effective_at) - datetime.timedelta(days=1)
        row = Evaluation.objects.get(area=t.area, day=day)
        screen = row.evidence["screen"]
        assert screen["complete"] and screen["tested"] == screen["target"] > 0
        assert screen["positive"] == 0


def test_the_affected_cities_switch_to_emergency_and_back(replay):
    """平急转换 in the replay: emergency from a city's first case, peacetime again once its risk
    areas are lifted and its cases have left hospital, each with its reason."""
    from pingji.cases.models import Case
    from pingji.command.choices import Mode
    from pingji.command.models import ModeSwitch
    from pingji.command.modes import mode_for
    from pingji.demo.steps import command as command_demo
    from pingji.geo.models import Jurisdiction

    demo.load(replay)
    assert command_demo.switch_modes(replay.end) > 0
    putian = Jurisdiction.objects.get(code="3503")
    first_case = min(x.reported for x in replay.lines if x.city == "3503")
    assert mode_for(putian, first_case).mode == Mode.EMERGENCY
    assert mode_for(putian, first_case - datetime.timedelta(minutes=1)).mode == Mode.PEACETIME
    xianyou = Jurisdiction.objects.get(code="350322")
    assert mode_for(xianyou, first_case).inherited_from == putian  # the county follows its city
    lifted = RiskArea.objects.filter(jurisdiction__code__startswith="3503")
    discharged = Case.objects.filter(disease="covid-19", jurisdiction__code__startswith="3503")
    assert not discharged.filter(outcome_at__isnull=True).exists()
    back = max(
        max(lifted.values_list("lifted_at", flat=True)),
        max(discharged.values_list("outcome_at", flat=True)),
    )
    assert mode_for(putian, back).mode == Mode.PEACETIME
    assert mode_for(putian, back - datetime.timedelta(minutes=1)).mode == Mode.EMERGENCY
    # a city with a case still in hospital at the record's end stays in emergency
    xiamen = Jurisdiction.objects.get(code="3502")
    assert Case.objects.filter(jurisdiction__code__startswith="3502", outcome_at__isnull=True)
    assert mode_for(xiamen, at(11, 1)).mode == Mode.EMERGENCY
    assert all(s.reason for s in ModeSwitch.objects.all())
    assert {s.decided_by.username for s in ModeSwitch.objects.filter(jurisdiction=putian)} == {
        "350300-commander"
    }

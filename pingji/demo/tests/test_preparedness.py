"""The replay's resources and preparedness steps, after the cases step on the small province.

Neither reads what tracing writes, so the fixture runs cases only (quicker)."""

import datetime
import time

import pytest

from pingji.cases.models import Case
from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import preparedness as demo
from pingji.demo.steps import resources as resources_demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.geo.models import Jurisdiction
from pingji.preparedness.models import Alert, Drill, VectorSurvey
from pingji.protocols.models import Protocol
from pingji.resources.reserves import reserve_rows


@pytest.fixture
def replay(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    replay = outbreak_province()
    cases_demo.load(replay)
    return replay


def test_reserves_draw_down_and_the_drill_leaves_no_data(replay):
    cases = Case.objects.filter(disease="covid-19").count()
    began = time.perf_counter()
    summary = resources_demo.load(replay)
    print("resources", time.perf_counter() - began, summary)
    assert summary["stores"] > 10 and summary["movements"] > 100
    calm = {r.store_id: r for r in reserve_rows("3503", datetime.date(2021, 9, 5))}
    assert calm and not any(r.under_reserve for r in calm.values())
    late = reserve_rows("3503", datetime.date(2021, 9, 20))
    assert any(r.under_reserve for r in late)  # Putian drew its stocks down
    assert not any(r.under_reserve for r in reserve_rows("3509", datetime.date(2021, 9, 20)))
    began = time.perf_counter()
    result = demo.load(replay)
    print("preparedness", time.perf_counter() - began, result)
    assert "350322" in result["alert_counties"]
    assert all(a.day >= datetime.date(2021, 9, 1) for a in Alert.objects.all())
    drill = Drill.objects.get()
    assert drill.status == "removed" and drill.jurisdiction_id == "350902"
    assert drill.protocol.code == "cn-8th-edition"
    assert not Protocol.objects.filter(jurisdiction_code__startswith="350902901").exists()
    steps = {s["step"]: s for s in drill.report["steps"]}
    assert steps["core_facts"]["met"] is True
    # dispatched for real to 福安市's sandbox 5 h in, controlled there 26 h later: late
    assert drill.partner_id == "350981" and drill.partner_sandbox_code == "350981901"
    assert steps["dispatch"]["minutes"] == 290
    assert steps["controlled"]["minutes"] == 1850 and steps["controlled"]["met"] is False
    assert steps["controlled"]["due_at"] == "2021-08-26T14:00+08:00"
    assert steps["quarantine"]["minutes"] == 1850  # placed at 福安市's sandbox site on control
    assert not Jurisdiction.objects.filter(drill=True).exists()
    # the drill's case is gone with its sandbox; Huli's mosquito grids report dengue cases
    assert Case.objects.filter(disease="covid-19").count() == cases
    assert result["vector_surveys"] > 0 and Case.objects.filter(disease="dengue").exists()
    assert VectorSurvey.objects.count() == result["vector_surveys"]

"""Pages, API and command: scoped to the jurisdiction (another's scenario is 404), refused to a
role without the permission (403), and the same actions behind each."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pingji.areas.choices import TransitionKind, TransitionStatus
from pingji.areas.tests.factories import TransitionFactory
from pingji.scenarios.models import Run, Scenario
from pingji.scenarios.tests.factories import ScenarioFactory
from pingji.users.choices import Role
from pingji.users.testing.fixtures import VerifiedClient

from .conftest import COUNTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    def client_for(user):
        c = VerifiedClient()
        c.force_login(user)
        return c

    return client_for


def test_another_jurisdictions_user_gets_404_everywhere(town, make_user, web, api):
    s = ScenarioFactory(jurisdiction=town["tree"][COUNTY])
    run = Run.objects.create(scenario=s, jurisdiction_id=COUNTY)
    outsider = make_user(Role.EPIDEMIOLOGIST, "350206")
    page = web(outsider)
    assert page.get(s.get_absolute_url()).status_code == 404
    assert page.get(run.get_absolute_url()).status_code == 404
    assert page.post(f"/scenarios/{s.pk}/run/").status_code == 404
    assert page.get(f"/scenarios/compare/?s={s.pk}").status_code == 404
    client = api(outsider)
    assert client.get(f"/api/scenarios/scenarios/{s.pk}/").status_code == 404
    assert client.post(f"/api/scenarios/scenarios/{s.pk}/run/").status_code == 404
    assert client.get("/api/scenarios/runs/").json()["count"] == 0
    assert not Run.objects.exclude(pk=run.pk).exists()


def test_a_role_without_the_permission_gets_403(town, make_user, web, api):
    s = ScenarioFactory(jurisdiction=town["tree"][COUNTY])
    auditor = make_user(Role.AUDITOR, COUNTY)
    assert web(auditor).get(s.get_absolute_url()).status_code == 200  # may read
    assert web(auditor).get("/scenarios/new/").status_code == 403
    assert web(auditor).post(f"/scenarios/{s.pk}/run/").status_code == 403
    assert api(auditor).post(f"/api/scenarios/scenarios/{s.pk}/run/").status_code == 403
    body = {
        "jurisdiction": COUNTY,
        "name": "x",
        "state_day": "2021-09-19",
        "plan": [],
        "days": 14,
        "runs": 1,
        "threshold": 1,
    }
    assert api(auditor).post("/api/scenarios/scenarios/", body, format="json").status_code == 403
    assert not Run.objects.exists() and Scenario.objects.count() == 1


def test_the_form_creates_a_scenario_with_plan_rows(town, make_user, web):
    page = web(make_user(Role.COMMANDER, COUNTY))
    form = page.get("/scenarios/new/")
    assert form.status_code == 200 and "Plan of changes" in form.content.decode()
    data = {
        "jurisdiction": COUNTY,
        "name": "仙游复学",
        "state_day": "2021-09-19",
        "days": 28,
        "runs": 2,
        "threshold": 3,
        "seed": 1,
        "importation": 0,
        "stay_days": 21,
        "kind_1": "step_measure",
        "on_1": "2021-09-27",
        "target_1": f"m:{town['schools'].pk}",
        "value_1": '{"mode": "in_person"}',
        "kind_2": "lift_measure",
        "on_2": "2021-09-10",
        "target_2": f"m:{town['gatherings'].pk}",
    }
    refused = page.post("/scenarios/new/", data)
    assert refused.status_code == 400 and "before the state day" in refused.content.decode()
    data["on_2"] = "2021-09-27"
    made = page.post("/scenarios/new/", data)
    s = Scenario.objects.get()
    assert made.status_code == 302 and [r["kind"] for r in s.plan] == [
        "lift_measure",
        "step_measure",
    ]


def test_run_page_compare_and_attach(town, make_user, web, django_capture_on_commit_callbacks):
    user = make_user(Role.COMMANDER, COUNTY)
    page = web(user)
    a = ScenarioFactory(jurisdiction=town["tree"][COUNTY], name="维持现状", runs=2)
    b = ScenarioFactory(
        jurisdiction=town["tree"][COUNTY],
        name="解除封控",
        runs=2,
        plan=[{"kind": "step_area", "on": "2021-09-21", "area": town["area"].pk, "level": ""}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.post(f"/scenarios/{a.pk}/run/")
        page.post(f"/scenarios/{b.pk}/run/")
    run = Run.objects.get(scenario=b)
    shown = page.get(run.get_absolute_url()).content.decode()
    assert 'data-status="finished"' in shown and "<svg" in shown and "rebound-14" in shown
    both = page.get(f"/scenarios/compare/?s={a.pk}&s={b.pk}").content.decode()
    assert "维持现状" in both and "解除封控" in both and both.count("<svg") == 4
    assert f'<option value="{a.pk}" selected>维持现状' in both  # the picker offers scenarios
    t = TransitionFactory(
        area=town["area"],
        kind=TransitionKind.LIFT,
        to_level="",
        status=TransitionStatus.PROPOSED,
        proposed_by=user,
    )
    answer = page.post(
        f"/scenarios/runs/{run.pk}/attach/", {"target": "transition", "proposal": t.pk}
    )
    assert answer.status_code == 302
    proposal = page.get(t.get_absolute_url()).content.decode()
    assert "Scientific assessment" in proposal and run.get_absolute_url() in proposal


def test_the_command_creates_runs_and_shows(town, make_user, tmp_path, capsys):
    make_user(Role.EPIDEMIOLOGIST, COUNTY, username="epi")
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "jurisdiction": COUNTY,
                "name": "命令行",
                "state_day": "2021-09-19",
                "days": 14,
                "runs": 2,
                "threshold": 2,
                "plan": [
                    {"kind": "lift_measure", "on": "2021-09-22", "measure": town["schools"].pk}
                ],
            }
        )
    )
    call_command("simulate", "create", str(plan), "--user", "epi")
    s = Scenario.objects.get()
    call_command("simulate", "run", str(s.pk), "--user", "epi")
    run = Run.objects.get()
    assert run.status == "finished"
    call_command("simulate", "show", str(run.pk), "--json")
    out = capsys.readouterr().out
    assert f"scenario {s.pk}" in out and f"run {run.pk} finished" in out and '"rebound_14"' in out
    plan.write_text(json.dumps({**json.loads(plan.read_text()), "days": 500}))
    with pytest.raises(CommandError, match="days"):
        call_command("simulate", "create", str(plan), "--user", "epi")

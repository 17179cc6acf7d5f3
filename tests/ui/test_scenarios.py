"""A scenario in the browser: a commander creates a small one (reopen schools), runs it, and
reads the chance of a rebound, the charts and the recorded inputs."""

from playwright.sync_api import expect

from pingji.scenarios.models import Run, Scenario
from pingji.scenarios.tests.conftest import demo_day, town  # noqa: F401 — fixtures used here
from pingji.users.choices import Role

from .browser import login


def test_a_commander_creates_and_runs_a_scenario_and_sees_its_result(new_page, make_user, town):  # noqa: F811
    commander = make_user(Role.COMMANDER, "350322")
    page = login(new_page(), commander, to="/scenarios/new/")
    page.fill("#id_name", "周一复学")
    page.fill("#id_state_day", "2021-09-19")
    page.fill("#id_days", "14")
    page.fill("#id_runs", "2")
    page.fill("#id_threshold", "2")
    page.select_option("#id_kind_1", "step_measure")
    page.fill("#id_on_1", "2021-09-20")
    page.select_option("#id_target_1", f"m:{town['schools'].pk}")
    page.fill("#id_value_1", '{"mode": "in_person"}')
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".msg-success")).to_contain_text("Scenario created")
    scenario = Scenario.objects.get(name="周一复学")
    assert scenario.plan[0]["setting"] == {"mode": "in_person"}

    page.get_by_role("button", name="Run the ensemble").click()
    expect(page.locator("#run-status")).to_have_attribute("data-status", "finished")
    expect(page.locator("#rebound-14")).not_to_be_empty()
    expect(page.locator("#charts svg")).to_have_count(4)
    expect(page.locator("#inputs")).to_contain_text("delta")
    assert Run.objects.get(scenario=scenario).results["runs"] == 2

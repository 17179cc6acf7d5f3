"""Bad input is refused, with a clear reason, before anything is stored or runs; the API answers
400 (never 500) whatever JSON arrives."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pingji.scenarios.actions import do_create_scenario
from pingji.scenarios.models import Scenario
from pingji.users.choices import Role

from .conftest import COUNTY, DAY

pytestmark = pytest.mark.django_db


def create(user, **over):
    data = dict(
        jurisdiction=COUNTY, name="复学", state_day=DAY, plan=[], days=28, runs=2, threshold=5
    )
    return do_create_scenario(actor=user, **{**data, **over})


def refused(user, **over) -> dict:
    with pytest.raises(ValidationError) as exc:
        create(user, **over)
    assert not Scenario.objects.exists()
    return exc.value.message_dict


def test_a_plan_within_the_state_is_stored_sorted(town, make_user):
    user = make_user(Role.EPIDEMIOLOGIST, COUNTY)
    plan = [
        {"kind": "importation", "on": "2021-09-25", "per_day": 1},
        {
            "kind": "step_measure",
            "on": "2021-09-21",
            "measure": town["schools"].pk,
            "setting": {"mode": "in_person"},
        },
        {"kind": "step_area", "on": "2021-09-22", "area": town["area"].pk, "level": "controlled"},
    ]
    s = create(user, plan=plan)
    assert [r["on"] for r in s.plan] == ["2021-09-21", "2021-09-22", "2021-09-25"]


@pytest.mark.parametrize(
    "row, reason",
    [
        ({"kind": "lift_measure", "on": "2021-09-21", "measure": 99999}, "not in force"),
        (
            {"kind": "lift_measure", "on": "2021-09-10", "measure": "SCHOOLS"},
            "before the state day",
        ),
        (
            {
                "kind": "step_measure",
                "on": "2021-09-21",
                "measure": "SCHOOLS",
                "setting": {"mode": "closed"},
            },
            "not less strict",
        ),
        (
            {
                "kind": "step_measure",
                "on": "2021-09-21",
                "measure": "SCHOOLS",
                "setting": {"mode": "flying"},
            },
            "mode",
        ),
        (
            {"kind": "step_area", "on": "2021-09-21", "area": "AREA", "level": "sealed"},
            "not stepped down",
        ),
        ({"kind": "step_area", "on": "2021-09-21", "area": "AREA", "level": "moon"}, "not a level"),
        ({"kind": "importation", "on": "2021-09-21", "per_day": -1}, "per_day"),
        ({"kind": "importation", "on": "2021-12-21", "per_day": 1}, "past the days"),
        ({"kind": "explode", "on": "2021-09-21"}, "kind is one of"),
        ({"kind": "lift_measure", "on": "21/9", "measure": "SCHOOLS"}, "YYYY-MM-DD"),
        (
            {"kind": "lift_measure", "on": "2021-09-21", "measure": "SCHOOLS", "x": 1},
            "unknown keys",
        ),
        ("<script>", "kind is one of"),
    ],
)
def test_every_bad_row_is_refused_with_its_reason(town, make_user, row, reason):
    user = make_user(Role.EPIDEMIOLOGIST, COUNTY)
    if isinstance(row, dict):
        row = {
            k: {"SCHOOLS": town["schools"].pk, "AREA": town["area"].pk}.get(v, v)
            if isinstance(v, str)
            else v
            for k, v in row.items()
        }
    errors = refused(user, plan=[row])
    assert any(reason in e for e in errors["plan"]), errors


def test_duplicates_and_changes_after_a_lifting_are_refused(town, make_user):
    user = make_user(Role.EPIDEMIOLOGIST, COUNTY)
    lift = {"kind": "lift_measure", "on": "2021-09-21", "measure": town["schools"].pk}
    errors = refused(user, plan=[lift, dict(lift)])
    assert "two changes of the same thing on one day" in errors["plan"][0]
    later = {**lift, "on": "2021-09-23"}
    errors = refused(user, plan=[lift, later])
    assert "lifted earlier in the plan" in errors["plan"][0]


def test_huge_and_malformed_plans_are_refused(town, make_user):
    user = make_user(Role.EPIDEMIOLOGIST, COUNTY)
    row = {"kind": "importation", "on": "2021-09-21", "per_day": 1}
    assert "at most" in refused(user, plan=[row] * 101)["plan"][0]
    assert "list" in refused(user, plan={"a": 1})["plan"][0]


@pytest.mark.parametrize(
    "field, value",
    [
        ("days", 13),
        ("days", 181),
        ("runs", 0),
        ("runs", 10_000),
        ("threshold", 0),
        ("importation", float("nan")),
        ("importation", 1e9),
        ("seed", -1),
        ("days", True),
        ("state_day", datetime.date(2021, 10, 1)),
        ("vaccinated_share", -0.1),
        ("vaccinated_share", 1.5),
        ("vaccinated_share", float("inf")),
        ("vaccinated_share", True),
        ("vaccinated_from_age", 121),
        ("vaccinated_from_age", -1),
    ],
)
def test_parameters_outside_their_range_are_refused(town, make_user, field, value):
    user = make_user(Role.EPIDEMIOLOGIST, COUNTY)
    assert field in refused(user, **{field: value})


def test_a_population_too_large_for_the_memory_is_refused_before_anything(
    town, make_user, settings
):
    settings.SCENARIO_MEMORY_LIMIT = 1024
    errors = refused(make_user(Role.EPIDEMIOLOGIST, COUNTY))
    assert "GiB" in errors["jurisdiction"][0]


def test_the_api_answers_400_not_500_to_hostile_input(town, make_user, api):
    client = api(make_user(Role.EPIDEMIOLOGIST, COUNTY))
    base = {
        "jurisdiction": COUNTY,
        "name": "x",
        "state_day": "2021-09-19",
        "days": 28,
        "runs": 2,
        "threshold": 5,
    }
    for plan in (
        [{"kind": "lift_measure", "on": "2021-09-21", "measure": [1] * 50}],
        "not a list",
        [None],
        [{"kind": "step_area", "on": "x", "area": {"$gt": 1}}],
        [{"kind": "importation", "on": "2021-09-21", "per_day": "1e999"}],
    ):
        response = client.post("/api/scenarios/scenarios/", {**base, "plan": plan}, format="json")
        assert response.status_code == 400, (plan, response.content)
        assert "plan" in response.json(), response.json()
    response = client.post(
        "/api/scenarios/scenarios/", {**base, "days": 9999, "plan": []}, format="json"
    )
    assert response.status_code == 400 and "days" in response.json()
    for bad in ({"vaccinated_share": 2}, {"vaccinated_from_age": 10**6}):
        response = client.post(
            "/api/scenarios/scenarios/", {**base, **bad, "plan": []}, format="json"
        )
        assert response.status_code == 400 and set(bad) <= set(response.json()), bad
    response = client.post("/api/scenarios/scenarios/", {**base, "plan": []}, format="json")
    assert response.status_code == 201, response.content

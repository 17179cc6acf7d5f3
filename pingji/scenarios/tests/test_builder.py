"""The builder reads the live state as recorded by the end of the state day, and nothing later."""

import datetime

import numpy as np
import pytest

from pingji.cases.tests.factories import CaseFactory
from pingji.scenarios import state
from pingji.scenarios.build import build
from pingji.scenarios.in_force import in_force
from pingji.scenarios.pathogen import pathogen_on
from pingji.scenarios.population import AREA_SEP, build_population
from pingji.scenarios.tests.factories import ScenarioFactory

from .conftest import COUNTY, DAY, GRIDS, at, person

pytestmark = pytest.mark.django_db


def test_the_population_comes_from_the_registry_with_households_grids_and_areas(town):
    now = in_force(COUNTY, DAY)
    built = build_population(COUNTY, DAY, now.areas)
    pop = built.population
    assert pop.size == 60 and pop.n_households == 20
    labels = pop.area_labels
    # the sealed compound's residents are their own area, inside their township
    assert f"350322100{AREA_SEP}{town['area'].pk}" in labels
    sealed = labels.index(f"350322100{AREA_SEP}{town['area'].pk}")
    assert int(np.sum(pop.area == sealed)) == 30
    assert int(np.sum(pop.groups["school"] >= 0)) == 10
    assert len(set(pop.groups["community"].tolist())) == 2


def test_people_measures_and_cases_entered_after_the_day_do_not_leak(town):
    tree = town["tree"]
    later = at(DAY + datetime.timedelta(days=1))
    household = town["people"][5].household
    person(tree[GRIDS[1]], household, 999, created=later)
    CaseFactory(person=town["people"][20], reported_at=later, created_at=later)
    CaseFactory(person=town["people"][21], reported_at=at(DAY), created_at=later)  # entered late
    assert build_population(COUNTY, DAY, {}).population.size == 60
    assert state.active_infections(COUNTY, DAY) == [town["people"][0].pk]
    assert state.active_infections(COUNTY, DAY - datetime.timedelta(days=2)) == []


def test_measures_and_areas_in_force_are_those_published_by_the_day(town):
    now = in_force(COUNTY, DAY)
    assert {m.kind for m in now.measures} == {"school_mode", "gatherings"}
    assert list(now.areas) == [town["area"].pk]
    before = in_force(COUNTY, datetime.date(2021, 9, 10))
    assert before.measures == [] and before.areas == {}


def test_the_pathogen_is_the_packs_variant_dominant_on_the_day(tree):
    found = pathogen_on(COUNTY, DAY)
    assert found.record["variant"] == "delta" and found.record["pack"] == "covid-19"
    assert found.pathogen.beta > 0
    with pytest.raises(Exception) as exc:
        pathogen_on(COUNTY, datetime.date(2022, 3, 1))  # omicron: no simulator figures yet
    assert "no simulator figures" in str(exc.value)


def test_the_scenario_carries_regime_measures_areas_and_the_plan(town):
    s = ScenarioFactory(
        jurisdiction=town["tree"][COUNTY],
        plan=[{"kind": "lift_measure", "on": "2021-09-22", "measure": town["schools"].pk}],
    )
    built = build(s)
    sc = built.scenario
    sc.check()
    schools = [x for x in sc.interventions if getattr(x, "layer", "") == "school"]
    assert [(x.start, x.end, x.factor) for x in schools] == [(0, 2, 0.0)]  # closed until the 22nd
    assert any(type(x).__name__ == "RiskArea" and x.end == 14 for x in sc.interventions)
    tracing = next(x for x in sc.interventions if type(x).__name__ == "Tracing")
    assert tracing.central_days == built.inputs["regime"]["central_days"] == 14
    assert built.inputs["start"]["known_infections_admitted"] == 1
    assert built.inputs["pathogen"]["variant"] == "delta"
    assert built.rooms_held[0] == 1  # the person placed on the 17th holds a room


def test_a_run_starts_from_the_infections_nobody_has_found_yet(town):
    # Given the county's one known case, found in the community the day before the state day
    s = ScenarioFactory(jurisdiction=town["tree"][COUNTY], days=28, stay_days=10)
    built = build(s)
    start = built.inputs["start"]
    # Then it is admitted: it infects nobody in the run, and holds a bed until its stay ends
    assert start["known_infections_admitted"] == 1 and built.scenario.initial_agents is None
    assert built.beds_held == [1] * 8 + [0] * 20  # reported on the 18th, ten days to the 28th
    # and the chain it ended ran free: the infections that happened since and are not yet found
    assert start["found_outside_control"] == {"350322100": 1}
    assert start["days_to_finding"] >= 4.4  # at least Delta's incubation
    hidden = round(start["days_to_finding"] / 7)
    assert built.scenario.initial_infections == start["hidden_infections"] == hidden >= 1
    labels = built.scenario.population.area_labels
    assert {labels[a].split(AREA_SEP)[0] for a in built.scenario.initial_areas} == {"350322100"}


def test_the_scenarios_share_is_vaccinated_from_its_age_and_the_digest_covers_it(town):
    plain = build(ScenarioFactory(jurisdiction=town["tree"][COUNTY]))
    s = ScenarioFactory(
        jurisdiction=town["tree"][COUNTY], vaccinated_share=1.0, vaccinated_from_age=40
    )
    built = build(s)
    pop = built.scenario.population
    assert np.all(pop.doses[pop.age >= 40] == 2) and np.all(pop.doses[pop.age < 40] == 0)
    assert built.inputs["vaccination"]["vaccinated"] == int((pop.age >= 40).sum()) > 0
    assert built.scenario.digest() != plain.scenario.digest()
    assert plain.inputs["vaccination"]["vaccinated"] == 0


def test_a_case_found_inside_control_leaves_nothing_hidden(town):
    town["case"].channel = "centralised_quarantine"
    town["case"].save(update_fields=["channel"])
    built = build(ScenarioFactory(jurisdiction=town["tree"][COUNTY]))
    assert built.scenario.initial_infections == 0 and built.scenario.initial_areas is None
    assert built.inputs["start"]["known_infections_admitted"] == 1
    assert built.beds_held[0] == 1


def test_the_pack_refuses_broken_simulator_figures():
    import json

    from pingji.protocols.loading import DATA_DIR
    from pingji.protocols.schema.packs import validate_pack

    pack = json.loads((DATA_DIR / "diseases" / "covid-19.json").read_text(encoding="utf-8"))
    assert validate_pack(pack) == []
    pack["variants"][0]["simulator"]["colour"] = "red"
    (error,) = validate_pack(pack)
    assert error.path == "$.variants[0].simulator" and "colour" in error.reason

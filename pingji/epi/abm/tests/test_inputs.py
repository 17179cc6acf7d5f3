"""Inputs: checked before anything runs, recorded, and enough to reproduce a run bit for bit."""

import json

import numpy as np
import pytest

from pingji.epi.abm import (
    Importation,
    Layer,
    MassTesting,
    Pathogen,
    Population,
    Scale,
    Scenario,
    Tracing,
    random_population,
    run,
)
from pingji.epi.abm import interventions as iv
from pingji.epi.abm.replay import delta_figures


def layers() -> list[Layer]:
    return [
        Layer("household", "household", beta=3.0),
        Layer("school", "group", beta=0.6, contacts=10),
        Layer("community", "group", beta=0.3, contacts=10),
    ]


def test_the_same_inputs_and_seed_give_the_same_run_and_another_seed_another(city, delta):
    sc = Scenario(city, delta, layers(), n_days=40, interventions=[Tracing(0, 40)])
    a, b, c = run(sc, 9), run(sc, 9), run(sc, 10)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.new_infections, c.new_infections)


def test_a_run_is_recorded_and_its_measures_come_back_from_the_record(city, delta):
    measures = [
        Scale("school", 3, 20, 0.0, areas=(1, 2)),
        Importation(0.5, 0, 40),
        MassTesting(iv.every(5, 40, 7), coverage=0.9, pool=10, pool_sensitivity=0.95),
        Tracing(0, 40, delays=(1, 2, 2, 3)),
    ]
    sc = Scenario(city, delta, layers(), n_days=40, interventions=measures)
    record = json.loads(json.dumps(sc.to_dict()))
    assert record["population"]["recipe"]["generator"] == "synthetic_population"
    assert [iv.from_dict(m) for m in record["interventions"]] == measures
    again = Scenario(
        city,
        Pathogen.from_dict(record["pathogen"]),
        [Layer.from_dict(x) for x in record["layers"]],
        n_days=record["n_days"],
        interventions=[iv.from_dict(m) for m in record["interventions"]],
    )
    assert again.digest() == sc.digest()
    assert run(again, 2).to_dict() == run(sc, 2).to_dict()


def test_the_delta_parameters_load_and_every_figure_is_sourced(delta):
    assert delta.durations["latent"].mean == 3.0
    raw = delta_figures()

    def figures(node, path=""):
        if isinstance(node, dict) and ("value" in node or "distribution" in node):
            yield path, node
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("name", "note") and isinstance(value, dict):
                    yield from figures(value, f"{path}.{key}")
                elif key not in ("name", "note", "citation", "to_verify"):
                    yield f"{path}.{key}", node

    for path, node in figures(raw):
        assert node.get("citation", "").strip(), path
        assert isinstance(node.get("to_verify"), bool), path


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda s: setattr(s, "interventions", [Scale("gym", 0, 10, 0.0)]), "unknown layer"),
        (lambda s: setattr(s, "interventions", [Scale("school", 0, 99, 0.0)]), "run past"),
        (lambda s: setattr(s, "interventions", [MassTesting((45,))]), "past the run"),
        (lambda s: setattr(s, "interventions", [Scale("school", 0, 5, 0.5, (9,))]), "areas"),
        (lambda s: setattr(s, "layers", [Layer("gym", "group")]), "lacks"),
        (lambda s: setattr(s, "memory_limit", 10**6), "GiB"),
        (lambda s: setattr(s, "n_days", 0), "n_days"),
        (lambda s: setattr(s, "initial_infections", 10**9), "initial_infections"),
        (lambda s: setattr(s, "risk_levels", {"high": {"school": -1.0}}), "factor"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(city, delta, bad, message):
    sc = Scenario(city, delta, layers(), n_days=40)
    bad(sc)
    with pytest.raises(ValueError, match=message):
        run(sc, 1)


def test_bad_measures_and_layers_are_refused_when_made():
    with pytest.raises(ValueError, match="per_day"):
        Importation(-1.0, 0, 10)
    with pytest.raises(ValueError, match="start"):
        Scale("school", 10, 5, 0.0)
    with pytest.raises(ValueError, match="share"):
        MassTesting((1,), coverage=1.5)
    with pytest.raises(ValueError, match="test days"):
        Tracing(0, 10, central_days=3, home_days=0, test_days=(5,))
    with pytest.raises(ValueError, match="unknown kind"):
        Layer("bus", "train")
    with pytest.raises(ValueError, match="beta"):
        Layer("bus", "group", beta=-1.0)
    with pytest.raises(ValueError, match="unknown intervention"):
        iv.from_dict({"kind": "Curfew"})


def test_bad_pathogen_figures_are_refused(delta):
    raw = delta.to_dict()
    with pytest.raises(ValueError, match="unknown pathogen"):
        Pathogen.from_dict({**raw, "colour": "red"})
    with pytest.raises(ValueError, match="probabilities"):
        Pathogen.from_dict({**raw, "symptomatic_probability": [1.5] * len(raw["age_bins"])})
    with pytest.raises(ValueError, match="age bands"):
        Pathogen.from_dict({**raw, "relative_susceptibility": [1.0]})
    with pytest.raises(ValueError, match="durations missing"):
        Pathogen.from_dict({**raw, "durations": {"latent": 3}})
    with pytest.raises(ValueError, match="distribution"):
        Pathogen.from_dict({**raw, "durations": {**raw["durations"], "latent": {"mean": -1}}})


def test_a_population_from_arrays_is_put_in_household_order_and_checked():
    age = np.array([30, 5, 40, 70, 8])
    household = np.array([7, 3, 7, 3, 9])
    pop = Population.from_arrays(
        age,
        household,
        groups={"school": np.array([-1, 12, -1, -1, 12])},
        contacts={"venue": (np.array([0, 1]), np.array([4, 2]))},
    )
    assert pop.order is not None
    np.testing.assert_array_equal(pop.age, age[pop.order])
    np.testing.assert_array_equal(pop.household, [0, 0, 1, 1, 2])
    np.testing.assert_array_equal(pop.household_starts(), [0, 2, 4, 5])
    school = pop.groups["school"]
    assert school[pop.order == 1][0] == school[pop.order == 4][0] >= 0
    src, dst = pop.contacts["venue"]
    pairs = {(int(pop.order[a]), int(pop.order[b])) for a, b in zip(src, dst, strict=True)}
    assert pairs == {(0, 4), (1, 2)}
    with pytest.raises(ValueError, match="age"):
        Population.from_arrays([200], [0])
    with pytest.raises(ValueError, match="outside"):
        Population.from_arrays([3, 4], [0, 0], contacts={"v": ([0], [5])})


def test_covasim_random_population_has_its_contacts(covasim_default):
    pop = random_population(5000, seed=1)
    src, _ = pop.contacts["a"]
    assert 2 * src.shape[0] / pop.size == pytest.approx(20, rel=0.05)
    sc = Scenario(pop, covasim_default, [Layer("a", "static")], n_days=60, transmission="linear")
    assert run(sc, 1).attack_rate > 0.2

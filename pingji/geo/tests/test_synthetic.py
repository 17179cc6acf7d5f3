"""The synthetic tree below the real townships: deterministic, complete at any scale, sound."""

import pytest

from pingji.core.models import DomainEvent
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.loaders import load_boundaries, load_divisions
from pingji.geo.models import Jurisdiction, Place
from pingji.geo.synthetic import (
    MIN_COMMUNITIES,
    MIN_GRIDS,
    Township,
    generate_tree,
    plan_county_sites,
    plan_places,
    plan_units,
    short_name,
)

FENGTING = Township("350322100", "枫亭镇", "仙游县", 50_282, "3503", 118.7, 25.4)
LICHENG = Township("350322001", "鲤城街道", "仙游县", 50_282, "3503")


def test_the_same_seed_gives_the_same_tree_and_another_seed_another():
    first = plan_units(FENGTING, scale=0.01, seed=7)
    assert first == plan_units(FENGTING, scale=0.01, seed=7)
    assert [u.name for u in first] != [u.name for u in plan_units(FENGTING, scale=0.01, seed=8)]
    places = plan_places(FENGTING, first, scale=0.01, seed=7)
    assert places == plan_places(FENGTING, first, scale=0.01, seed=7)


def test_a_tiny_scale_still_gives_every_township_its_floor_of_communities_and_grids():
    units = plan_units(FENGTING, scale=0.00001, seed=1)
    communities = [u for u in units if u.level == Level.COMMUNITY]
    grids = [u for u in units if u.level == Level.GRID]
    assert len(communities) == MIN_COMMUNITIES
    assert len(grids) == MIN_COMMUNITIES * MIN_GRIDS


def test_counts_grow_with_the_population_at_scale():
    small = plan_units(FENGTING, scale=0.001, seed=1)
    whole = plan_units(FENGTING, scale=1, seed=1)
    assert len(whole) > 5 * len(small)
    communities = [u for u in whole if u.level == Level.COMMUNITY]
    assert 8 <= len(communities) <= 20  # about 4,000 residents each


def test_codes_extend_their_parents_and_populations_add_up():
    units = plan_units(FENGTING, scale=1, seed=3)
    by_code = {u.code: u for u in units}
    for u in units:
        assert u.code.startswith(u.parent) and len(u.code) == len(u.parent) + 3
        assert u.code[-3:].isdigit() and u.code[-3:] != "000"
    communities = [u for u in units if u.level == Level.COMMUNITY]
    assert sum(c.population for c in communities) == FENGTING.population
    for c in communities:
        assert sum(g.population for g in units if g.parent == c.code) == c.population
    # a town has one community at its seat (001…) and villages (201…) around it
    assert communities[0].name.endswith("社区") and communities[0].code.endswith("001")
    assert all(c.name.endswith("村") and c.code[-3] == "2" for c in communities[1:])
    assert len(by_code) == len(units)


def test_a_subdistrict_has_only_urban_communities():
    units = plan_units(LICHENG, scale=0.01, seed=1)
    assert all(u.name.endswith("社区") for u in units if u.level == Level.COMMUNITY)


def test_every_grid_has_a_compound_with_buildings_and_every_community_a_venue():
    units = plan_units(FENGTING, scale=0.002, seed=2)
    places = plan_places(FENGTING, units, scale=0.002, seed=2)
    grids = {u.code for u in units if u.level == Level.GRID}
    compounds = [p for p in places if p.kind == PlaceKind.COMPOUND]
    assert {p.grid for p in compounds} == grids
    for p in places:
        if p.kind == PlaceKind.BUILDING:
            assert any(p.parent is c for c in compounds) and p.parent.grid == p.grid
            assert p.name.startswith(p.parent.name)
        assert p.grid in grids and p.name and p.address.startswith("仙游县枫亭镇")
        assert 118 < p.lon < 119.5 and 24.7 < p.lat < 26
    assert {p.grid[:12] for p in places if p.kind == PlaceKind.VENUE} == {
        u.code for u in units if u.level == Level.COMMUNITY
    }
    kinds = {p.kind for p in places}
    assert {PlaceKind.SCHOOL, PlaceKind.ENTERPRISE} <= kinds


def test_each_county_gets_a_quarantine_hotel_and_checkpoints():
    sites = plan_county_sites("350322", "仙游县", 905_068, ["350322100001001"], scale=0.001, seed=1)
    kinds = [s.kind for s in sites]
    assert kinds.count(PlaceKind.QUARANTINE_SITE) >= 1
    assert 2 <= kinds.count(PlaceKind.CHECKPOINT) <= 3
    assert all(s.name.startswith("仙游") and s.grid == "350322100001001" for s in sites)


def test_short_names_drop_the_level_suffix():
    assert [short_name(n) for n in ("仙游县", "枫亭镇", "鲤城街道", "城区", "鼓楼区")] == [
        "仙游",
        "枫亭",
        "鲤城",
        "城区",
        "鼓楼",
    ]


@pytest.fixture
def xianyou(db):
    load_divisions()
    load_boundaries()


def test_generate_tree_writes_communities_grids_and_places_below_the_townships(xianyou):
    # when the tree is generated for one county
    summary = generate_tree(scale=0.001, seed=5, within="350322")
    # then every township of it has communities and grids, and each grid has places
    townships = Jurisdiction.objects.filter(level=Level.TOWNSHIP, code__startswith="350322")
    for t in townships:
        assert t.children.filter(level=Level.COMMUNITY).count() >= MIN_COMMUNITIES
    grids = Jurisdiction.objects.filter(level=Level.GRID)
    assert summary["grids"] == grids.count() >= townships.count() * MIN_COMMUNITIES * MIN_GRIDS
    assert set(grids.values_list("reporting_unit_id", flat=True)) == {"3503"}
    assert not grids.exclude(code__startswith="350322").exists()
    assert Place.objects.count() == summary["places"]
    housed = set(
        Place.objects.filter(kind=PlaceKind.BUILDING).values_list("jurisdiction_id", flat=True)
    )
    assert housed == set(grids.values_list("code", flat=True))
    buildings = Place.objects.filter(kind=PlaceKind.BUILDING).select_related("parent")
    assert all(
        b.parent.kind == PlaceKind.COMPOUND and b.parent.jurisdiction_id == b.jurisdiction_id
        for b in buildings
    )  # every building stands in its own compound, across all townships
    assert Place.objects.filter(kind=PlaceKind.QUARANTINE_SITE).exists()
    assert DomainEvent.objects.get(kind="geo.synthetic_generated").payload["grids"] == grids.count()


def test_generate_tree_refuses_to_run_twice(xianyou):
    generate_tree(scale=0.0001, seed=5, within="350322")
    with pytest.raises(ValueError, match="already exist"):
        generate_tree(scale=0.0001, seed=5, within="350322")


def test_generate_tree_needs_the_divisions(db):
    with pytest.raises(ValueError, match="load the divisions"):
        generate_tree(scale=0.001, seed=1)

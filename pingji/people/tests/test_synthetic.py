"""The synthetic population: deterministic, valid identity numbers, plausible households, ages."""

from typing import Any

import numpy as np
import pytest

from pingji.geo.choices import Level, PlaceKind
from pingji.geo.loaders import load_divisions
from pingji.geo.models import Jurisdiction
from pingji.geo.synthetic import generate_tree
from pingji.people.identity import (
    birth_date_of,
    normalize_id_number,
    normalize_phone,
    sex_of,
)
from pingji.people.models import Household, Person
from pingji.people.synthetic import (
    AGE_BANDS,
    HEAD_MIN_AGE,
    PHONE_MIN_AGE,
    REFERENCE_DATE,
    Cell,
    cells_for,
    iter_population,
    load_population,
)

#: Two counties, many residents per grid, so sequences are shared across chunks.
CELLS = [Cell(f"350322100001{i:03d}", "350322", 700) for i in range(1, 9)] + [
    Cell(f"350206001001{i:03d}", "350206", 500) for i in range(1, 5)
]


def generate(cells=CELLS, seed=11, chunk=1500) -> dict[str, Any]:
    """Every column of the generated population as one array, and how many chunks made it."""
    chunks = list(iter_population(cells, seed=seed, chunk=chunk))
    columns: dict[str, Any] = {
        k: np.concatenate([getattr(c, k) for c in chunks])
        for k in ("household", "head", "male", "birth", "id_number", "phone", "name")
    }
    columns["grid"] = np.concatenate([c.grids[c.cell] for c in chunks])
    columns["chunks"] = len(chunks)
    return columns


def ages(birth: np.ndarray) -> np.ndarray:
    return ((REFERENCE_DATE - birth).astype(np.int64) / 365.2425).astype(int)


def test_the_same_seed_gives_the_same_people_and_another_seed_others():
    first, again, other = generate(seed=1), generate(seed=1), generate(seed=2)
    assert first["chunks"] > 1
    for key in ("id_number", "name", "phone", "household"):
        assert np.array_equal(first[key], again[key])
    assert not np.array_equal(first["id_number"], other["id_number"])


def test_every_identity_number_is_valid_unique_and_agrees_with_the_person():
    people = generate()
    assert len(people["id_number"]) == sum(c.persons for c in CELLS)
    assert len(set(people["id_number"].tolist())) == len(people["id_number"])
    for number, male, birth, grid in zip(
        people["id_number"], people["male"], people["birth"], people["grid"], strict=True
    ):
        text = normalize_id_number(number.decode())
        assert text[:6] == grid[:6]
        assert sex_of(text) == ("M" if male else "F")
        assert birth_date_of(text) == birth.astype(object)


def test_households_stay_in_one_grid_are_headed_by_adults_and_average_below_three():
    people = generate()
    first_in_household = np.r_[True, people["household"][1:] != people["household"][:-1]]
    assert np.array_equal(first_in_household, people["head"])
    for h in np.unique(people["household"])[:500]:
        assert len(set(people["grid"][people["household"] == h])) == 1
    assert ages(people["birth"][people["head"]]).min() >= HEAD_MIN_AGE
    sizes = np.bincount(people["household"] - people["household"][0])
    assert sizes.max() <= 6
    assert 2.3 < sizes.mean() < 2.9  # Fujian 2.68 (7th census), less the cuts at grid edges


def test_ages_and_sexes_follow_the_census_shares():
    people = generate([Cell(f"350322100001{i:03d}", "350322", 10_000) for i in range(1, 11)])
    age = ages(people["birth"])
    for first, last, share in AGE_BANDS:
        assert abs(np.mean((age >= first) & (age <= last)) - share) < 0.01
    assert abs(people["male"].mean() - 0.5168) < 0.01


def test_adults_have_valid_mobile_numbers_and_children_none():
    people = generate()
    age = ages(people["birth"])
    phones = people["phone"].tolist()
    assert all(p == b"" for p, a in zip(phones, age, strict=True) if a < PHONE_MIN_AGE)
    for phone in (p for p, a in zip(phones, age, strict=True) if a >= PHONE_MIN_AGE):
        assert normalize_phone(phone.decode()) == phone.decode()


def test_names_are_a_surname_and_one_or_two_characters_children_the_heads_surname():
    people = generate()
    names = people["name"].tolist()
    assert all(len(n) in (2, 3) for n in names)
    assert len(set(names)) > len(names) / 4
    head_of = np.flatnonzero(people["head"])[people["household"] - people["household"][0]]
    minors = np.flatnonzero(ages(people["birth"]) < HEAD_MIN_AGE)
    assert len(minors) > 100
    assert all(names[i][0] == names[head_of[i]][0] for i in minors)


def test_cells_share_each_county_total_by_population():
    grids = [("350322100001001", 1000), ("350322100001002", 3000), ("350206001001001", 500)]
    cells = cells_for(grids, 0.01)
    assert [c.persons for c in cells] == [5, 10, 30]
    assert [c.county for c in cells] == ["350206", "350322", "350322"]


@pytest.fixture
def xianyou(db):
    load_divisions()
    generate_tree(scale=0.001, seed=3, within="350322")
    grids = Jurisdiction.objects.filter(level=Level.GRID).order_by("code")
    return cells_for(grids.values_list("code", "population"), 0.001)


def test_load_population_writes_households_and_residents_with_their_identity_data(xianyou):
    # when the residents of 仙游县 are loaded at 1/1000
    totals = load_population(xianyou, seed=3, chunk=300)
    # then every resident is stored, encrypted, hashed and masked, in a household of their grid
    assert totals["persons"] == Person.objects.count() == round(905_068 * 0.001)
    assert totals["households"] == Household.objects.count()
    person = Person.objects.select_related("household__place").order_by("id").first()
    revealed = person.reveal()
    assert normalize_id_number(revealed["id_number"]) == revealed["id_number"]
    assert (
        person.id_number_masked == revealed["id_number"][:6] + "*" * 11 + revealed["id_number"][-1]
    )
    assert Person.objects.with_id_number(revealed["id_number"]).get() == person
    assert person.household.jurisdiction_id == person.jurisdiction_id
    assert person.household.place.kind == PlaceKind.BUILDING
    assert person.household.place.jurisdiction_id == person.jurisdiction_id
    assert Person.objects.values("id_number_hash").distinct().count() == totals["persons"]

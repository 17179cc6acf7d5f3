"""The population a deployment holds, as the simulator's arrays (docs/scenarios.md).

Read from the registry as recorded by the end of the state day (decision 0030: a person, a
household or a membership entered later is not there), through ``values_list`` iterators into
numpy arrays: never a model instance per person, so a province's registry streams in.

- household: the person's household (one of their own when none is recorded);
- area: the person's township, split by the risk area in force over their home (the strictest
  when several cover it), so that a risk area's level can act on exactly its residents while
  results are summed by township (``AREA_SEP`` in the label);
- groups: ``community`` the grid, ``work`` the enterprise or shop where they are staff,
  ``school`` the class (or school) they attend or teach at; for each venue kind the venue of
  that kind they checked into most often in the last 14 days (``checkins``: the lake's check-in
  store), and for whoever has no such check-in one group per township standing in; one group
  per township for gatherings and per county for public transport.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from pingji.areas.extent import day_end, index_extents
from pingji.areas.models import RiskArea
from pingji.epi import abm
from pingji.people.models import Person
from pingji.protocols.choices import EstablishmentKind
from pingji.reopening.models import Member

from . import checkins
from .in_force import AreaInForce

#: The age of a person whose birth date is not recorded: China's median age (38.8 years, Seventh
#: National Population Census, 2021), rounded.
UNKNOWN_AGE = 39
#: Between a township and the risk area in an area label: ``350322100|17``.
AREA_SEP = "|"
SCHOOL_KINDS = {EstablishmentKind.SCHOOL.value, EstablishmentKind.KINDERGARTEN.value}
VENUE_KINDS = (EstablishmentKind.SHOP.value, EstablishmentKind.MARKET.value, "venue")
CHUNK = 20_000


@dataclass
class Built:
    population: abm.Population
    person_ids: np.ndarray  # the person id of each input position (before household order)
    missing_ages: int
    checkins: dict  # what the venue layers read from the check-in store (``checkins``)


def count_people(code: str, day: datetime.date) -> int:
    """How many persons the registry held below ``code`` by the end of ``day``."""
    return _people(code, day).count()


def _people(code: str, day: datetime.date):
    return Person.objects.filter(jurisdiction__code__within=code, created_at__lt=day_end(day))


def build_population(code: str, day: datetime.date, areas: dict[int, AreaInForce]) -> Built:
    """The population of ``code`` on ``day``, with the risk areas in force split out."""
    rows = (
        _people(code, day)
        .order_by("pk")
        .values_list(
            "pk",
            "birth_date",
            "household_id",
            "jurisdiction_id",
            "household__place_id",
            "household__place__parent_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    ids, ages, households, grids, places, parents = [], [], [], [], [], []
    missing = 0
    for pk, born, household, grid, place, parent in rows:
        ids.append(pk)
        if born is None:
            missing += 1
        ages.append(_age(born, day))
        households.append(household if household is not None else -pk)
        grids.append(grid)
        places.append(place)
        parents.append(parent)
    person_ids = np.asarray(ids, dtype=np.int64)
    area, labels = _areas(grids, places, parents, areas)
    groups, visits = _groups(person_ids, grids, day, code)
    population = abm.Population.from_arrays(
        np.asarray(ages, dtype=np.int64),
        np.asarray(households, dtype=np.int64),
        area=area,
        area_labels=labels,
        groups=groups,
        recipe={"registry": code, "as_of": day.isoformat(), "persons": len(ids)},
    )
    return Built(population, person_ids, missing, visits.record)


def _age(born: datetime.date | None, day: datetime.date) -> int:
    if born is None:
        return UNKNOWN_AGE
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return min(max(years, 0), 120)


def _areas(grids, places, parents, areas: dict[int, AreaInForce]):
    """Each person's area index and the labels: township, or township|risk area."""
    index = index_extents(RiskArea.objects.filter(pk__in=list(areas)))
    labels: dict[str, int] = {}
    out = np.empty(len(grids), dtype=np.int64)
    for i, (grid, place, parent) in enumerate(zip(grids, places, parents, strict=True)):
        covering = index.areas_at(place, parent, grid)
        label = grid[:9]
        if covering:
            strictest = min(covering, key=lambda a: (areas[a].order, a))
            label = f"{label}{AREA_SEP}{strictest}"
        out[i] = labels.setdefault(label, len(labels))
    return out, tuple(labels) or ("",)


def _groups(person_ids: np.ndarray, grids: list[str], day: datetime.date, code: str):
    """Group labels per layer (-1: not a member), and the record of the check-ins read."""
    n = len(grids)
    position = {int(pk): i for i, pk in enumerate(person_ids)}
    codes = np.asarray(grids, dtype=object)
    township = _labels([g[:9] for g in grids])
    groups = {
        "community": _labels(list(codes)),
        "work": np.full(n, -1, dtype=np.int64),
        "school": np.full(n, -1, dtype=np.int64),
        "gathering": township,
        "transport": _labels([g[:6] for g in grids]),
    }
    visits = checkins.venue_groups(_people(code, day), person_ids, day)
    for kind in VENUE_KINDS:
        groups[f"venue:{kind}"] = _venue_layer(township, visits.by_kind.get(kind))
    _memberships(groups, position, day, code)
    return groups, visits


def _venue_layer(township: np.ndarray, found) -> np.ndarray:
    """A venue kind's groups: the venue checked into most often, numbered after the townships'
    stand-in groups, which keep whoever has no check-in at a venue of the kind."""
    out = township.copy()
    if found is not None:
        positions, venues = found
        out[positions] = (int(township.max()) + 1 if township.size else 0) + venues
    return out


def _labels(values: list[str]) -> np.ndarray:
    _unique, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return inverse.astype(np.int64)


def _memberships(groups: dict, position: dict[int, int], day: datetime.date, code: str) -> None:
    """Staff and pupils (reopening's members) as of the day: the first membership counts."""
    rows = (
        Member.objects.filter(created_at__lt=day_end(day), person__jurisdiction__code__within=code)
        .order_by("-pk")
        .values_list("person_id", "establishment_id", "establishment__kind", "group")
        .iterator(chunk_size=CHUNK)
    )
    classes: dict[tuple[int, str], int] = {}
    for person, establishment, kind, klass in rows:
        i = position.get(person)
        if i is None:  # entered after the day's end: not in the population
            continue
        if kind in SCHOOL_KINDS:
            groups["school"][i] = classes.setdefault((establishment, klass), len(classes))
        else:
            groups["work"][i] = establishment

"""The all-resident screening of an extent, as lifting criteria need it: what testing offers areas
(``resident_screens``).

The protocols lift a sealed or controlled area only after every resident tested negative in a
screen on a given day or within hours before lifting (``protocols.rules.Lifting``:
``screen_all_residents``, ``screen_on_day``, ``screen_within_hours_before_lifting``). The areas
domain asks here, for the residents of some jurisdictions and places, how many were tested in a
window, how many were in a positive tube, and in how many rounds. Resources asks, read-only, how
many samples the laboratories resulted on a day (``samples_resulted``), against their capacity.
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import pyarrow as pa
from django.db.models import Q
from django.utils import timezone

from pingji.core import lake
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person

from . import store
from .choices import UploadStatus
from .store import RESULTS, SAMPLES, view

#: How far back from a result day the samples of its tubes are looked for: a round is sampled and
#: resulted within 2–3 days (the 8th edition's ``mass_testing`` deadlines,
#: ``pingji/protocols/data``), so a week covers any tube resulted late.
SAMPLE_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class Screen:
    """The screening of an extent's residents in a window."""

    target: int
    tested: int
    positive: int
    complete: bool
    rounds: int


class Ask(NamedTuple):
    """One extent's screening question: its jurisdictions (subtrees), places and window."""

    codes: list[str]
    place_ids: list[int]
    start: datetime.datetime
    end: datetime.datetime


def residents(codes: list[str], place_ids: list[int]):
    """Persons living in the subtrees of ``codes`` or in households of ``place_ids``.

    A place counts with its parts: a compound's buildings hold its households.
    """
    where = Q(pk__in=[])
    for code in codes:
        where |= Q(jurisdiction__code__within=code) if code else Q()
    if place_ids:
        where |= Q(household__place_id__in=place_ids) | Q(household__place__parent_id__in=place_ids)
    return Person.objects.filter(where)


def _residents_of(asks: list[Ask]) -> list[list[int]]:
    """The residents of each ask's extent, from one query over all of them.

    A person lives in a jurisdiction's subtree when their grid code starts with its code, and in a
    place when their household is in it or in one of its parts (a compound's buildings).
    """
    codes = sorted({c for a in asks for c in a.codes})
    places = sorted({p for a in asks for p in a.place_ids})
    by_grid: dict[str, list[int]] = defaultdict(list)
    by_place: dict[int, list[int]] = defaultdict(list)
    rows = residents(codes, places).values_list(
        "pk", "jurisdiction_id", "household__place_id", "household__place__parent_id"
    )
    for pk, grid, place, parent in rows:
        by_grid[grid].append(pk)
        for key in (place, parent):
            if key is not None:
                by_place[key].append(pk)
    grids = sorted(by_grid)
    found = []
    for ask in asks:
        people: set[int] = set()
        for code in ask.codes:
            at = bisect.bisect_left(grids, code)
            while at < len(grids) and grids[at].startswith(code):
                people.update(by_grid[grids[at]])
                at += 1
        for place in ask.place_ids:
            people.update(by_place.get(place, ()))
        found.append(sorted(people))
    return found


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def resident_screens(asks: list[Ask]) -> list[Screen]:
    """The screening of each ask's residents (as they live now) in its window, all at once: one
    query for the residents, one pass of the analytic engine for the samples. ``complete`` when
    every resident was sampled with a valid result in the window (and there is someone to test).
    """
    from .models import Upload

    people = _residents_of(asks)
    columns: dict[str, list] = {"ask": [], "person_id": [], "start": [], "end": []}
    for i, (ask, persons) in enumerate(zip(asks, people, strict=True)):
        columns["ask"] += [i] * len(persons)
        columns["person_id"] += persons
        columns["start"] += [_local(ask.start)] * len(persons)
        columns["end"] += [_local(ask.end)] * len(persons)
    applied = list(Upload.objects.filter(status=UploadStatus.APPLIED).values_list("pk", flat=True))
    table = pa.table(
        {
            "ask": pa.array(columns["ask"], pa.int64()),
            "person_id": pa.array(columns["person_id"], pa.int64()),
            "start": pa.array(columns["start"], pa.timestamp("us")),
            "end": pa.array(columns["end"], pa.timestamp("us")),
        }
    )
    counts = store.screens(table, applied)
    screens = []
    for i, persons in enumerate(people):
        tested, positive, rounds = counts.get(i, (0, 0, 0))
        complete = bool(persons) and tested >= len(persons)
        screens.append(Screen(len(persons), tested, positive, complete, rounds))
    return screens


def resident_screen(
    codes: list[str], place_ids: list[int], start: datetime.datetime, end: datetime.datetime
) -> Screen:
    """The screening of one extent; ``resident_screens`` answers many at once."""
    return resident_screens([Ask(codes, place_ids, start, end)])[0]


def samples_resulted(codes: list[str], day: datetime.date) -> dict[str, int]:
    """Samples (persons in a tube) whose tube got its result on ``day``, per subtree of ``codes``.

    The laboratories' throughput of the day, to set against their capacity in samples a day: any
    result counts (an invalid tube used the lab as much as a valid one); a sample counts where it
    was taken (its grid), only from applied uploads, never in a drill sandbox. ``day`` is the
    result's local date, as the results dataset is partitioned.
    """
    from .models import Upload

    applied = list(Upload.objects.filter(status=UploadStatus.APPLIED).values_list("pk", flat=True))
    if not applied or not codes:
        return dict.fromkeys(codes, 0)
    days = [day - datetime.timedelta(days=n) for n in range(SAMPLE_LOOKBACK_DAYS + 1)]
    con = lake.connect()
    try:
        view(con, RESULTS, "results", applied, [day])
        view(con, SAMPLES, "samples", applied, days)
        by_grid = con.execute(
            "SELECT s.grid, count(*) FROM samples s "
            "JOIN (SELECT DISTINCT round_id, barcode FROM results) r USING (round_id, barcode) "
            "GROUP BY s.grid"
        ).fetchall()
    finally:
        con.close()
    # a drill sandbox's root is a township, and every node of it carries the flag (decision 0020)
    township = CODE_LENGTH[Level.TOWNSHIP]
    drills = set(Jurisdiction.objects.drills().values_list("code", flat=True))
    lengths = sorted({len(code) for code in codes})
    out = dict.fromkeys(codes, 0)
    for grid, n in by_grid:
        if grid[:township] in drills:
            continue
        for length in lengths:
            if grid[:length] in out:
                out[grid[:length]] += int(n)
    return out

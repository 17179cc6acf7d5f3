"""Venue groups from the check-in store: each person's most visited venue of each kind.

Check-ins stay in the analytic lake (``tracing.checkin_store``, decision 0028); they are read
here with one DuckDB query, never through the ORM per row, and come back as numpy arrays. What
is read: the stays that checked in during the ``CHECKIN_DAYS`` days up to the end of the state
day, from the imports the lake had listed by then (decision 0030; ``checkin_store.recorded_by``).
Files the lake cannot date are judged by the check-in day alone, and counted in the record.

A stay is a person's when its look-up hash is one of the scenario's persons': the identity
number's hash first, else the phone's, the lowest person id on a tie, as the search's proposals
join them (``tracing.actions.proposals.match_person``), but only among the scenario's persons.
A stay that matches nobody is left out.

Why a group per most visited venue rather than contacts from co-visits (docs/scenarios.md):
the simulator meets a group's members afresh each day, which is what a regular's venue is over
the weeks simulated, while a co-visit of last week is not a contact repeated every day of the
run; and pairs of overlapping stays at a busy market are quadratic in its visitors, where one
venue per person and kind is linear in the persons, on a province's 100 M check-ins too.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pingji.areas.extent import day_end
from pingji.core import lake
from pingji.geo.choices import PlaceKind
from pingji.protocols.choices import EstablishmentKind
from pingji.reopening.models import Establishment
from pingji.tracing import checkin_store

#: The days of check-ins read, up to and including the state day: the 14 days a close contact's
#: exposure is traced back over.
CHECKIN_DAYS = 14
#: The venue kind of a venue that no establishment of these kinds has for its place.
OTHER_VENUE = EstablishmentKind.VENUE.value
KINDED = (EstablishmentKind.SHOP.value, EstablishmentKind.MARKET.value)
CHUNK = 20_000

QUERY = """
WITH stays AS (
  SELECT venue, check_in, id_hash, phone_hash FROM checkins
  WHERE check_in >= $start AND check_in < $end
), by_id AS (
  SELECT id_hash AS h, min(position) AS position FROM persons
  WHERE id_hash IS NOT NULL GROUP BY id_hash
), by_phone AS (
  SELECT phone_hash AS h, min(position) AS position FROM persons
  WHERE phone_hash IS NOT NULL GROUP BY phone_hash
), counted AS (
  SELECT coalesce(i.position, p.position) AS position, s.venue,
         count(*) AS visits, min(s.check_in) AS first
  FROM stays s
  LEFT JOIN by_id i ON s.id_hash = i.h
  LEFT JOIN by_phone p ON s.phone_hash = p.h
  WHERE coalesce(i.position, p.position) IS NOT NULL
  GROUP BY ALL
)
SELECT coalesce(k.kind, $other) AS kind, c.position,
       dense_rank() OVER (ORDER BY c.venue) - 1 AS venue
FROM counted c LEFT JOIN kinds k ON c.venue = k.venue
QUALIFY row_number() OVER (
  PARTITION BY c.position, coalesce(k.kind, $other) ORDER BY c.visits DESC, c.first, c.venue
) = 1
"""


@dataclass
class VenueGroups:
    """For each venue kind: the positions of the persons placed and their venue's index."""

    by_kind: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    record: dict = field(default_factory=dict)


def venue_groups(people, person_ids: np.ndarray, day: datetime.date) -> VenueGroups:
    """Each person's most visited venue of each kind in the days up to ``day`` (ties: the one
    visited first). ``people`` is the queryset of the scenario's persons, ``person_ids`` their
    ids in input order (ascending)."""
    start = day - datetime.timedelta(days=CHECKIN_DAYS - 1)
    days = [start + datetime.timedelta(days=k) for k in range(CHECKIN_DAYS)]
    dated, undated = checkin_store.recorded_by(day_end(day), days)
    record = {"days": [start.isoformat(), day.isoformat()], "files": len(dated) + len(undated)}
    record["undated_files"] = len(undated)
    if not dated and not undated:
        return VenueGroups(record=record | {"persons": 0, "venues": 0})
    rows = _query(dated + undated, _hashes(people, person_ids), start, day)
    found = VenueGroups(record=record)
    kinds = rows.column("kind").to_numpy(zero_copy_only=False)
    positions = rows.column("position").to_numpy().astype(np.int64)
    venues = rows.column("venue").to_numpy().astype(np.int64)
    for kind in np.unique(kinds):
        mask = kinds == kind
        found.by_kind[str(kind)] = (positions[mask], venues[mask])
    found.record |= {
        "persons": int(np.unique(positions).size),
        "venues": int(np.unique(venues).size),
        "by_kind": {k: int(v[0].size) for k, v in sorted(found.by_kind.items())},
    }
    return found


def _query(paths, persons: pa.Table, start: datetime.date, day: datetime.date) -> pa.Table:
    """The one query over the check-ins: (kind, position, venue index) per person and kind."""
    con = lake.connect()
    try:
        lake.scan(con, checkin_store.DATASET, paths, "checkins")
        con.register("persons", persons)
        con.register("kinds", _kinds())
        params = {
            "start": datetime.datetime.combine(start, datetime.time.min),
            "end": datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min),
            "other": OTHER_VENUE,
        }
        return con.sql(QUERY, params=params).to_arrow_table()
    finally:
        con.close()


def _hashes(people, person_ids: np.ndarray) -> pa.Table:
    """The persons' look-up hashes as raw bytes (as the store keeps them), by input position.

    Streamed in chunks and only for persons with a hash: a province's registry is not held
    twice as Python strings.
    """
    rows = (
        people.exclude(id_number_hash__isnull=True, phone_hash="")
        .order_by("pk")
        .values_list("pk", "id_number_hash", "phone_hash")
        .iterator(chunk_size=CHUNK)
    )
    batches = [_batch(chunk, person_ids) for chunk in _chunks(rows)]
    schema = pa.schema(
        [("position", pa.int64()), ("id_hash", pa.binary()), ("phone_hash", pa.binary())]
    )
    return pa.Table.from_batches([b for b in batches if b.num_rows], schema=schema)


def _chunks(rows: Iterable) -> Iterable[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _batch(chunk: list, person_ids: np.ndarray) -> pa.RecordBatch:
    """A chunk's positions and hashes; a person not in ``person_ids`` (entered meanwhile) is
    dropped."""
    pks = np.fromiter((r[0] for r in chunk), dtype=np.int64, count=len(chunk))
    where = np.minimum(np.searchsorted(person_ids, pks), max(person_ids.size - 1, 0))
    keep = person_ids[where] == pks if person_ids.size else np.zeros(len(chunk), dtype=bool)
    return pa.RecordBatch.from_arrays(
        [
            pa.array(where[keep]),
            pa.array([_raw(r[1]) for r, k in zip(chunk, keep, strict=True) if k], pa.binary()),
            pa.array([_raw(r[2]) for r, k in zip(chunk, keep, strict=True) if k], pa.binary()),
        ],
        names=["position", "id_hash", "phone_hash"],
    )


def _raw(hexed: str | None) -> bytes | None:
    return bytes.fromhex(hexed) if hexed else None


def _kinds() -> pa.Table:
    """Venue code → kind, for the venues whose place an establishment of a kinded kind has (the
    lowest establishment id when several do); any other venue is ``OTHER_VENUE``."""
    kinds: dict[str, str] = {}
    for place, kind in (
        Establishment.objects.filter(place__kind=PlaceKind.VENUE, kind__in=KINDED)
        .order_by("pk")
        .values_list("place_id", "kind")
    ):
        kinds.setdefault(str(place), kind)
    return pa.table(
        {
            "venue": pa.array(list(kinds), pa.string()),
            "kind": pa.array(list(kinds.values()), pa.string()),
        }
    )

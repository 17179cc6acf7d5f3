"""The visits a check-in search looks at: a case's venue exposures, a close contact's own stays.

Both come out as the search job's visit rows (``jobs.visits_from_params``), in the wall-clock time
the check-in logs are written in (Asia/Shanghai, no offset), so the one overlap search
(``checkin_store.search``) serves the case's contacts and the close contact's secondary contacts
alike. Reads only: what the search finds is written by the jobs, through ``actions.proposals``.
"""

import datetime

from django.utils import timezone

from pingji.core import lake
from pingji.geo.choices import PlaceKind
from pingji.people.models import Person

from .checkin_store import DATASET
from .models import Investigation


def local_naive(value: datetime.datetime) -> str:
    """The wall-clock time the check-in logs use (Asia/Shanghai, no offset), ISO."""
    local = timezone.localtime(value, timezone.get_default_timezone())
    return local.replace(tzinfo=None).isoformat()


def venue_visits(investigation: Investigation) -> list[dict]:
    """The investigation's exposures at venues, as the search job's visit rows."""
    return [
        {
            "visit_id": str(e.pk),
            "venue": str(e.place_id),
            "start": local_naive(e.started_at),
            "end": local_naive(e.ended_at),
        }
        for e in investigation.exposures.filter(place__kind=PlaceKind.VENUE).order_by("pk")
    ]


def stays_of(person: Person, start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    """The person's check-ins between ``start`` and ``end`` (local wall-clock), by their hashes."""
    hashes = [h for h in (person.id_number_hash, person.phone_hash) if h]
    if not hashes:
        return []
    first = timezone.localtime(start).date() - datetime.timedelta(days=1)
    days = [first + datetime.timedelta(days=n) for n in range((end - start).days + 3)]
    paths = lake.files(DATASET, days)
    if not paths:
        return []
    raw = [bytes.fromhex(h) for h in hashes]  # the dataset keeps hashes as bytes (epi.overlap)
    con = lake.connect()
    try:
        lake.scan(con, DATASET, paths, "c")
        rows = con.execute(
            "SELECT venue, check_in, check_out FROM c "
            "WHERE (list_contains(?, id_hash) OR list_contains(?, phone_hash)) "
            "AND check_out >= CAST(? AS TIMESTAMP) AND check_in <= CAST(? AS TIMESTAMP) "
            "ORDER BY check_in",
            [raw, raw, local_naive(start), local_naive(end)],
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "visit_id": f"secondary-{person.pk}-{n}",
            "venue": str(venue),
            "start": check_in.isoformat(),
            "end": check_out.isoformat(),
        }
        for n, (venue, check_in, check_out) in enumerate(rows)
    ]

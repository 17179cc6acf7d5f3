"""From 1,000 case visits to ~10,000 persisted, de-duplicated, tiered contacts and their dispatches.

Set-up (not timed): a county (仙游县) with ``--persons`` residents, 15 % of whom live in two other
counties (湖里区, 同安区 — they will be dispatched), ``--visits`` cases each with an investigation
under the 8th edition and one venue visit, and check-ins in the analytic store: per visit
``--per-visit`` distinct co-visitors overlapping it (some twice: a second stay, to de-duplicate)
and as many stays that do not overlap.

Timed, end to end, on the database of ``DATABASE_URL`` (default: a throw-away PostgreSQL database
``pj_tracing_bench``, dropped and created each run): the DuckDB overlap search of all visits, the
match of the finds to registered persons by keyed hash, and
``tracing.actions.bulk.do_add_contacts_bulk`` — every row checked, collapsed per (investigation,
person) to the closest tier, written with its ``tracing.contact_added`` event, and a dispatch
with its inbox task and events for each contact living in another county.

Peer, in the same run: the one-by-one path (``actions.create_contact`` in its own transaction per
contact, dispatching as it goes) on the first ``--peer-rows`` finds of *fresh* investigations,
reported as its own rate (contacts per second) next to the bulk path's.
Usage: ``python bench/contacts.py [--visits 1000] [--per-visit 9] [--peer-rows 500]``.
"""

import argparse
import datetime
import os
import random
import sys
import time

from _common import ROOT, emit, fresh_data_dir, peak_rss_mib, setup_django

sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pj_tracing_bench"
DAY = datetime.date(2021, 9, 12)
HOMES = ("350322", "350206", "350212")


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(args, rng: random.Random):
    """Tree, residents, cases with investigations and one venue visit each; the check-ins."""
    import pyarrow as pa
    from django.utils import timezone

    from pingji.cases.models import Case
    from pingji.geo.choices import Level, PlaceKind
    from pingji.geo.models import Jurisdiction, Place
    from pingji.people.models import Person
    from pingji.protocols.models import Protocol
    from pingji.tracing import checkin_store
    from pingji.tracing.models import Exposure, Investigation

    tz = timezone.get_default_timezone()
    tree = [("35", Level.PROVINCE, None), ("3503", Level.CITY, "35"), ("3502", Level.CITY, "35")]
    grids = {}
    for county in HOMES:
        tree.append((county, Level.COUNTY, county[:4]))
        tree.append((f"{county}100", Level.TOWNSHIP, county))
        tree.append((f"{county}100001", Level.COMMUNITY, f"{county}100"))
        grids[county] = [f"{county}100001{g:03d}" for g in range(1, 11)]
        tree += [(g, Level.GRID, f"{county}100001") for g in grids[county]]
    Jurisdiction.objects.bulk_create(
        Jurisdiction(code=c, name=f"J{c}", level=lv, parent_id=p) for c, lv, p in tree
    )
    persons = []
    for i in range(args.persons):
        home = "350322" if rng.random() < 0.85 else rng.choice(HOMES[1:])
        persons.append(
            Person(
                name=f"居民{i}",
                jurisdiction_id=rng.choice(grids[home]),
                id_number_hash=f"{i:064x}",
            )
        )
    persons = Person.objects.bulk_create(persons, batch_size=5000)
    venues = Place.objects.bulk_create(
        Place(kind=PlaceKind.VENUE, name=f"V{i}", jurisdiction_id=grids["350322"][i % 10])
        for i in range(args.venues)
    )
    protocol = Protocol.objects.get(code="cn-8th-edition")
    noon = datetime.datetime.combine(DAY, datetime.time(12), tz)
    cases = Case.objects.bulk_create(
        Case(
            person=persons[i],
            jurisdiction_id=persons[i].jurisdiction_id,
            classification="confirmed",
            severity="mild",
            onset_date=DAY - datetime.timedelta(days=1),
            sampled_at=noon - datetime.timedelta(hours=20),
            reported_at=noon,
            channel="community_screening",
        )
        for i in range(args.visits)
    )
    invs = Investigation.objects.bulk_create(
        Investigation(
            case=c,
            jurisdiction_id=c.jurisdiction_id,
            protocol=protocol,
            opened_at=noon,
            lookback_from=DAY - datetime.timedelta(days=3),
        )
        for c in cases
    )
    visits, stays = [], []
    case_people = len(cases)
    for inv in invs:
        venue = rng.choice(venues)
        start = datetime.datetime.combine(DAY - datetime.timedelta(days=1), datetime.time(8))
        start += datetime.timedelta(minutes=rng.randrange(0, 600))
        end = start + datetime.timedelta(minutes=rng.randrange(30, 120))
        visits.append((inv, venue, start, end))
        for _k in range(args.per_visit):
            who = persons[rng.randrange(case_people, len(persons))]
            cin = start + datetime.timedelta(minutes=rng.randrange(-20, 20))
            cout = end + datetime.timedelta(minutes=rng.randrange(-20, 20))
            stays.append((who.id_number_hash, venue.pk, cin, cout))
            if rng.random() < 0.2:  # a second stay at the same visit: de-duplicated
                stays.append(
                    (who.id_number_hash, venue.pk, cin, cin + datetime.timedelta(minutes=5))
                )
            late = end + datetime.timedelta(hours=3)
            stays.append((who.id_number_hash, venue.pk, late, late + datetime.timedelta(hours=1)))
    Exposure.objects.bulk_create(
        Exposure(
            investigation=inv,
            jurisdiction_id=inv.jurisdiction_id,
            place=venue,
            started_at=start.replace(tzinfo=tz),
            ended_at=end.replace(tzinfo=tz),
        )
        for inv, venue, start, end in visits
    )
    table = pa.table(
        {
            "id_hash": pa.array([s[0] for s in stays], pa.string()),
            "phone_hash": pa.array([None] * len(stays), pa.string()),
            "venue": pa.array([str(s[1]) for s in stays], pa.string()),
            "check_in": pa.array([s[2] for s in stays], pa.timestamp("us")),
            "check_out": pa.array([s[3] for s in stays], pa.timestamp("us")),
        }
    )
    checkin_store.store(table)
    return visits, len(stays)


def pipeline(visits, actor):
    """The timed path: search, match, bulk write; returns figures."""
    from pingji.epi import overlap
    from pingji.people.models import Person
    from pingji.tracing import checkin_store
    from pingji.tracing.actions.bulk import ContactRow, do_add_contacts_bulk
    from pingji.tracing.choices import SEARCH_TIERS

    t0 = time.perf_counter()
    found = checkin_store.search(
        [overlap.Visit(str(inv.pk), str(venue.pk), s, e) for inv, venue, s, e in visits]
    ).to_pylist()
    t1 = time.perf_counter()
    by_hash = dict(
        Person.objects.filter(id_number_hash__in={r["id_hash"] for r in found}).values_list(
            "id_number_hash", "pk"
        )
    )
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    rows = [
        ContactRow(
            int(r["visit_id"]),
            by_hash[r["id_hash"]],
            SEARCH_TIERS[r["tier"]],
            "venue",
            r["overlap_end"].replace(tzinfo=tz),
        )
        for r in found
        if r["id_hash"] in by_hash
    ]
    t2 = time.perf_counter()
    result = do_add_contacts_bulk(rows, actor=actor)
    t3 = time.perf_counter()
    return {
        "candidates": len(found),
        "contacts_created": result.created,
        "rows_merged": result.merged_rows,
        "dispatches_created": result.dispatched,
        "search_s": round(t1 - t0, 3),
        "match_s": round(t2 - t1, 3),
        "write_s": round(t3 - t2, 3),
        "total_s": round(t3 - t0, 3),
    }, rows


def peer(rows, actor, n: int) -> dict:
    """One contact per transaction through ``create_contact`` (dispatching as it goes)."""
    from django.db import transaction

    from pingji.people.models import Person
    from pingji.tracing.actions.contacts import create_contact
    from pingji.tracing.models import Contact, Investigation

    Contact.objects.all().delete()  # the same finds again, on empty investigations
    from pingji.tracing.models import Dispatch

    Dispatch.objects.all().delete()
    sample = rows[:n]
    invs = Investigation.objects.select_related("case", "protocol").in_bulk(
        {r.investigation_id for r in sample}
    )
    people = Person.objects.in_bulk({r.person_id for r in sample})
    done = 0
    t0 = time.perf_counter()
    for r in sample:
        with transaction.atomic():
            if Contact.objects.filter(
                investigation_id=r.investigation_id, person_id=r.person_id
            ).exists():
                continue
            create_contact(
                invs[r.investigation_id],
                actor=actor,
                person=people[r.person_id],
                tier=r.tier,
                setting=r.setting,
                last_exposure_at=r.last_exposure_at,
            )
            done += 1
    seconds = time.perf_counter() - t0
    return {
        "peer_rows": len(sample),
        "peer_contacts": done,
        "peer_s": round(seconds, 3),
        "peer_contacts_per_s": round(done / seconds, 1) if seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--per-visit", type=int, default=9)
    parser.add_argument("--persons", type=int, default=60_000)
    parser.add_argument("--peer-rows", type=int, default=500)
    parser.add_argument("--venues", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if args.database_url.startswith("postgres"):
        ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    setup_django(fresh_data_dir("contacts"))
    from django.core.management import call_command
    from django.db import connection

    from pingji.users.choices import Role
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    started = time.perf_counter()
    visits, checkins = load(args, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    load_s = time.perf_counter() - started
    actor = User.objects.create_user(
        username="bench-epi", password="x", role=Role.EPIDEMIOLOGIST, jurisdiction_id="35"
    )
    figures, rows = pipeline(visits, actor)
    per_s = figures["contacts_created"] / figures["total_s"] if figures["total_s"] else None
    figures["bulk_contacts_per_s"] = round(per_s, 1) if per_s else None
    figures.update(peer(rows, actor, args.peer_rows))
    emit(
        "contacts",
        {
            "database": connection.vendor,
            "visits": len(visits),
            "checkins_in_store": checkins,
            "persons": args.persons,
            "venues": args.venues,
            "load_average_1m": round(os.getloadavg()[0], 1),
            "load_s": round(load_s, 1),
            **figures,
            "target_total_s": 30,
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

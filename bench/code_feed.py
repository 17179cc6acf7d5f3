"""The daily code-instruction feed of a city: a day's placements, releases and completions.

Set-up (not timed): a city (莆田, 3503) whose county has ``--persons`` residents, one placement
each under the 8th edition, and the day's events as the quarantine actions record them
(``quarantine.placed`` for every placement, ``quarantine.released`` for 40 %,
``quarantine.completed`` for 20 %), written without running their subscribers, as events recorded
before the app listened would be.

Timed: ``health_codes.actions.instructions.do_build_feed`` for the city and the day (the set-based
path: subjects and protocols read one query per 5,000, colours from the rule pack, every
instruction numbered under one lock and written in one statement per batch, superseded ones
found per 5,000 persons).

Peer, in the same run and database: the same rules one event at a time, as the handler runs them
for a single event (``issue(causes([event]))`` in its own transaction), on the first
``--peer-events`` events of a second, identical city day, scaled to the full day and said so in
the output.

Usage: ``python bench/code_feed.py [--persons 100000] [--peer-events 1000]``
(``DATABASE_URL`` for PostgreSQL; default the embedded SQLite of a throw-away data dir).
"""

import argparse
import datetime
import os
import random
import sys
import time

from _common import ROOT, emit, fresh_data_dir, peak_rss_mib, setup_django

sys.path.insert(0, str(ROOT))

DAY = datetime.date(2021, 9, 20)


def build(county: str, persons: int, rng: random.Random) -> list:
    """Residents, placements and the day's events of ``county``; the events returned."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from pingji.core import audit, rows
    from pingji.core.models import DomainEvent
    from pingji.geo.choices import Level
    from pingji.geo.models import Jurisdiction
    from pingji.people.models import Person
    from pingji.protocols.versions import protocol_for
    from pingji.quarantine.models import Placement

    city = county[:4]
    grids = [f"{county}100001{g:03d}" for g in range(1, 11)]
    tree = [
        (county, Level.COUNTY, city),
        (f"{county}100", Level.TOWNSHIP, county),
        (f"{county}100001", Level.COMMUNITY, f"{county}100"),
        *[(g, Level.GRID, f"{county}100001") for g in grids],
    ]
    Jurisdiction.objects.bulk_create(
        Jurisdiction(code=c, name=f"J{c}", level=lv, parent_id=p) for c, lv, p in tree
    )
    protocol = protocol_for("35", DAY)
    at = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(9)))
    with transaction.atomic(), audit.loading("bench code feed"):
        people = Person.objects.bulk_create(
            Person(
                name=f"居民{i}",
                id_number_masked=f"{county}***********{i % 10}",
                jurisdiction_id=grids[i % len(grids)],
            )
            for i in range(persons)
        )
        placements = Placement.objects.bulk_create(
            Placement(
                person=p,
                category="close_contact",
                protocol=protocol,
                exposure_on=DAY,
                centralized_days=14,
                home_quarantine_days=0,
                home_monitoring_days=7,
                planned_release_on=DAY,
                planned_end_on=DAY,
                setting="centralised",
                jurisdiction_id=county,
                home_id=p.jurisdiction_id,
                placed_at=at,
            )
            for p in people
        )
        kind = ContentType.objects.get_for_model(Placement)
        events = []
        for i, placement in enumerate(placements):
            steps = [("quarantine.placed", {"setting": "centralised"})]
            draw = rng.random()
            if draw < 0.4:
                steps.append(("quarantine.released", {}))
            if draw < 0.2:
                steps.append(("quarantine.completed", {}))
            for n, (what, payload) in enumerate(steps):
                events.append(
                    DomainEvent(
                        kind=what,
                        time=at + datetime.timedelta(seconds=(i * 7) % 30_000, hours=n),
                        recorded_at=at,
                        jurisdiction_code=county,
                        content_type=kind,
                        object_id=str(placement.pk),
                        summary=what,
                        payload=payload,
                    )
                )
        for start in range(0, len(events), 20_000):
            rows.insert(DomainEvent, events[start : start + 20_000])
    return events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--peer-events", type=int, default=1000)
    args = parser.parse_args()
    setup_django(fresh_data_dir("code-feed"))
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from pingji.core import clock
    from pingji.core.models import DomainEvent
    from pingji.health_codes.actions.instructions import do_build_feed, issue
    from pingji.health_codes.colours import causes
    from pingji.health_codes.models import Instruction
    from pingji.users.choices import Role
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    clock.set_now(timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(23))))
    from pingji.geo.choices import Level
    from pingji.geo.models import Jurisdiction

    Jurisdiction.objects.get_or_create(
        code="35", defaults={"name": "福建", "level": Level.PROVINCE}
    )
    Jurisdiction.objects.get_or_create(
        code="3503", defaults={"name": "莆田", "level": Level.CITY, "parent_id": "35"}
    )
    Jurisdiction.objects.get_or_create(
        code="3505", defaults={"name": "泉州", "level": Level.CITY, "parent_id": "35"}
    )
    started = time.perf_counter()
    events = build("350322", args.persons, random.Random(7))
    build("350521", args.peer_events, random.Random(8))
    admin = User.objects.create_user(
        username="bench-admin", password="x", role=Role.ADMINISTRATOR, jurisdiction_id="35"
    )
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    issued = do_build_feed(DAY, "3503", actor=admin)
    set_s = time.perf_counter() - started

    peer = DomainEvent.objects.filter(jurisdiction_code="350521").order_by("time", "pk")
    peer = list(peer[: args.peer_events])
    started = time.perf_counter()
    for event in peer:
        with transaction.atomic():
            issue(causes([event]))
    peer_s = time.perf_counter() - started
    scaled = peer_s / len(peer) * len(events)
    emit(
        "code_feed",
        {
            "database": connection.vendor,
            "persons": args.persons,
            "events": len(events),
            "instructions_issued": issued,
            "persons_with_a_current_instruction": Instruction.objects.filter(
                current=True, jurisdiction__code__startswith="350322"
            ).count(),
            "load_s": round(load_s, 1),
            "set_based_s": round(set_s, 2),
            "one_by_one_sample_events": len(peer),
            "one_by_one_sample_s": round(peer_s, 2),
            "one_by_one_scaled_s": round(scaled, 1),
            "scaled_note": f"measured on {len(peer)} events, "
            f"scaled × {len(events) / len(peer):.0f}",
            "ratio": round(scaled / set_s, 1),
            "target_ratio": 10,
            "getloadavg": [round(v, 2) for v in os.getloadavg()],
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

"""A bureau push of 1,000,000 rows matched, de-duplicated and turned into proposals.

Set-up (not timed): a county (仙游县, 350322) with ``--persons`` residents stored as the actions
store them (keyed hash and mask; the ciphertext is left out, nothing here decrypts), and a
red/yellow code list of ``--rows`` rows: most name a resident (proposed), some a resident twice
(a duplicate), some nobody registered (not found), some a wrong check digit, a row for another
province or a malformed time (refused). No row names a person of another county, so the figure is
that of matching and proposing; dispatches go one by one through tracing's action whatever path.

Timed: ``health_codes.actions.pushes.do_receive_push`` (the set-based path: one query per 5,000
hashes to match and per 5,000 keys to de-duplicate, rows written with ``core.rows.insert``, one
change-log entry per statement) on the whole list.

Peer, in the same run, on the same database: the same rules (``checks.check_row``,
``planning.decide``) through the ORM one row at a time — a query for the person, a query for the
key, a ``save`` logged row by row — on the first ``--peer-rows`` rows of a fresh list, scaled to
the full list (rows × per-row time) and said so in the output.

Usage: ``python bench/pushes.py [--rows 1000000] [--persons 950000] [--peer-rows 2000]``
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

GRIDS = [f"350322100001{g:03d}" for g in range(1, 11)]


def build_tree() -> None:
    from pingji.geo.choices import Level
    from pingji.geo.models import Jurisdiction

    tree = [
        ("35", Level.PROVINCE, None),
        ("3503", Level.CITY, "35"),
        ("350322", Level.COUNTY, "3503"),
        ("350322100", Level.TOWNSHIP, "350322"),
        ("350322100001", Level.COMMUNITY, "350322100"),
        *[(g, Level.GRID, "350322100001") for g in GRIDS],
    ]
    Jurisdiction.objects.bulk_create(
        Jurisdiction(code=c, name=f"J{c}", level=lv, parent_id=p) for c, lv, p in tree
    )


def id_number(i: int) -> str:
    from pingji.people.identity import compose_id_number

    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=i // 1000)
    return compose_id_number("350322", born, i % 1000)


def load_persons(n: int) -> list[str]:
    """``n`` residents written in bulk; their numbers returned for the list to name."""
    from django.db import transaction

    from pingji.core import audit, rows
    from pingji.core.crypto import lookup_hash
    from pingji.core.personal_data import mask_id_number
    from pingji.people.models import Person

    made = [id_number(i) for i in range(n)]
    with transaction.atomic(), audit.loading("bench persons"):
        for start in range(0, n, 50_000):
            rows.insert(
                Person,
                (
                    Person(
                        name=f"居民{i}",
                        id_number_hash=lookup_hash(made[i]),
                        id_number_masked=mask_id_number(made[i]),
                        jurisdiction_id=GRIDS[i % len(GRIDS)],
                    )
                    for i in range(start, min(n, start + 50_000))
                ),
            )
    return made


def the_list(n: int, registered: list[str], rng: random.Random, offset: int = 0) -> list:
    """The pushed rows as ``parsing`` gives them: (line, {column: text})."""
    records = []
    for line in range(2, n + 2):
        draw = rng.random()
        if draw < 0.90:
            number = registered[(line + offset) % len(registered)]
        elif draw < 0.95:  # a resident again, the same day: a duplicate
            number = registered[(line + offset - 1) % len(registered)]
        elif draw < 0.98:  # nobody registered
            number = id_number(len(registered) + line + offset)
        else:  # a wrong check digit
            good = registered[line % len(registered)]
            number = good[:17] + ("0" if good[17] != "0" else "1")
        cells = {
            "id_number": number,
            "name": f"某{line}",
            "phone": f"139{line:08d}",
            "colour": "red" if draw < 0.5 else "yellow",
            "at": "2021-09-12 09:00",
        }
        if rng.random() < 0.005:
            cells["region"] = "440305"
        if rng.random() < 0.005:
            cells["at"] = "12/09/2021 9h"
        records.append((line, cells))
    return records


def row_by_row(records: list, actor, receiving: str) -> int:
    """The peer: the same rules through the ORM, one row at a time."""
    from django.db import transaction

    from pingji.core import clock
    from pingji.health_codes.checks import check_row, phone_fields
    from pingji.health_codes.choices import Outcome, PushSource
    from pingji.health_codes.models import Push, PushRow
    from pingji.health_codes.planning import Match, decide
    from pingji.people.models import Person

    today = clock.today()
    with transaction.atomic():
        push = Push.objects.create(
            jurisdiction_id=receiving,
            kind="code_list",
            source=PushSource.API,
            content_hash="peer",
            received_by=actor,
        )
        seen: set[str] = set()
        for line, cells in records:
            row = check_row(line, cells, "code_list", receiving[:2], today)
            key = row.dedup_key("code_list") if not row.reason_code else ""
            person = (
                Person.objects.filter(id_number_hash=row.id_hash).first() if row.id_hash else None
            )
            match = Match(person.pk, person.jurisdiction_id) if person else None
            if key and PushRow.objects.filter(jurisdiction_id=receiving, dedup_key=key).exists():
                seen.add(key)
            outcome, code, reason = decide(row, key, match, seen, receiving)
            cipher, phone_hash, masked = phone_fields(row.phone)
            PushRow.objects.create(
                push=push,
                jurisdiction_id=receiving,
                line=line,
                name=row.name,
                id_number_hash=row.id_hash,
                id_number_masked=row.id_masked,
                phone_cipher=cipher,
                phone_hash=phone_hash,
                phone_masked=masked,
                region=row.region,
                colour=row.colour,
                at=row.at,
                until=row.until,
                reference=row.reference,
                person_id=match.person if match and outcome != Outcome.REFUSED else None,
                outcome=outcome,
                reason_code=code,
                reason=reason,
                dedup_key=key if outcome in (Outcome.PROPOSED, Outcome.NOT_FOUND) else None,
            )
    return len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=950_000)
    parser.add_argument("--peer-rows", type=int, default=2000)
    args = parser.parse_args()
    setup_django(fresh_data_dir("pushes"))
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pingji.core import clock
    from pingji.health_codes.actions.pushes import do_receive_push
    from pingji.health_codes.choices import PushSource
    from pingji.users.choices import Role
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    clock.set_now(timezone.make_aware(datetime.datetime(2021, 9, 12, 10, 0)))
    rng = random.Random(44)
    started = time.perf_counter()
    build_tree()
    registered = load_persons(args.persons)
    records = the_list(args.rows, registered, rng)
    actor = User.objects.create_user(
        username="bench-epi", password="x", role=Role.EPIDEMIOLOGIST, jurisdiction_id="350322"
    )
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    push, _new = do_receive_push(
        "code_list", records, content_hash="bench-set", source=PushSource.API, actor=actor
    )
    set_s = time.perf_counter() - started

    peer_records = the_list(args.peer_rows, registered, random.Random(45), offset=7)
    started = time.perf_counter()
    done = row_by_row(peer_records, actor, "350322")
    peer_s = time.perf_counter() - started
    per_row = peer_s / done
    scaled = per_row * args.rows
    emit(
        "pushes",
        {
            "database": connection.vendor,
            "rows": args.rows,
            "persons": args.persons,
            "outcomes": push.counts,
            "load_s": round(load_s, 1),
            "set_based_s": round(set_s, 2),
            "set_based_rows_per_s": round(args.rows / set_s),
            "orm_row_by_row_sample_rows": done,
            "orm_row_by_row_sample_s": round(peer_s, 2),
            "orm_row_by_row_scaled_s": round(scaled, 1),
            "orm_scaled_note": f"measured on {done} rows, scaled × {args.rows / done:.0f}",
            "ratio": round(scaled / set_s, 1),
            "target_ratio": 10,
            "getloadavg": [round(v, 2) for v in os.getloadavg()],
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

"""Messages at an area's size: 100,000 messages queued in the outbox vs sent one by one in the
request (target: queueing ≥ 20× faster).

Builds a fresh embedded database with one county's grid of ``--people`` residents (phones
encrypted as ``people`` stores them), starts a local HTTP server standing in for the SMS gateway,
then times:

* ``queued``: ``messaging.actions.outbox.queue_messages`` of one area announcement
  (``areas.published``) to every resident: planning, deduplication, opt-outs, ``bulk_create`` in
  batches and one ``messaging.send`` job row per batch, committed — what the publishing request
  pays. The jobs are not run (the in-process broker is not served here).
* ``synchronous``: what the same request would pay without an outbox: for each message, render
  the template, decrypt the phone and hand it to ``HttpSmsGateway.send`` (a real HTTP POST to the
  local server) and write the outcome — measured on ``--sample`` messages and scaled to
  ``--people``, as the output says.

The local server answers in well under a millisecond; a real provider answers in tens, so the
ratio here is the floor of what production sees.
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _common import emit, fresh_data_dir, peak_rss_mib, setup_django


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 — http.server's name
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        data = json.dumps({"id": f"r-{body['id']}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def serve() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/send"


def residents(count: int):
    """A county, a grid, one household and ``count`` residents with phones (bulk, untimed)."""
    from pingji.core import audit
    from pingji.geo.models import Jurisdiction
    from pingji.people.models import Household, Person

    county = Jurisdiction.objects.create(code="350322", name="仙游县", level="county")
    grid = Jurisdiction.objects.create(
        code="350322100001001", name="东门一网格", level="grid", parent=county
    )
    from pingji.geo.models import Place

    place = Place.objects.create(jurisdiction=grid, name="东门花园", kind="compound")
    home = Household.objects.create(place=place, jurisdiction=grid, address="东门路1号")
    people = []
    for i in range(count):
        person = Person(name=f"居民{i:06d}", household=home, jurisdiction=grid)
        person.set_phone(f"138{i:08d}")
        people.append(person)
    with audit.loading("bench residents"):
        Person.objects.bulk_create(people, batch_size=2000)
    return list(Person.objects.order_by("pk"))


FIELDS = {
    "area": "东门花园封控区",
    "effective_at": "2021年9月14日10:00",
    "change": "划定",
    "level": "封控区",
    "measures": "区域封闭、足不出户、服务上门",
}


def drafts(people, cause: str):
    from pingji.messaging import texts
    from pingji.messaging.actions.outbox import Draft

    return (Draft(p, texts.AREA_PUBLISHED, FIELDS, cause) for p in people)


def time_queue(people) -> tuple[float, int]:
    from pingji.messaging.actions.outbox import queue_messages

    start = time.perf_counter()
    rows = queue_messages(drafts(people, "transition:1"))
    return time.perf_counter() - start, len(rows)


def time_synchronous(people, url: str) -> float:
    """Seconds per message sent in the request: render, decrypt, POST, write the outcome."""
    from django.db import transaction

    from pingji.messaging import addresses, catalogue, texts
    from pingji.messaging.actions.outbox import plan
    from pingji.messaging.gateways import HttpSmsGateway, Outgoing

    gateway = HttpSmsGateway("sms", {"url": url, "timeout": 5})
    template = catalogue.get(texts.AREA_PUBLISHED)
    start = time.perf_counter()
    for row in plan(drafts(people, "sync")):
        with transaction.atomic():
            subject, body = template.render(row.fields)
            address = addresses.plain(row.person, row.channel)
            row.receipt_id = gateway.send(Outgoing(0, address, subject, body))
            row.status = "sent"
            row.save()
    return (time.perf_counter() - start) / len(people)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000, help="messages queued")
    parser.add_argument("--sample", type=int, default=2_000, help="messages sent one by one")
    args = parser.parse_args()
    setup_django(fresh_data_dir("messages"))
    from django.conf import settings
    from django.core.management import call_command

    server, url = serve()
    settings.MESSAGING_GATEWAYS = {"sms": {"url": url, "timeout": 5}}
    call_command("migrate", verbosity=0)
    people = residents(args.people)
    queued, count = time_queue(people)
    per_message = time_synchronous(people[: args.sample], url)
    synchronous = per_message * args.people
    server.shutdown()
    emit(
        "messages",
        {
            "messages": count,
            "queued_s": round(queued, 2),
            "synchronous_s_estimated": round(synchronous, 1),
            "synchronous_sample": args.sample,
            "synchronous_ms_per_message": round(per_message * 1000, 3),
            "ratio": round(synchronous / queued, 1),
            "note": f"synchronous path measured on {args.sample} messages and scaled to "
            f"{args.people}",
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

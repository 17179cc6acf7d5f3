"""Printing a sealed area's notices: one batch PDF against the single-notice path (target 5x).

Builds, in a fresh embedded database, a compound of 仙游县 with ``--households`` households (one
resident each) spread over ten grids, and seals it through the real actions (designated,
approved, published): the publication issues one 封控告知书 per household in its transaction,
timed as ``issue_s``. Then renders every notice of the area as one printable PDF
(``printing.batch`` + ``render_batch``: one document, shared fonts, styles, paragraphs and QR
set-up), and, as the peer, the single-notice path (what the notice's page does: read it through
``restrict``, render its own PDF) on a sample of ``--sample`` notices, scaled to all of them —
the output says so. The machine's load average is printed before and after: the figures of a
loaded machine are not comparable.
"""

import argparse
import datetime
import os
import re
import time

from _common import emit, fresh_data_dir, peak_rss_mib, setup_django


def build(households: int) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from pingji.core import audit
    from pingji.geo.models import Jurisdiction, Place
    from pingji.people.models import Household, Person
    from pingji.users.choices import Role
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    tree = [
        ("35", "福建省", "province", None),
        ("3503", "莆田市", "city", "35"),
        ("350322", "仙游县", "county", "3503"),
        ("350322100", "鲤城街道", "township", "350322"),
        ("350322100001", "东门社区", "community", "350322100"),
    ]
    nodes = {}
    for code, name, level, parent in tree:
        nodes[code] = Jurisdiction.objects.create(
            code=code, name=name, level=level, parent=nodes.get(parent)
        )
    grids = [
        Jurisdiction.objects.create(
            code=f"350322100001{g:03d}",
            name=f"东门{g}网格",
            level="grid",
            parent=nodes["350322100001"],
        )
        for g in range(1, 11)
    ]
    compound = Place.objects.create(kind="compound", name="东门花园", jurisdiction=grids[0])
    buildings = [
        Place.objects.create(
            kind="building", name=f"{b}号楼", jurisdiction=grids[b % 10], parent=compound
        )
        for b in range(1, 41)
    ]
    with audit.loading("bench: a compound's households"):
        rows = Household.objects.bulk_create(
            [
                Household(
                    place=buildings[i % 40],
                    jurisdiction=buildings[i % 40].jurisdiction,
                    address=f"东门花园{i % 40 + 1}号楼{i // 40 + 1:03d}室",
                )
                for i in range(households)
            ],
            batch_size=2000,
        )
        Person.objects.bulk_create(
            [
                Person(name=f"居民{i}", household=h, jurisdiction_id=h.jurisdiction_id)
                for i, h in enumerate(rows)
            ],
            batch_size=2000,
        )
    users = {
        role: User.objects.create_user(
            username=role, password="pw", role=role, jurisdiction=nodes["350322"]
        )
        for role in (Role.EPIDEMIOLOGIST, Role.COMMANDER)
    }
    when = timezone.make_aware(datetime.datetime(2021, 9, 14, 10, 0))
    return {"county": nodes["350322"], "compound": compound, "users": users, "when": when}


def seal(world) -> tuple[object, float]:
    from pingji.areas.actions import publishing, transitions
    from pingji.core import clock
    from pingji.users.choices import Role

    epi, commander = world["users"][Role.EPIDEMIOLOGIST], world["users"][Role.COMMANDER]
    with clock.pinned(world["when"] + datetime.timedelta(hours=3)):
        area = transitions.do_designate_area(
            actor=epi,
            jurisdiction=world["county"],
            name="东门花园封控区",
            level="sealed",
            legal_basis="仙防控指〔2021〕3号",
            decided_at=world["when"],
            places=[world["compound"]],
        )
        transitions.do_approve_transition(area.transitions.get(), actor=commander)
        start = time.perf_counter()
        publishing.do_publish(
            world["county"], actor=commander, at=world["when"] + datetime.timedelta(hours=2)
        )
        return area, time.perf_counter() - start


def batch(area, user) -> tuple[float, int, int]:
    from pingji.notices import printing

    start = time.perf_counter()
    rows = printing.batch(user, "sealing", area=area.pk)
    data = printing.render_batch(rows)
    seconds = time.perf_counter() - start
    return seconds, len(re.findall(rb"/Type /Page[^s]", data)), len(data)


def single(user, pks: list[int]) -> float:
    """What the notice's page does for each: read it through ``restrict``, render it alone."""
    from pingji.notices import pdf, verification
    from pingji.notices.models import Notice

    start = time.perf_counter()
    for pk in pks:
        notice = Notice.objects.restrict(user, "view").select_related("superseded_by").get(pk=pk)
        pdf.render(notice, verification.absolute_url(notice))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    setup_django(fresh_data_dir("notices"))
    import random

    from pingji.notices.fonts import pdf_fonts
    from pingji.notices.models import Notice
    from pingji.users.choices import Role

    load_before = os.getloadavg()
    world = build(args.households)
    area, issue_s = seal(world)
    commander = world["users"][Role.COMMANDER]
    count = Notice.objects.filter(kind="sealing").count()
    # what a running server has done before any print: fonts found and registered, the modules
    # and the URL conf loaded (one notice through each path, untimed)
    pdf_fonts()
    first = Notice.objects.order_by("pk").values_list("pk", flat=True)[:1]
    single(commander, list(first))
    batch_s, batch_pages, batch_bytes = batch(area, commander)
    pks = random.Random(7).sample(list(Notice.objects.values_list("pk", flat=True)), args.sample)
    sample_s = single(commander, pks)
    single_s = sample_s / len(pks) * count
    emit(
        "notices",
        {
            "notices": count,
            "issue_s": round(issue_s, 2),
            "batch_s": round(batch_s, 2),
            "batch_pages": batch_pages,
            "batch_mib": round(batch_bytes / 2**20, 1),
            "single_sample": len(pks),
            "single_sample_s": round(sample_s, 2),
            "single_s_scaled": round(single_s, 2),
            "single_note": f"single path measured on {len(pks)} notices, scaled to {count}",
            "ratio": round(single_s / batch_s, 2),
            "target_ratio": 5,
            "fonts": pdf_fonts().summary,
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()

"""Evaluating 10,000 risk areas for one day with a city outbreak's data (target: under 5 s).

Builds, in a fresh embedded database, one city (Putian's real divisions, synthetic communities,
grids and compounds below them) with ``--areas`` areas in force under the 8th edition — 60 %
sealed compounds, 30 % controlled grids, 10 % precaution townships — ``--residents`` residents per
compound, ``--cases`` infections in the sealed compounds reported over the 20 days before the
evaluated day, and ``--contacts`` close contacts per case. Then times
``areas.evaluation.evaluate`` for the day, with the real functions quarantine and testing offer
areas: ``quarantine.evidence.unreleased_contacts`` and ``testing.evidence.resident_screens`` (one
call for the screens of every area whose dates already allow lifting), each timed inside.

Peer, measured in the same run: the naive evaluation — per area, one query for its infections and
one for their contacts — on ``--naive`` areas (it is too slow for all of them; the figure says how
many it covered).
"""

import argparse
import datetime
import random
import time

from _common import emit, fresh_data_dir, peak_rss_mib, setup_django

DAY = datetime.date(2021, 10, 10)


def build(n_areas: int, residents: int, n_cases: int, per_case: int, rng) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from pingji.areas.models import RiskArea, Transition
    from pingji.cases.models import Case
    from pingji.geo.loaders import load_divisions
    from pingji.geo.models import Jurisdiction, Place
    from pingji.people.models import Household, Person
    from pingji.protocols.versions import protocol_for
    from pingji.tracing.models import Contact, Investigation

    call_command("migrate", verbosity=0)
    load_divisions()
    tz = timezone.get_default_timezone()
    towns = list(Jurisdiction.objects.filter(code__startswith="3503", level="township"))
    grids = []
    for t in towns:
        for c in range(1, 6):
            grids.append(
                Jurisdiction(
                    code=f"{t.code}{c:03d}", name=f"{t.name}{c}社区", level="community", parent=t
                )
            )
    Jurisdiction.objects.bulk_create(grids)
    communities, grids = grids, []
    for c in communities:
        for g in range(1, 5):
            grids.append(
                Jurisdiction(
                    code=f"{c.code}{g:03d}", name=f"{c.name}{g}网格", level="grid", parent=c
                )
            )
    Jurisdiction.objects.bulk_create(grids)
    n_sealed, n_controlled = n_areas * 6 // 10, n_areas * 3 // 10
    places = Place.objects.bulk_create(
        Place(kind="compound", name=f"小区{i}", jurisdiction=grids[i % len(grids)])
        for i in range(n_sealed)
    )
    households = Household.objects.bulk_create(
        Household(place=p, jurisdiction_id=p.jurisdiction_id, address=f"{p.name}{k}号")
        for p in places
        for k in range(residents)
    )
    Person.objects.bulk_create(
        (
            Person(name=f"居民{h.pk}", household=h, jurisdiction_id=h.jurisdiction_id)
            for h in households
        ),
        batch_size=5000,
    )
    decided = timezone.make_aware(datetime.datetime(2021, 9, 19, 12), tz)
    protocol = protocol_for("3503", decided)
    county_of = [g.code[:6] for g in grids]
    areas = []
    for i in range(n_areas):
        if i < n_sealed:
            level, code = "sealed", county_of[i % len(grids)]
        elif i < n_sealed + n_controlled:
            level, code = "controlled", county_of[i % len(grids)]
        else:
            level, code = "precaution", towns[i % len(towns)].code[:6]
        areas.append(
            RiskArea(
                jurisdiction_id=code,
                name=f"区域{i}",
                level=level,
                status="active",
                legal_basis="莆防控指〔2021〕1号",
                protocol=protocol,
                decided_at=decided,
                effective_from=decided,
                level_since=decided,
            )
        )
    areas = RiskArea.objects.bulk_create(areas, batch_size=5000)
    Transition.objects.bulk_create(
        (
            Transition(
                area=a,
                jurisdiction_id=a.jurisdiction_id,
                kind="designate",
                to_level=a.level,
                status="published",
                protocol=protocol,
                criteria_met=True,
                effective_at=decided,
                published_at=decided,
            )
            for a in areas
        ),
        batch_size=5000,
    )
    through_p, through_j = RiskArea.places.through, RiskArea.jurisdictions.through
    through_p.objects.bulk_create(
        [
            through_p(riskarea_id=a.pk, place_id=places[i].pk)
            for i, a in enumerate(areas[:n_sealed])
        ],
        batch_size=5000,
    )
    through_j.objects.bulk_create(
        [
            through_j(riskarea_id=a.pk, jurisdiction_id=grids[i % len(grids)].code)
            for i, a in enumerate(areas[n_sealed : n_sealed + n_controlled])
        ]
        + [
            through_j(riskarea_id=a.pk, jurisdiction_id=towns[i % len(towns)].code)
            for i, a in enumerate(areas[n_sealed + n_controlled :])
        ],
        batch_size=5000,
    )
    # infections: residents of sealed compounds, reported over the 20 days before the day
    sick = rng.sample(list(Person.objects.values_list("pk", "jurisdiction_id")), n_cases)
    cases = Case.objects.bulk_create(
        (
            Case(
                person_id=pid,
                jurisdiction_id=grid,
                classification="confirmed",
                severity="mild",
                onset_date=DAY - datetime.timedelta(days=25),
                sampled_at=timezone.make_aware(
                    datetime.datetime.combine(
                        DAY - datetime.timedelta(days=rng.randint(1, 20)), datetime.time(8)
                    ),
                    tz,
                ),
                reported_at=timezone.make_aware(
                    datetime.datetime.combine(
                        DAY - datetime.timedelta(days=rng.randint(1, 20)), datetime.time(20)
                    ),
                    tz,
                ),
                channel=rng.choice(["community_screening", "centralised_quarantine"]),
            )
            for pid, grid in sick
        ),
        batch_size=5000,
    )
    invs = Investigation.objects.bulk_create(
        Investigation(
            case=c, jurisdiction_id=c.jurisdiction_id, protocol=protocol, opened_at=c.reported_at
        )
        for c in cases
    )
    contacts_people = Person.objects.bulk_create(
        (
            Person(name=f"密接{i}", jurisdiction_id=grids[i % len(grids)].code)
            for i in range(n_cases * per_case)
        ),
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        (
            Contact(
                investigation=invs[i // per_case],
                jurisdiction_id=invs[i // per_case].jurisdiction_id,
                person=p,
                tier="close_contact",
                setting="household",
                last_exposure_at=invs[i // per_case].case.reported_at
                - datetime.timedelta(hours=rng.randint(1, 72)),
            )
            for i, p in enumerate(contacts_people)
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"grids": len(grids), "persons": Person.objects.count()}


def naive(area_ids: list[int]) -> None:
    """Per area: its infections, then their contacts — the per-area loop the evaluator avoids."""
    from django.db.models import Q

    from pingji.areas.models import RiskArea
    from pingji.cases.models import Case
    from pingji.tracing.models import Contact

    for area in RiskArea.objects.filter(pk__in=area_ids).prefetch_related(
        "places", "jurisdictions"
    ):
        where = Q(person__household__place__in=list(area.places.all()))
        for j in area.jurisdictions.all():
            where |= Q(jurisdiction__code__within=j.code)
        days = list(Case.objects.filter(where).values_list("id", "reported_at"))
        list(
            Contact.objects.filter(investigation__case_id__in=[d[0] for d in days]).values_list(
                "id", "last_exposure_at"
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=10_000)
    parser.add_argument("--residents", type=int, default=5)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--naive", type=int, default=1_000)
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_django(fresh_data_dir("areas"))
    from pingji.areas import evaluation

    rng = random.Random(6)
    started = time.perf_counter()
    built = build(args.areas, args.residents, args.cases, args.contacts, rng)
    build_s = round(time.perf_counter() - started, 1)

    real = evaluation._evidence_functions
    if args.profile:
        import cProfile
        import pstats
        import sys
        from types import SimpleNamespace

        sc = SimpleNamespace(target=5, tested=5, positive=0, complete=True, rounds=1)
        evaluation._evidence_functions = lambda: (lambda asks: [sc] * len(asks), lambda *a: set())
        cProfile.runctx(
            "evaluation.evaluate(DAY, store=False)",
            globals(),
            {"evaluation": evaluation, "DAY": DAY},
            "/tmp/areas.prof",
        )
        pstats.Stats("/tmp/areas.prof", stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        return

    # the real functions of testing and quarantine, each timed inside the evaluation
    spent = {"screens_s": 0.0, "screens": 0, "unreleased_s": 0.0, "contacts": 0}

    def timed_screens(asks):
        t = time.perf_counter()
        out = real()[0](asks)
        spent["screens_s"] += time.perf_counter() - t
        spent["screens"] += len(asks)
        return out

    def timed_unreleased(ids, on):
        t = time.perf_counter()
        out = real()[1](ids, on)
        spent["unreleased_s"] += time.perf_counter() - t
        spent["contacts"] += len(ids)
        return out

    evaluation._evidence_functions = lambda: (timed_screens, timed_unreleased)
    t = time.perf_counter()
    found = evaluation.evaluate(DAY)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    evaluation.evaluate(DAY)  # again: the stored rows are updated in place
    again_s = time.perf_counter() - t
    verdicts: dict[str, int] = {}
    for f in found.values():
        verdicts[f.verdict] = verdicts.get(f.verdict, 0) + 1

    from pingji.areas.models import RiskArea

    ids = list(RiskArea.objects.order_by("?").values_list("pk", flat=True)[: args.naive])
    t = time.perf_counter()
    naive(ids)
    naive_s = time.perf_counter() - t
    emit(
        "areas",
        {
            "areas": args.areas,
            "cases": args.cases,
            "contacts": args.cases * args.contacts,
            **built,
            "build_s": build_s,
            "evaluate_s": round(first_s, 2),
            "evaluate_again_s": round(again_s, 2),
            "of_which_screens_s_both_runs": round(spent["screens_s"], 2),
            "screens_asked_both_runs": spent["screens"],
            "of_which_unreleased_s_both_runs": round(spent["unreleased_s"], 2),
            "contacts_asked_both_runs": spent["contacts"],
            "verdicts": verdicts,
            "peer_naive_per_area_queries": {"areas": len(ids), "s": round(naive_s, 2)},
            "peak_rss_mib": peak_rss_mib(),
            "database": "sqlite",
        },
    )


if __name__ == "__main__":
    main()

"""The replay's mass testing: Putian's citywide rounds of September 2021, scaled to the demo.

Published (``putian_outbreak_published_figures.csv``, Putian press conference of 15 Sep 2021):
citywide nucleic-acid testing started on the afternoon of 14 September, and by 24:00 that day
1,725,621 samples had been collected and 1,033,137 results reported. The demo opens round 1 at
14:00 on 14 September and samples the same *share* of Putian's registered population
(``Jurisdiction.population``) by midnight, reports results for the same share of those samples,
and samples the rest of the residents by the morning of 16 September, inside the 8th-edition
deadline (48 h for a city of up to 5 million) — all but about 1.5 %, left for the door-to-door
list. Round 2 (from 17 September) is an assumption: no figure for it was found; it samples 99 %,
all negative.

Positive pools: the tubes of up to two Xianyou residents whose case the cases step reports on 15
or 16 September (screening found them); without such cases, two Xianyou tubes drawn at random.
Pools are 10:1 (the 8th-edition ratios are 5:1 and 10:1) of residents of one grid in order. Each
positive pool's members get their follow-up work items; a member who is a case retests positive,
the others negative, six hours after the pool result.

Uploads go through the same actions and job as any sampling point's or laboratory's file; the
times actions stamp (events, tasks, uploads) are moved to the historical moment (``Backdate``).
"""

import datetime
import tempfile
from pathlib import Path

from django.utils import timezone

from pingji.cases.models import Case
from pingji.core.jobs import run_job
from pingji.demo.replay import Replay
from pingji.demo.steps.cases import TZ, Backdate
from pingji.geo.models import Jurisdiction
from pingji.protocols.choices import TestingScope
from pingji.testing import store
from pingji.testing.actions.follow_ups import do_record_retest
from pingji.testing.actions.rounds import (
    do_add_sampling_point,
    do_close_round,
    do_create_campaign,
    do_open_round,
)
from pingji.testing.actions.uploads import do_upload
from pingji.testing.choices import UploadStatus
from pingji.testing.models import Campaign, Coverage, FollowUp, Round, Upload
from pingji.users.choices import Role
from pingji.users.models import User

PUTIAN, XIANYOU = "3503", "350322"
PUBLISHED_SAMPLES, PUBLISHED_RESULTS = 1_725_621, 1_033_137
RATIO = 10
LEFT_UNTESTED = 0.015


def _at(day: int, hour: float) -> datetime.datetime:
    return datetime.datetime(2021, 9, day, tzinfo=TZ) + datetime.timedelta(hours=hour)


def _actor() -> User:
    user = User.objects.filter(username="350300-operator").first()
    if user is None:
        user = User.objects.create(
            username="350300-operator", role=Role.OPERATOR, jurisdiction_id=PUTIAN
        )
    return user


def _send(round_, actor, kind, name, lines, folder: Path, when, backdate) -> Upload:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with backdate.at(when):
        upload, _created = do_upload(
            round_, actor=actor, kind=kind, name=name, content=path.read_bytes()
        )
        if upload.job_id is not None:  # an upload queues its job (no-op if already run)
            run_job(upload.job_id)
    upload.refresh_from_db()
    if upload.status != UploadStatus.APPLIED:
        raise RuntimeError(f"demo file {name} was refused: {upload.errors[:3]}")
    Upload.objects.filter(pk=upload.pk).update(created_at=when, applied_at=when)
    Coverage.objects.filter(round=round_).update(updated_at=when)
    return upload


def _targets(round_) -> list[tuple[int, str]]:
    con = store.open_round(round_.pk, [])
    try:
        return con.execute(
            "SELECT person_id, grid FROM targets ORDER BY grid, household_id, person_id"
        ).fetchall()
    finally:
        con.close()


def _tubes(people, number: int) -> list[tuple[str, int, str]]:
    """(barcode, person, grid): pools of RATIO residents of one grid, in order."""
    tubes, n, last_grid, in_tube = [], -1, None, RATIO
    for person, grid in people:
        if grid != last_grid or in_tube == RATIO:
            n, in_tube, last_grid = n + 1, 0, grid
        tubes.append((f"PT{number}{n:08d}", person, grid))
        in_tube += 1
    return tubes


def _sampling_lines(rng, tubes, start, share_by, cut, end, points) -> tuple[list, list]:
    """Two files: tubes sampled before ``cut`` (``share_by`` of them) and the rest until ``end``."""
    barcodes = sorted({t[0] for t in tubes})
    rng.shuffle(barcodes)
    first = set(barcodes[: round(len(barcodes) * share_by)])
    when: dict[str, datetime.datetime] = {}
    for code in barcodes:
        lo, hi = (start, cut) if code in first else (cut, end)
        when[code] = lo + (hi - lo) * rng.random()
    head = "barcode,person,sampled_at,point"
    files: tuple[list, list] = ([head], [head])
    for code, person, grid in tubes:
        local = when[code].astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
        files[0 if code in first else 1].append(f"{code},{person},{local},{points[grid[:6]]}")
    return files[0], files[1]


def _round(replay, actor, campaign, number, start, share, cut, end, folder, backdate, rng):
    with backdate.at(start):
        round_ = do_open_round(campaign, actor=actor, starts_at=start, ratio=RATIO)
        points = {}
        for county in Jurisdiction.objects.filter(parent_id=PUTIAN).order_by("code"):
            points[county.code] = do_add_sampling_point(
                round_,
                actor=actor,
                name=f"{county.name}采样点",
                jurisdiction=county,
                staff=40,
                opens=datetime.time(6),
                closes=datetime.time(22),
            ).pk
    people = _targets(round_)
    rng.shuffle(people)
    keep = sorted(people[: round(len(people) * (1 - LEFT_UNTESTED))], key=lambda p: (p[1], p[0]))
    tubes = _tubes(keep, number)
    early, late = _sampling_lines(rng, tubes, start, share, cut, end, points)
    _send(round_, actor, "sampling", f"round{number}-sampling-1.csv", early, folder, cut, backdate)
    _send(round_, actor, "sampling", f"round{number}-sampling-2.csv", late, folder, end, backdate)
    return round_, tubes, early, late


def _results(early, late, positives, share, cut, end):
    """Results for ``share`` of the early tubes by ``cut``, then every other tube by ``end``."""
    first = sorted({line.split(",")[0] for line in early[1:]})
    rest = sorted(
        {line.split(",")[0] for line in late[1:]} | set(first[round(len(first) * share) :])
    )
    head = "barcode,result,resulted_at"

    def line(code, when):
        word = "阳性" if code in positives else "阴性"
        return f"{code},{word},{when.astimezone(TZ).strftime('%Y-%m-%d %H:%M')}"

    return (
        [head, *(line(c, cut) for c in first[: round(len(first) * share)])],
        [head, *(line(c, end) for c in rest)],
    )


def screen_extent(
    *, actor, jurisdiction, name, codes=(), places=(), start, rng, backdate, tag
) -> Round:
    """One all-resident screen of a risk area's extent, as a county orders before lifting.

    A delineated-area campaign over the extent's jurisdictions and places, one round opened at
    ``start``, every resident sampled in 10:1 pools within the next ten hours and every tube
    resulted negative two hours later; the files go through ``do_upload`` and the job like any
    sampling point's. ``tag`` makes the barcodes unique (letters and digits).
    """
    areas = list(Jurisdiction.objects.filter(code__in=list(codes)).order_by("code"))
    with backdate.at(start):
        campaign = do_create_campaign(
            actor=actor,
            name=name,
            jurisdiction=jurisdiction,
            areas=areas,
            places=list(places),
            scope=TestingScope.DELINEATED_AREA,
        )
        round_ = do_open_round(campaign, actor=actor, starts_at=start, ratio=RATIO)
        point = do_add_sampling_point(
            round_,
            actor=actor,
            name=f"{name}采样点",
            jurisdiction=jurisdiction,
            staff=10,
            opens=datetime.time(6),
            closes=datetime.time(22),
        ).pk
    Campaign.objects.filter(pk=campaign.pk).update(created_at=start)
    people = sorted(_targets(round_), key=lambda p: (p[1], p[0]))
    tubes = [(f"S{tag}{code[2:]}", person, grid) for code, person, grid in _tubes(people, 0)]
    end = start + datetime.timedelta(hours=10)
    points = {t[2][:6]: point for t in tubes}
    sampling, _none = _sampling_lines(rng, tubes, start, 1.0, end, end, points)
    done = end + datetime.timedelta(hours=2)
    first, _rest = _results(sampling, [sampling[0]], set(), 1.0, done, done)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _send(
            round_, actor, "sampling", f"screen{tag}-sampling.csv", sampling, folder, end, backdate
        )
        _send(round_, actor, "results", f"screen{tag}-results.csv", first, folder, done, backdate)
    with backdate.at(done):
        do_close_round(round_, actor=actor)
    return round_


def load(replay: Replay) -> dict:
    rng = replay.rng("testing")
    actor = _actor()
    city = Jurisdiction.objects.get(pk=PUTIAN)
    backdate = Backdate()
    start = _at(14, 14)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with backdate.at(start):
            campaign = do_create_campaign(
                actor=actor, name="莆田市全员核酸检测", jurisdiction=city, areas=[city]
            )
        Campaign.objects.filter(pk=campaign.pk).update(created_at=start)
        share = min(1.0, PUBLISHED_SAMPLES / city.population) if city.population else 0.54
        midnight = _at(15, 0)
        round1, tubes, early, late = _round(
            replay, actor, campaign, 1, start, share, midnight, _at(16, 10), folder, backdate, rng
        )
        # Positive pools: tubes of Xianyou residents whose case is reported on 15–16 September.
        found = set(
            Case.objects.filter(
                jurisdiction__code__startswith=XIANYOU,
                reported_at__gte=_at(15, 0),
                reported_at__lt=_at(17, 0),
            ).values_list("person_id", flat=True)
        )
        xianyou = [t for t in tubes if t[2].startswith(XIANYOU)]
        chosen = sorted({t[0] for t in xianyou if t[1] in found})[:2]
        if len(chosen) < 2 and xianyou:
            others = sorted({t[0] for t in xianyou} - set(chosen))
            chosen += rng.sample(others, min(2 - len(chosen), len(others)))
        share_results = PUBLISHED_RESULTS / PUBLISHED_SAMPLES
        first, rest = _results(early, late, set(chosen), share_results, midnight, _at(16, 18))
        _send(round1, actor, "results", "round1-results-1.csv", first, folder, midnight, backdate)
        _send(round1, actor, "results", "round1-results-2.csv", rest, folder, _at(16, 18), backdate)
        for follow in FollowUp.objects.filter(tube__round=round1).select_related("tube"):
            when = follow.tube.resulted_at + datetime.timedelta(hours=6)
            result = "positive" if follow.person_id in found else "negative"
            with backdate.at(when):
                do_record_retest(follow, actor=actor, result=result, at=when)
        sampled_by_midnight = len(early) - 1
        with backdate.at(_at(17, 8)):
            do_close_round(round1, actor=actor)
        round2, _t2, early2, late2 = _round(
            replay,
            actor,
            campaign,
            2,
            _at(17, 8),
            0.6,
            _at(17, 22),
            _at(18, 20),
            folder,
            backdate,
            rng,
        )
        first2, rest2 = _results(early2, late2, set(), 0.6, _at(17, 23), _at(19, 8))
        _send(
            round2, actor, "results", "round2-results-1.csv", first2, folder, _at(17, 23), backdate
        )
        _send(round2, actor, "results", "round2-results-2.csv", rest2, folder, _at(19, 8), backdate)
    backdate.apply()
    follow_ups = FollowUp.objects.filter(tube__round=round1)
    return {
        "rounds": 2,
        "round1_target": round1.target,
        "round1_sampled_by_2021_09_14_24h": sampled_by_midnight,
        "published_samples_by_2021_09_14_24h": PUBLISHED_SAMPLES,
        "share_of_population_sampled_by_midnight": round(share, 4),
        "positive_tubes": len(chosen),
        "follow_ups": follow_ups.count(),
        "retest_positive": follow_ups.filter(status="positive").count(),
        "deadline": timezone.localtime(round1.deadline).isoformat(),
    }

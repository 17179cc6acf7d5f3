"""The replay's mass testing: Putian's citywide rounds of September 2021, scaled to the demo.

Published (``putian_outbreak_published_figures.csv``, Putian press conference of 15 Sep 2021):
citywide nucleic-acid testing started on the afternoon of 14 September, and by 24:00 that day
1,725,621 samples had been collected and 1,033,137 results reported. The demo opens round 1 at
14:00 on 14 September and, in files that are in by 23:59, samples exactly these figures scaled by
its Putian's residents against the registered population (``Jurisdiction.population``), and
reports results for that many samples — the earliest sampled, three hours after sampling. It
samples the rest of the residents by the morning of 16 September, inside the 8th-edition
deadline (48 h for a city of up to 5 million) — all but about 1.5 %, left for the door-to-door
list. Round 2 (from 17 September) is an assumption: no figure for it was found; it samples 99 %,
all negative, and closes on its deadline.

Positive pools: the tubes of up to two Xianyou residents whose case the cases step reports on 15
or 16 September (screening found them); without such cases, two Xianyou tubes drawn at random.
Pools are 10:1 (the 8th-edition ratios are 5:1 and 10:1) of residents of one grid in order. Each
positive pool's members get their follow-up work items; a member who is a case retests positive,
the others negative, six hours after the pool result.

Uploads go through the same actions and job as any sampling point's or laboratory's file; the
times actions stamp (events, tasks, uploads) are moved to the historical moment (``Backdate``).
"""

import datetime
import random
import tempfile
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
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
#: The first files are in at 23:59 of the 14th, what the press conference counted to 24:00; a
#: pool's result comes three hours after its sampling.
COUNTED = datetime.datetime(2021, 9, 14, 23, 59, tzinfo=TZ)
TURNAROUND = datetime.timedelta(hours=3)


def _at(day: int, hour: float) -> datetime.datetime:
    return datetime.datetime(2021, 9, day, tzinfo=TZ) + datetime.timedelta(hours=hour)


def _actor() -> User:
    user = User.objects.filter(username="350300-operator").first()
    if user is None:
        user = User.objects.create(
            username="350300-operator", role=Role.OPERATOR, jurisdiction_id=PUTIAN
        )
    return user


@dataclass
class _Desk:
    """Where the replay's files are written and sent from: as whom, and at which moments."""

    actor: User
    folder: Path
    backdate: Backdate
    rng: random.Random

    def send(self, round_, kind: str, name: str, lines: list[str], when) -> Upload:
        """Upload ``lines`` at ``when`` and run its job; a refused file stops the replay."""
        path = self.folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with self.backdate.at(when):
            upload, _created = do_upload(
                round_, actor=self.actor, kind=kind, name=name, content=path.read_bytes()
            )
            if upload.job_id is not None:  # an upload queues its job (no-op if already run)
                run_job(upload.job_id)
        upload.refresh_from_db()
        if upload.status != UploadStatus.APPLIED:
            raise RuntimeError(f"demo file {name} was refused: {upload.errors[:3]}")
        Upload.objects.filter(pk=upload.pk).update(created_at=when, applied_at=when)
        Coverage.objects.filter(round=round_).update(updated_at=when)
        return upload


@dataclass
class _Sampled:
    """A round's tubes (barcode, person, grid) and when each was sampled: before and after the
    first file's moment."""

    round: Round
    tubes: list[tuple[str, int, str]]
    early: dict[str, datetime.datetime]
    late: dict[str, datetime.datetime]

    def samples(self, codes) -> int:
        """The samples (persons) in the tubes ``codes``."""
        size = Counter(code for code, _person, _grid in self.tubes)
        return sum(size[code] for code in codes)


def _targets(round_) -> list[tuple[int, str]]:
    con = store.open_round(round_.pk, [])
    try:
        return con.execute(
            "SELECT person_id, grid FROM targets ORDER BY grid, household_id, person_id"
        ).fetchall()
    finally:
        con.close()


def _tubes(people, prefix: str) -> list[tuple[str, int, str]]:
    """(barcode, person, grid): pools of RATIO residents of one grid, in order."""
    tubes, n, last_grid, in_tube = [], -1, None, RATIO
    for person, grid in people:
        if grid != last_grid or in_tube == RATIO:
            n, in_tube, last_grid = n + 1, 0, grid
        tubes.append((f"{prefix}{n:08d}", person, grid))
        in_tube += 1
    return tubes


def _sampling_times(rng, tubes, lo, hi) -> dict[str, datetime.datetime]:
    """A sampling time for each tube, uniform in [lo, hi)."""
    barcodes = sorted({t[0] for t in tubes})
    rng.shuffle(barcodes)
    return {code: lo + (hi - lo) * rng.random() for code in barcodes}


def _local(when: datetime.datetime, format: str = "%Y-%m-%d %H:%M:%S") -> str:
    return when.astimezone(TZ).strftime(format)


def _sampling_file(tubes, when: dict[str, datetime.datetime], points) -> list[str]:
    """A sampling point's file: one row per person sampled into one of ``when``'s tubes."""
    rows = [
        f"{code},{person},{_local(when[code])},{points[grid[:6]]}"
        for code, person, grid in tubes
        if code in when
    ]
    return ["barcode,person,sampled_at,point", *rows]


def _results_file(resulted: dict[str, datetime.datetime], positives=frozenset()) -> list[str]:
    """A laboratory's file: each tube's result at its time."""
    rows = [
        f"{code},{'阳性' if code in positives else '阴性'},{_local(at, '%Y-%m-%d %H:%M')}"
        for code, at in sorted(resulted.items())
    ]
    return ["barcode,result,resulted_at", *rows]


def _open(campaign, desk: _Desk, number: int, start) -> tuple[Round, dict[str, int]]:
    """Round ``number`` opened at ``start``, with a sampling point per county of Putian."""
    with desk.backdate.at(start):
        round_ = do_open_round(campaign, actor=desk.actor, starts_at=start, ratio=RATIO)
        points = {}
        for county in Jurisdiction.objects.filter(parent_id=PUTIAN).order_by("code"):
            points[county.code] = do_add_sampling_point(
                round_,
                actor=desk.actor,
                name=f"{county.name}采样点",
                jurisdiction=county,
                staff=40,
                opens=datetime.time(6),
                closes=datetime.time(22),
            ).pk
    return round_, points


def _round(campaign, desk: _Desk, number: int, share: float, start, cut, end) -> _Sampled:
    """Round ``number`` opened at ``start``: ``share`` of the residents sampled by ``cut`` (a
    file then), all but ``LEFT_UNTESTED`` of them by ``end`` (a second file)."""
    round_, points = _open(campaign, desk, number, start)
    people = _targets(round_)
    desk.rng.shuffle(people)
    kept = people[: round(len(people) * (1 - LEFT_UNTESTED))]
    first = round(len(people) * share)
    tubes = _tubes(sorted(kept[:first], key=itemgetter(1, 0)), f"PT{number}E")
    late = _tubes(sorted(kept[first:], key=itemgetter(1, 0)), f"PT{number}L")
    sampled = _Sampled(
        round_,
        tubes + late,
        _sampling_times(desk.rng, tubes, start, cut),
        _sampling_times(desk.rng, late, cut, end),
    )
    for n, (when, at) in enumerate(((sampled.early, cut), (sampled.late, end)), start=1):
        lines = _sampling_file(sampled.tubes, when, points)
        desk.send(round_, "sampling", f"round{number}-sampling-{n}.csv", lines, at)
    return sampled


def _resulted_by(sampled: _Sampled, samples: int, by) -> dict[str, datetime.datetime]:
    """Result times for the earliest-sampled tubes that hold ``samples`` samples in all, each
    ``TURNAROUND`` after its sampling and none after ``by``."""
    out: dict[str, datetime.datetime] = {}
    left = samples
    for code in sorted(sampled.early, key=sampled.early.__getitem__):
        if (size := sampled.samples([code])) <= left:
            out[code] = min(sampled.early[code] + TURNAROUND, by)
            left -= size
        if not left:
            break
    return out


def _results(desk: _Desk, sampled: _Sampled, first: dict, cut, end, positives=frozenset()):
    """Two laboratories' files: ``first``'s results at ``cut``, every other tube's at ``end``."""
    number = sampled.round.number
    rest = {code: end for code, _p, _g in sampled.tubes if code not in first}
    for n, (resulted, at) in enumerate(((first, cut), (rest, end)), start=1):
        lines = _results_file(resulted, positives)
        desk.send(sampled.round, "results", f"round{number}-results-{n}.csv", lines, at)


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
    people = sorted(_targets(round_), key=itemgetter(1, 0))
    tubes = _tubes(people, f"S{tag}0")
    end = start + datetime.timedelta(hours=10)
    points = {t[2][:6]: point for t in tubes}
    when = _sampling_times(rng, tubes, start, end)
    done = end + datetime.timedelta(hours=2)
    sampling, results = (
        _sampling_file(tubes, when, points),
        _results_file(dict.fromkeys(when, done)),
    )
    with tempfile.TemporaryDirectory() as tmp:
        desk = _Desk(actor, Path(tmp), backdate, rng)
        desk.send(round_, "sampling", f"screen{tag}-sampling.csv", sampling, end)
        desk.send(round_, "results", f"screen{tag}-results.csv", results, done)
    with backdate.at(done):
        do_close_round(round_, actor=actor)
    return round_


def _round_one(campaign, desk: _Desk, city: Jurisdiction) -> dict:
    """Round 1 as counted at 24:00 on 14 September, scaled to the demo's Putian; the rest of its
    samples by the 16th, its positive pools retested, closed on the 17th."""
    share = min(1.0, PUBLISHED_SAMPLES / city.population) if city.population else 0.54
    sampled = _round(campaign, desk, 1, share, _at(14, 14), COUNTED, _at(16, 10))
    found, chosen = _positive_pools(sampled, desk.rng)
    samples = round(sampled.round.target * share * PUBLISHED_RESULTS / PUBLISHED_SAMPLES)
    first = _resulted_by(sampled, samples, COUNTED)
    _results(desk, sampled, first, COUNTED, _at(16, 18), positives=set(chosen))
    for follow in FollowUp.objects.filter(tube__round=sampled.round).select_related("tube"):
        when = follow.tube.resulted_at + datetime.timedelta(hours=6)
        result = "positive" if follow.person_id in found else "negative"
        with desk.backdate.at(when):
            do_record_retest(follow, actor=desk.actor, result=result, at=when)
    with desk.backdate.at(_at(17, 8)):
        do_close_round(sampled.round, actor=desk.actor)
    follow_ups = FollowUp.objects.filter(tube__round=sampled.round)
    return {
        "round1_target": sampled.round.target,
        "round1_sampled_by_2021_09_14_24h": sampled.samples(sampled.early),
        "round1_resulted_by_2021_09_14_24h": sampled.samples(first),
        "published_samples_by_2021_09_14_24h": PUBLISHED_SAMPLES,
        "published_results_by_2021_09_14_24h": PUBLISHED_RESULTS,
        "share_of_population_sampled_by_midnight": round(share, 4),
        "positive_tubes": len(chosen),
        "follow_ups": follow_ups.count(),
        "retest_positive": follow_ups.filter(status="positive").count(),
        "deadline": timezone.localtime(sampled.round.deadline).isoformat(),
    }


def _positive_pools(sampled: _Sampled, rng) -> tuple[set[int], list[str]]:
    """(persons, barcodes): the Xianyou residents whose case is reported on 15–16 September, and
    up to two tubes of theirs (else of any Xianyou residents) that test positive."""
    found = set(
        Case.objects.filter(
            jurisdiction__code__startswith=XIANYOU,
            reported_at__gte=_at(15, 0),
            reported_at__lt=_at(17, 0),
        ).values_list("person_id", flat=True)
    )
    xianyou = [t for t in sampled.tubes if t[2].startswith(XIANYOU)]
    chosen = sorted({t[0] for t in xianyou if t[1] in found})[:2]
    if len(chosen) < 2 and xianyou:
        others = sorted({t[0] for t in xianyou} - set(chosen))
        chosen += rng.sample(others, min(2 - len(chosen), len(others)))
    return found, chosen


def _round_two(campaign, desk: _Desk) -> Round:
    """Round 2 (an assumption): from the 17th, all negative, closed on its deadline."""
    sampled = _round(campaign, desk, 2, 0.6, _at(17, 8), _at(17, 22), _at(18, 20))
    first = _resulted_by(sampled, round(0.6 * sampled.samples(sampled.early)), _at(17, 23))
    _results(desk, sampled, first, _at(17, 23), _at(19, 8))
    with desk.backdate.at(sampled.round.deadline):
        do_close_round(sampled.round, actor=desk.actor)
    return sampled.round


def load(replay: Replay) -> dict:
    backdate = Backdate()
    start = _at(14, 14)
    with tempfile.TemporaryDirectory() as tmp:
        desk = _Desk(_actor(), Path(tmp), backdate, replay.rng("testing"))
        city = Jurisdiction.objects.get(pk=PUTIAN)
        with backdate.at(start):
            campaign = do_create_campaign(
                actor=desk.actor, name="莆田市全员核酸检测", jurisdiction=city, areas=[city]
            )
        Campaign.objects.filter(pk=campaign.pk).update(created_at=start)
        summary = _round_one(campaign, desk, city)
        second = _round_two(campaign, desk)
    backdate.apply()
    return {
        "rounds": 2,
        **summary,
        "round2_closed_at": timezone.localtime(second.deadline).isoformat(),
    }

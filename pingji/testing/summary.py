"""What a round page and the API show: coverage rolled up a level, and time against the deadline.

Coverage rows are per grid and compound (``models.Coverage``); any level above is a sum over
code prefixes (decision 0001), so one indexed scan answers a county or a community.
The projection assumes the rate so far continues; the pooling plan (``epi.pooling``) re-estimates
positivity from the tubes resulted so far and warns when it reaches the protocol's threshold.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Substr

from pingji.core import clock
from pingji.epi import pooling as pooling_maths
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction, Place
from pingji.protocols import rules as protocol_rules

from . import store
from .choices import PoolingMode

LEVELS = [Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]
COMPOUND = "compound"


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    target: int
    sampled: int
    resulted: int
    positive: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.sampled / self.target, 1) if self.target else 0.0

    @property
    def untested(self) -> int:
        return self.target - self.sampled


def rollup(coverage, level: str) -> list[Row]:
    """Coverage summed by jurisdiction at ``level`` (county…grid) or by compound."""
    sums = dict(
        target=Sum("target"),
        sampled=Sum("sampled"),
        resulted=Sum("resulted"),
        positive=Sum("positive"),
    )
    if level == COMPOUND:
        rows = coverage.exclude(place=None).values("place_id").annotate(**sums)
        place_names = dict(
            Place.objects.filter(pk__in=[r["place_id"] for r in rows]).values_list("pk", "name")
        )
        return [
            Row(
                str(r["place_id"]),
                place_names.get(r["place_id"], ""),
                r["target"],
                r["sampled"],
                r["resulted"],
                r["positive"],
            )
            for r in rows
        ]
    length = CODE_LENGTH[Level(level)]  # callers pass one of LEVELS
    rows = (
        coverage.annotate(code=Substr("jurisdiction_id", 1, length))
        .values("code")
        .annotate(**sums)
        .order_by("code")
    )
    names = dict(
        Jurisdiction.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "name")
    )
    return [
        Row(
            r["code"],
            names.get(r["code"], r["code"]),
            r["target"],
            r["sampled"],
            r["resulted"],
            r["positive"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Progress:
    target: int
    sampled: int
    resulted: int
    positive: int
    deadline: datetime.datetime
    hours_allowed: float
    hours_elapsed: float
    projected_end: datetime.datetime | None
    on_track: bool
    completed_at: datetime.datetime | None
    plan: pooling_maths.Plan | None
    threshold_percent: float | None

    @property
    def percent(self) -> float:
        return round(100.0 * self.sampled / self.target, 1) if self.target else 0.0


def progress(rnd, now=None) -> Progress:
    """Where the round stands against its deadline, and what pooling costs at this positivity."""
    from .actions.rounds import pooling_rule
    from .actions.uploads import applied_ids

    now = now or clock.now()
    totals = rnd.coverage.aggregate(
        t=Sum("target"), s=Sum("sampled"), r=Sum("resulted"), p=Sum("positive")
    )
    target, sampled = rnd.target, totals["s"] or 0
    end = rnd.completed_at or min(now, rnd.deadline)
    elapsed = max((end - rnd.starts_at).total_seconds() / 3600, 0.0)
    projected = rnd.completed_at
    if projected is None and sampled and elapsed > 0:
        rate = sampled / elapsed
        projected = rnd.starts_at + datetime.timedelta(hours=target / rate)
    on_track = projected is not None and projected <= rnd.deadline
    rules = protocol_rules.pooling(rnd.protocol)
    plan = None
    if rnd.pool_mode == PoolingMode.POOLED:
        con = store.open_round(rnd.pk, applied_ids())
        try:
            tubes, positive_tubes, _largest = store.pool_counts(con)
        finally:
            con.close()
        p = pooling_maths.positivity_from_pools(positive_tubes, tubes, rnd.pool_ratio)
        allowed = pooling_rule(rnd.protocol, rnd.campaign.setting).ratios
        plan = pooling_maths.plan(rnd.pool_ratio, p, allowed, rules.max_positivity_percent)
    return Progress(
        target=target,
        sampled=sampled,
        resulted=totals["r"] or 0,
        positive=totals["p"] or 0,
        deadline=rnd.deadline,
        hours_allowed=(rnd.deadline - rnd.starts_at).total_seconds() / 3600,
        hours_elapsed=round(elapsed, 1),
        projected_end=projected,
        on_track=on_track,
        completed_at=rnd.completed_at,
        plan=plan,
        threshold_percent=rules.max_positivity_percent,
    )

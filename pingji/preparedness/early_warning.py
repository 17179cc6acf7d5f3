"""Early warning's reads: a county's signal per day, the rule that applies to it, and the
breaches of a day.

Pure reads of the surveillance reports and the warning rules, so what would alert can be shown
or tested without raising anything; ``actions.surveillance.do_evaluate_warnings`` raises an alert
(and its task) for each breach. Drill subtrees never count (``geo.drills.real_only``).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.db.models import Sum

from pingji.epi import aberration, farrington
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.drills import real_only

from .choices import WarningMethod
from .models import SurveillanceReport, WarningRule

COUNTY = CODE_LENGTH[Level.COUNTY]


@dataclass(frozen=True)
class Breach:
    """A county whose signal on the day rose past its rule: the value and the baseline it beat
    (with a statistical method, the upper bound the method set for the day)."""

    county: str
    rule: WarningRule
    value: int
    baseline: float


def active_rules(code: str) -> list[WarningRule]:
    """The active rules that may apply inside ``code``: those of its ancestors and its subtree."""
    return list(
        WarningRule.objects.filter(active=True).filter(
            jurisdiction_id__in=[code[:n] for n in range(1, len(code) + 1)]
        )
        | WarningRule.objects.filter(active=True).subtree(code)
    )


def county_signal(
    code: str, signal: str, days: list[datetime.date]
) -> dict[tuple[str, datetime.date], int]:
    """Per county in the subtree of ``code`` and day: the signal summed over its sites."""
    rows = (
        real_only(SurveillanceReport.objects.subtree(code), "site__jurisdiction__code")
        .filter(site__signal=signal, day__in=days)
        .values("jurisdiction_id", "day")
        .annotate(total=Sum("value"))
    )
    out: dict[tuple[str, datetime.date], int] = defaultdict(int)
    for r in rows:
        out[(r["jurisdiction_id"][:COUNTY], r["day"])] += r["total"]
    return out


def rule_for(county: str, signal: str, rules: list[WarningRule]) -> WarningRule | None:
    """The nearest active rule at or above the county (its own, its city's, the province's)."""
    found = [r for r in rules if r.signal == signal and county.startswith(r.jurisdiction_id)]
    return max(found, key=lambda r: len(r.jurisdiction_id), default=None)


def breaches(day: datetime.date, code: str, rules: list[WarningRule]) -> Iterator[Breach]:
    """Each county of ``code`` whose signal on ``day`` breaks its nearest rule, by signal, then
    county.

    A county judged by historical limits needs at least one past week reported; one judged by a
    statistical method needs every day of its window reported (``WINDOW``): Farrington judges
    the week ending on the day against the same weeks of three years before, so it needs some
    1,120 days of reports and says nothing before a county has them. A day without a
    report is missing, not zero: counting it as zero would make the first report an outbreak.
    """
    for signal in sorted({r.signal for r in rules}):
        mine = [r for r in rules if r.signal == signal]
        weeks = max(r.baseline_weeks for r in mine)
        window = max((WINDOW.get(r.method, 1) for r in mine), default=1)  # only the days read
        days = {day - datetime.timedelta(weeks=k) for k in range(weeks + 1)}
        days |= {day - datetime.timedelta(days=k) for k in range(window)}
        totals = county_signal(code, signal, sorted(days))
        judged: dict[str, list[tuple[str, WarningRule]]] = defaultdict(list)
        for county in sorted({c for c, d in totals if d == day}):
            rule = rule_for(county, signal, rules)
            if rule is not None:
                judged[rule.method].append((county, rule))
        found = [
            breach
            for method, counties in judged.items()
            for breach in _judge(method, counties, totals, day)
        ]
        yield from sorted(found, key=lambda b: b.county)


#: Farrington flexible on weeks ending on the judged day, with the fewest years behind the judged
#: week that still fit a time trend (Noufaily et al. 2013): 3 years, 3 weeks either side.
FARRINGTON = farrington.Settings(b=3, w=3)
FARRINGTON_WEEKS = FARRINGTON.freq * FARRINGTON.b + FARRINGTON.w + 1
#: Days of reports each statistical method reads, the judged day included.
WINDOW: dict[str, int] = {
    WarningMethod.EARS_C1: 8,
    WarningMethod.EARS_C2: 10,
    WarningMethod.EARS_C3: 12,
    WarningMethod.CUSUM: 35,
    WarningMethod.FARRINGTON: 7 * FARRINGTON_WEEKS,
}
#: The CUSUM sums the last days over the mean of the days before them.
CUSUM_DAYS = 7


def _judge(method: str, counties, totals, day) -> Iterator[Breach]:
    if method == WarningMethod.LIMITS:
        for county, rule in counties:
            breach = _over_limits(county, rule, totals, day)
            if breach is not None:
                yield breach
        return
    window = [day - datetime.timedelta(days=k) for k in range(WINDOW[method] - 1, -1, -1)]
    complete = [(c, r) for c, r in counties if all((c, d) in totals for d in window)]
    if not complete:
        return
    counts = np.array([[totals[(c, d)] for d in window] for c, _rule in complete], dtype=float)
    if method == WarningMethod.FARRINGTON:  # weeks ending on the judged day
        counts = counts.reshape(len(complete), FARRINGTON_WEEKS, 7).sum(axis=2)
    found = _detect(method, counts)
    for i, (county, rule) in enumerate(complete):
        value, mean = int(counts[i, -1]), float(counts[i, :-1].mean())
        if found.alarm[i, -1] and value - mean >= rule.min_increase:
            yield Breach(county, rule, value, float(found.upperbound[i, -1]))


def _detect(method: str, counts: np.ndarray) -> aberration.Detection:
    if method == WarningMethod.FARRINGTON:
        return farrington.farrington_flexible(counts, FARRINGTON)
    if method == WarningMethod.CUSUM:
        return aberration.cusum(counts, first_day=counts.shape[1] - CUSUM_DAYS)
    return aberration.ears(counts, method.removeprefix("ears_").upper())


def _over_limits(county: str, rule: WarningRule, totals, day) -> Breach | None:
    """Historical limits: the mean of the same weekday over the rule's past weeks."""
    past = [
        totals[(county, day - datetime.timedelta(weeks=k))]
        for k in range(1, rule.baseline_weeks + 1)
        if (county, day - datetime.timedelta(weeks=k)) in totals
    ]
    if not past:
        return None
    value, baseline = totals[(county, day)], sum(past) / len(past)
    if value > baseline * float(rule.ratio) and value - baseline >= rule.min_increase:
        return Breach(county, rule, value, baseline)
    return None

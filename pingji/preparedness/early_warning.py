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

from django.db.models import Sum

from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.drills import real_only

from .models import SurveillanceReport, WarningRule

COUNTY = CODE_LENGTH[Level.COUNTY]


@dataclass(frozen=True)
class Breach:
    """A county whose signal on the day rose past its rule: the value and the baseline it beat."""

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

    Baseline = mean of the same weekday in the last ``baseline_weeks`` weeks; a week without a
    report is left out, not counted as zero, so a county without baseline data has no breach:
    a zero baseline would make any first report an outbreak.
    """
    for signal in sorted({r.signal for r in rules}):
        weeks = max(r.baseline_weeks for r in rules if r.signal == signal)
        days = [day - datetime.timedelta(weeks=k) for k in range(weeks + 1)]
        totals = county_signal(code, signal, days)
        for county in sorted({c for c, d in totals if d == day}):
            rule = rule_for(county, signal, rules)
            if rule is None:
                continue
            past = [
                totals[(county, day - datetime.timedelta(weeks=k))]
                for k in range(1, rule.baseline_weeks + 1)
                if (county, day - datetime.timedelta(weeks=k)) in totals
            ]
            if not past:
                continue
            value, baseline = totals[(county, day)], sum(past) / len(past)
            if value > baseline * float(rule.ratio) and value - baseline >= rule.min_increase:
                yield Breach(county, rule, value, baseline)

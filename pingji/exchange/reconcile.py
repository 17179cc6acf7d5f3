"""Reconciliation before a bulletin: the national extract's county counts against Pingji's.

For a day and a disease, each county of the reader's area gets both counts of new infections
(confirmed and asymptomatic): the extract's, from the cards diagnosed that day, and Pingji's,
the indicator the bulletin is built from (``analytics.series.compute``, the disease's
``new_infection_<code>``, from the events recorded so far). Where they differ, the cards behind
the difference are listed both ways: cards of the extract not matched to a case Pingji counted
there that day (no case here, counted on another day or in another county), and cases Pingji
counted whose card is not among the extract's for that county and day.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from pingji.analytics.indicators.diseases import key_of
from pingji.analytics.series import compute, cutoff
from pingji.cases.choices import INFECTIONS
from pingji.cases.contracts import RECLASSIFIED, REPORTED
from pingji.core.access import scope_code
from pingji.core.models import DomainEvent
from pingji.geo.drills import real_only
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import COVID_19

from .models import ExtractCard, ReportCard


@dataclass
class CountyLine:
    code: str
    name: str
    extract: int
    pingji: int
    extract_only: list[ExtractCard] = field(default_factory=list)
    pingji_only: list[ReportCard] = field(default_factory=list)

    @property
    def difference(self) -> int:
        return self.extract - self.pingji


def _window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return cutoff(day - datetime.timedelta(days=1)), cutoff(day)


def _extract_cards(user, day: datetime.date, disease: str) -> dict[str, list[ExtractCard]]:
    start, end = _window(day)
    rows = ExtractCard.objects.restrict(user).filter(
        disease_id=disease,
        classification__in=list(INFECTIONS),
        diagnosed_at__gte=start,
        diagnosed_at__lt=end,
    )
    out: dict[str, list[ExtractCard]] = {}
    for card in rows.order_by("card_number"):
        out.setdefault(card.county_id, []).append(card)
    return out


def _counted_cases(user, day: datetime.date, disease: str) -> dict[str, set[int]]:
    """The cases Pingji counted as new infections in each county on ``day``: the events the
    indicator sums (``cases.reported`` and ``cases.reclassified`` with ``new_infection``)."""
    start, end = _window(day)
    of_disease = Q(payload__disease=disease)
    if disease == COVID_19:
        of_disease |= Q(payload__disease__isnull=True)
    events = real_only(
        DomainEvent.objects.restrict(user)
        .filter(kind__in=[REPORTED, RECLASSIFIED], time__gte=start, time__lt=end)
        .filter(recorded_at__lt=end)  # as the indicator: what was known by the day's end
        .filter(of_disease, payload__new_infection=1)
    ).values_list("jurisdiction_code", "object_id")
    out: dict[str, set[int]] = {}
    for code, object_id in events:
        out.setdefault(code[:6], set()).add(int(object_id))
    return out


def _indicator(area: str, day: datetime.date, disease: str) -> dict[str, int]:
    key = key_of(disease)
    series = compute(area, day, day, unit_length=6, keys=[key])
    return {unit: series.on(key, day, unit) for unit in series.units}


def reconcile(user, day: datetime.date, disease: str = COVID_19) -> list[CountyLine]:
    """One line per county with a count on either side, in code order."""
    area = scope_code(user)
    if area is None:
        return []
    extract = _extract_cards(user, day, disease)
    counted = _counted_cases(user, day, disease)
    indicator = _indicator(area, day, disease)
    codes = sorted(set(extract) | {c for c, n in indicator.items() if n} | set(counted))
    names = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))
    lines = []
    for code in codes:
        line = CountyLine(
            code, names.get(code, code), len(extract.get(code, [])), indicator.get(code, 0)
        )
        if line.difference or _mismatched(extract.get(code, []), counted.get(code, set())):
            _behind(user, line, extract.get(code, []), counted.get(code, set()))
        lines.append(line)
    return lines


def _mismatched(cards: list[ExtractCard], cases: set[int]) -> bool:
    return {c.case_id for c in cards} != cases


def _behind(user, line: CountyLine, cards: list[ExtractCard], cases: set[int]) -> None:
    line.extract_only = [c for c in cards if c.case_id is None or c.case_id not in cases]
    on_cards = {c.case_id for c in cards}
    missing = sorted(cases - on_cards)
    line.pingji_only = list(
        ReportCard.objects.restrict(user)
        .filter(case_id__in=missing)
        .select_related("case")
        .order_by("case_id")
    )

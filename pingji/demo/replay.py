"""The September 2021 Fujian Delta outbreak replayed on the demo province, one step per domain.

The replay reads the real daily counts shipped in ``data/`` (Fujian Provincial Health Commission
bulletins, see ``data/README.md``) and lays the outbreak over the synthetic population: each domain
app that takes part has a step here, ``steps/<app>.py`` with ``load(replay) -> dict`` (its figures
for the summary), run in ``STEPS`` order so that a later domain finds what an earlier one wrote
(cases before tracing, contacts before quarantine, screening before risk areas…). Everything is
written at its historical time, so views "as of" a date show the outbreak as it stood that day.
"""

import csv
import datetime
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the steps import this module, and with them Django's models
    from pingji.core.models import DomainEvent
    from pingji.demo.steps.cases import Line

DATA = Path(__file__).parent / "data"
CITY_CASES = DATA / "fujian_local_cases_daily_by_city_2021-08-01_2021-10-31.csv"
PROVINCE_CASES = DATA / "fujian_local_cases_daily_province_2021-08-01_2021-10-31.csv"
PUBLISHED_FIGURES = DATA / "putian_outbreak_published_figures.csv"

#: The apps whose step (``steps.<app>.load``) runs, in this order.
STEPS = (
    "cases",
    "exchange",
    "tracing",
    "quarantine",
    "testing",
    "areas",
    "reopening",
    "resources",
    "preparedness",
    "command",
    "tasks",
    "analytics",
    "reports",
)


@dataclass(frozen=True)
class CityDay:
    """One row of the bulletin series: a city's new local cases reported on a day."""

    day: datetime.date
    city_code: str  # significant digits, e.g. "3503" (decision 0001)
    new_confirmed: int
    new_asymptomatic: int


@dataclass
class Replay:
    """What every demo step shares: the scale, a seeded random source per step, the outbreak."""

    scale: float
    seed: int
    say: Callable[[str], None] = print
    #: 10 September 2021, the first case reported in Putian (Xianyou county).
    start: datetime.date = datetime.date(2021, 9, 10)
    #: The last day replayed: its cases, the daily work up to it.
    end: datetime.date = datetime.date(2021, 10, 31)
    #: The moment the record stops (the demo's now, after ``end``): a follow-up of the last days
    #: planned after it (an investigation's report, a dispatch's answer) is not written, as it
    #: has not happened yet. None writes every follow-up planned.
    until: datetime.datetime | None = None
    summary: dict = field(default_factory=dict)
    # What a step leaves for the later ones, set by that step (absent until it has run, which
    # the later steps check): the case lines of ``steps.cases``, and from ``steps.tracing`` the
    # "controlled" dispatch answers held back for ``steps.quarantine`` and the investigations.
    lines: "list[Line]" = field(init=False, repr=False, compare=False)
    controlled_answers: "list[DomainEvent]" = field(init=False, repr=False, compare=False)
    investigations: dict[int, int] = field(init=False, repr=False, compare=False)

    def happened(self, at: datetime.datetime | None) -> bool:
        """Whether a planned moment lies before the record stops (``until``)."""
        return at is not None and (self.until is None or at < self.until)

    def rng(self, name: str) -> random.Random:
        """A random source of its own for each step, so one step's draws never shift another's."""
        return random.Random(f"{self.seed}:{name}")

    def city_days(self) -> list[CityDay]:
        """The outbreak's days (``start`` to ``end``) with a case in a city, by reporting day."""
        rows = []
        with CITY_CASES.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                day = datetime.date.fromisoformat(row["date"])
                confirmed = int(row["new_confirmed"] or 0)
                asymptomatic = int(row["new_asymptomatic"] or 0)
                if self.start <= day <= self.end and (confirmed or asymptomatic):
                    code = row["adcode"].rstrip("0")
                    rows.append(CityDay(day, code, confirmed, asymptomatic))
        return rows


def province_column(column: str) -> dict[datetime.date, int]:
    """One figure of the province bulletin series by day, on the days a bulletin gives it (a
    blank cell is a figure not read, not a zero)."""
    with PROVINCE_CASES.open(encoding="utf-8") as f:
        return {
            datetime.date.fromisoformat(row["date"]): int(row[column])
            for row in csv.DictReader(f)
            if row[column]
        }


def play(replay: Replay, step: Callable) -> dict:
    """Run every domain's demo step in order; ``step(label, work)`` times and reports each."""
    from django.db.models import Max

    from pingji.core.models import DomainEvent

    for app in STEPS:
        module = importlib.import_module(f"pingji.demo.steps.{app}")
        seen = DomainEvent.objects.aggregate(last=Max("id"))["last"] or 0
        replay.summary[app] = step(f"replay: {app}", lambda m=module: m.load(replay))
        recorded_when_they_happened(seen)
    return replay.summary


def recorded_when_they_happened(after_id: int) -> None:
    """In the replay every fact was recorded when it happened: the events a step wrote at their
    historical time get that time as their record time too, so that a read "as of" a day of 2021
    (decision 0030: by record time) sees them from that day, not from the day of the install."""
    from django.db.models import F

    from pingji.core.models import DomainEvent

    DomainEvent.objects.filter(pk__gt=after_id, recorded_at__gt=F("time")).update(
        recorded_at=F("time")
    )

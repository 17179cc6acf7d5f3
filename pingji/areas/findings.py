"""What the daily evaluation finds about one area on one day (docs/decisions/0015).

Its own module because both sides of the evaluation use it: ``evaluation`` judges and fills it,
``actions.evaluations`` stores it and raises the work items it calls for. Neither imports the
other's module for it, so the judging and the writing do not depend on each other in a circle.
"""

import datetime
from dataclasses import dataclass, field

from .choices import Verdict


@dataclass
class Finding:
    """The verdict of the lifting criteria for one area, with the reasons and evidence behind it."""

    area_id: int
    level: str
    verdict: str
    to_level: str = ""
    reasons: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    earliest_on: datetime.date | None = None
    eligible_since: datetime.date | None = None
    last_infection_on: datetime.date | None = None
    clause: str = ""

    @property
    def eligible(self) -> bool:
        return self.verdict in (Verdict.ELIGIBLE, Verdict.HELD)

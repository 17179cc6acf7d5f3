"""How each forecasting model did: the stored forecasts of an area scored against its stored series.

Read by ``pingji forecasts score``: for forecasts issued from ``first`` to ``last``, every day
ahead already observed in the stored ``new_local_infection`` series is scored
(``epi.scoring``: WIS, absolute error, 50 % and 95 % coverage), per model, the baselines included.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from pingji.core.models import DomainEvent
from pingji.epi.scoring import Skill

from . import estimates
from .choices import ForecastModel
from .contracts import SERIES_COMPUTED
from .models import DailyIndicator, ForecastRun

SERIES_KEY = "new_local_infection"


@dataclass(frozen=True)
class SkillRow:
    code: str
    model: str
    issued: int
    skill: Skill


def stored_skill(code: str, first: datetime.date, last: datetime.date) -> list[SkillRow]:
    """One row per model with forecasts of ``code`` issued in ``[first, last]`` (model order)."""
    runs: dict[str, list] = {}
    issued_rows = ForecastRun.objects.filter(
        jurisdiction_id=code, horizon=estimates.HORIZON, issued_on__gte=first, issued_on__lte=last
    ).values_list("model", "issued_on", "points")
    for model, issued_on, points in issued_rows:
        runs.setdefault(model, []).append((issued_on, points))
    if not runs:
        return []
    observed = dict(
        DailyIndicator.objects.filter(
            jurisdiction_id=code, key=SERIES_KEY, day__gte=first
        ).values_list("day", "value")
    )
    skill = estimates.model_skill(runs, observed, known_by=computed_through(code) or first)
    return [
        SkillRow(code, model, len(runs[model]), skill[model])
        for model in ForecastModel.values
        if model in skill
    ]


def computed_through(code: str) -> datetime.date | None:
    """The last day of the stored series of ``code``: only non-zero values are stored, so a day
    after it is unknown, not zero. Runs of ``code`` or of an area above it store its series."""
    prefixes = [code[:n] for n in range(2, len(code) + 1)]
    ends = DomainEvent.objects.filter(
        kind=SERIES_COMPUTED, jurisdiction_code__in=prefixes
    ).values_list("payload__end", flat=True)
    days = [datetime.date.fromisoformat(e) for e in ends if e]
    return max(days, default=None)

"""Background job of the quarantine app: the daily sweep (alerts on misses, end of monitoring)."""

import datetime

from pingji.core import clock
from pingji.core.jobs import job

from .actions.followup import do_sweep


@job("quarantine.sweep")
def sweep(progress, on: str | None = None) -> dict:
    """Run ``actions.followup.do_sweep`` for a day (ISO date; default: today)."""

    day = datetime.date.fromisoformat(on) if on else clock.today()
    progress(0, 1, "sweeping")
    return do_sweep(day)

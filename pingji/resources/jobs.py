"""The daily refresh of stored peak use (run by ``pingji refresh_reserve_peaks`` from cron)."""

import datetime

from pingji.core import clock
from pingji.core.jobs import job

from .actions.ledger import refresh_peaks
from .models import StockLevel
from .reserves import standard_for


def refresh(on: datetime.date, within: str = "") -> dict:
    """Store the peak of every pair as of ``on`` with the window of the protocol in force.

    One pass per province (two-digit code) present, each with its own protocol's window, unless
    ``within`` names the area. Pairs of a city whose protocol sets another window keep being read
    correctly, from ``StockDay`` (decision 0025).
    """
    codes = (
        [within]
        if within
        else sorted(
            {c[:2] for c in StockLevel.objects.values_list("jurisdiction_id", flat=True).distinct()}
        )
    )
    pairs = 0
    for code in codes:
        standard = standard_for(code, on)
        if standard.applies:
            pairs += refresh_peaks(code, on, standard.peak_window_days)
    return {"day": on.isoformat(), "areas": codes, "pairs": pairs}


@job("resources.refresh_peaks")
def refresh_job(progress, *, day: str = "", within: str = "") -> dict:
    """Store the peaks as of ``day`` (default today: today's reads are then one row a pair)."""
    on = datetime.date.fromisoformat(day) if day else clock.today()
    progress(0, 1, "refreshing")
    result = refresh(on, within)
    progress(1, 1, "done")
    return result

"""The replay's analytics step: the stored series, Rt and forecasts of the outbreak.

Runs after every domain has written its events, for the province from the replay's first day to
its last, so the situation room, the API and the archived reports read stored estimates.
"""

import datetime

from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.series import LEAD_DAYS
from pingji.demo.replay import Replay
from pingji.geo.models import Jurisdiction


def load(replay: Replay) -> dict:
    province = Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first()
    if province is None:
        return {}
    start = replay.start - datetime.timedelta(days=LEAD_DAYS)  # as the dashboard's curve starts
    counts = do_compute_series(province, start, replay.end)
    replay.say(
        f"    analytics: {counts['indicators']} daily values, {counts['rt']} Rt windows, "
        f"{counts['forecasts']} forecasts"
    )
    return counts

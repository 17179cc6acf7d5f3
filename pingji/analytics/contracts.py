"""What the analytics domain tells the others: its event kinds and their payloads.

Analytics reads every other domain's events (its indicators are sums over them, decision 0022) and
writes one of its own: ``SERIES_COMPUTED`` marks a stored run of the daily series, Rt and
forecasts for an area and a period, with the newest event id it saw (``high_water``), so a reader
knows whether the storage is still current or an event arrived since.

Other apps call into analytics through ``actions.series.do_compute_series``, ``series``
(``compute``, ``from_storage``, ``child_length``, ``cutoff``, ``outbreak_start``, ``LEAD_DAYS``),
``onsets`` (``onset_curve``, ``onset_nowcast``), ``estimates`` and
``indicators.registry.indicators`` (reports, the demo).
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class SeriesComputedPayload(TypedDict):
    start: str
    end: str
    #: The first day whose Rt and forecasts this run estimated (earlier ones were kept as stored).
    issued_from: NotRequired[str]
    #: The code length of the finest units stored.
    depth: int
    high_water: int
    #: Rows stored of each kind.
    indicators: int
    rt: int
    forecasts: int


SERIES_COMPUTED = declare(
    "analytics.series_computed",
    "the daily series, Rt and forecasts of an area stored for a period",
    SeriesComputedPayload,
)

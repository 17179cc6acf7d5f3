"""Quarantine models: sites, placements and their days (``episodes``), self-report links."""

from .episodes import (
    FEVER_CELSIUS,
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    Site,
    SiteStaff,
)
from .self_report import SelfReportLink

__all__ = [
    "FEVER_CELSIUS",
    "HistoryEntry",
    "MonitoringCheck",
    "Placement",
    "Release",
    "Room",
    "ScheduledTest",
    "SelfReportLink",
    "Site",
    "SiteStaff",
]

"""What the reports domain tells the others: its event kinds and their payloads.

A daily report (the bulletin of a jurisdiction for a day, as Word, Excel and HTML) is recorded
with the figures it printed, so what was reported on a day can be read back even after the
underlying records were corrected.

Nothing outside reports calls into it but the demo
(``actions.daily_reports.do_generate_daily_report``).
"""

from typing import Any, TypedDict

from pingji.core.events import declare


class DailyReportPayload(TypedDict):
    day: str
    #: The figures printed, by indicator key.
    figures: dict[str, Any]
    #: False when an earlier report of the same day was replaced.
    created: bool


DAILY_REPORT_GENERATED = declare(
    "reports.daily_report_generated", "a daily report generated", DailyReportPayload
)

"""Every write of preparedness, by theme (imported here so callers find them in one place)."""

from .drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_plan_drill,
    do_record_drill_step,
    do_record_finding,
    do_remove_drill_data,
    do_set_drill_protocol,
    do_start_drill,
)
from .surveillance import (
    do_dismiss_alert,
    do_evaluate_warnings,
    do_record_reports,
    do_save_rule,
    do_save_site,
    do_switch_on_alert,
    do_upload_reports,
)
from .training import do_record_attendance, do_record_course

__all__ = [
    "do_dismiss_alert",
    "do_evaluate_warnings",
    "do_finish_drill",
    "do_inject_case",
    "do_inject_contact",
    "do_plan_drill",
    "do_record_attendance",
    "do_record_course",
    "do_record_drill_step",
    "do_record_finding",
    "do_record_reports",
    "do_remove_drill_data",
    "do_save_rule",
    "do_save_site",
    "do_set_drill_protocol",
    "do_start_drill",
    "do_switch_on_alert",
    "do_upload_reports",
]

"""What the preparedness domain tells the others: its event kinds and their payloads.

Drills run in sandboxes (decision 0020), so their life — planned, started, each step, finished,
their data removed — is recorded on the drill for the report that scores it. Syndromic
surveillance records the counts reported and the alerts raised, switched into an emergency or
dismissed. Vector surveillance records each grid's larval survey and the index level it read.
Training records courses and attendance. Its plain registers (surveillance sites,
warning rules, courses) are saved through ``resources.actions.registers.save_row``, whose event
carries the saved fields as text.

Nothing outside preparedness calls into it but the demo (the modules of ``actions``).
"""

from typing import TypedDict

from pingji.core.events import declare


class ProtocolPayload(TypedDict):
    protocol: int | None


class DrillStartedPayload(TypedDict):
    sandbox: str
    partner_sandbox: str
    protocol: int


class DrillStepPayload(TypedDict):
    step: str
    done_at: str


class DrillFinishedPayload(TypedDict):
    score: float | None


class DrillRemovedPayload(TypedDict):
    rows: int
    sandboxes: list[str]


class FindingPayload(TypedDict):
    finding: int


class ReportedPayload(TypedDict):
    days: list[str]
    source: str


class AlertRaisedPayload(TypedDict):
    signal: str
    value: int
    baseline: float
    day: str


class AlertSwitchedPayload(TypedDict):
    mode_switch: int
    level: str


class AlertDismissedPayload(TypedDict):
    note: str


class VectorSurveyedPayload(TypedDict):
    day: str
    source: str
    breteau_index: float
    house_index: float
    protocol: int | None  # the dengue version read; None: none in force, or vector not applied
    level: str  # "" without a level
    task: int | None  # the mosquito-control task issued
    closed: int  # earlier tasks of the grid this survey closed


class AttendancePayload(TypedDict):
    users: list[int]


class SiteSavedPayload(TypedDict, total=False):
    jurisdiction: str
    name: str
    kind: str
    signal: str
    active: str


class RuleSavedPayload(TypedDict, total=False):
    jurisdiction: str
    signal: str
    method: str
    baseline_weeks: str
    ratio: str
    min_increase: str
    active: str


class CourseSavedPayload(TypedDict, total=False):
    jurisdiction: str
    title: str
    role: str
    held_on: str
    hours: str


DRILL_PLANNED = declare("preparedness.drill_planned", "a drill planned", ProtocolPayload)
DRILL_PROTOCOL_SET = declare(
    "preparedness.drill_protocol_set", "the protocol version a drill runs under", ProtocolPayload
)
DRILL_STARTED = declare(
    "preparedness.drill_started", "a drill started in its sandbox", DrillStartedPayload
)
DRILL_STEP_RECORDED = declare(
    "preparedness.drill_step_recorded", "a step of a drill done", DrillStepPayload
)
DRILL_FINISHED = declare(
    "preparedness.drill_finished", "a drill closed with its score", DrillFinishedPayload
)
DRILL_REMOVED = declare(
    "preparedness.drill_removed", "a drill's sandbox data removed", DrillRemovedPayload
)
FINDING_RECORDED = declare(
    "preparedness.finding_recorded", "a weakness a drill showed", FindingPayload
)
REPORTED = declare("preparedness.reported", "surveillance counts reported", ReportedPayload)
ALERT_RAISED = declare(
    "preparedness.alert_raised", "a surveillance signal above its baseline", AlertRaisedPayload
)
ALERT_SWITCHED = declare(
    "preparedness.alert_switched", "an alert turned into an emergency", AlertSwitchedPayload
)
ALERT_DISMISSED = declare(
    "preparedness.alert_dismissed", "an alert dismissed, with why", AlertDismissedPayload
)
VECTOR_SURVEYED = declare(
    "preparedness.vector_surveyed", "a grid's mosquito larval survey", VectorSurveyedPayload
)
COURSE_RECORDED = declare("preparedness.course_recorded", "a training course recorded")
ATTENDANCE_RECORDED = declare(
    "preparedness.attendance_recorded", "attendance of a course recorded", AttendancePayload
)
SITE_SAVED = declare(
    "preparedness.site_saved", "a surveillance site registered or changed", SiteSavedPayload
)
RULE_SAVED = declare("preparedness.rule_saved", "a warning rule saved", RuleSavedPayload)
COURSE_SAVED = declare("preparedness.course_saved", "a course saved", CourseSavedPayload)

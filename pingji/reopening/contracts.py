"""What the reopening domain tells the others: its event kinds and their payloads.

An establishment's way back to work is one event per step on the establishment — registered,
closed, applied, inspected, resumed or refused, paused — and the situation room counts closures,
pauses and resumptions from them. Reopening reacts to ``cases.contracts.REPORTED``: a case among
an establishment's staff or pupils raises an alert proposing a pause (``ALERT_RAISED``), which a
person decides.

Nothing outside reopening calls into it but the demo (``actions``, ``controls`` and ``credit``).
"""

from typing import TypedDict

from pingji.core.events import declare


class RegisteredPayload(TypedDict):
    #: enterprise, shop, school… (``Kind``).
    kind: str


class UpdatedPayload(TypedDict):
    fields: list[str]


class ReasonPayload(TypedDict):
    reason: str


class PlannedPayload(TypedDict):
    liaison: str


class ProblemRaisedPayload(TypedDict):
    category: str
    department: str


class InspectedPayload(TypedDict):
    passed: bool


class DecidedPayload(TypedDict):
    clause: str
    protocol: str


class SurveyOpenedPayload(TypedDict):
    targets: int


class AlertRaisedPayload(TypedDict):
    case: int
    alert: int


class ImportedPayload(TypedDict):
    rows: int


REGISTERED = declare("reopening.registered", "an establishment registered", RegisteredPayload)
UPDATED = declare("reopening.updated", "an establishment's facts corrected", UpdatedPayload)
CLOSED = declare("reopening.closed", "an establishment closed", ReasonPayload)
PLANNED = declare("reopening.planned", "an enterprise's plan and liaison saved", PlannedPayload)
PROBLEM_RAISED = declare(
    "reopening.problem_raised", "a problem raised by an establishment", ProblemRaisedPayload
)
APPLIED = declare("reopening.applied", "an establishment applied to resume")
INSPECTED = declare("reopening.inspected", "an establishment inspected", InspectedPayload)
RESUMED = declare("reopening.resumed", "an application to resume approved", DecidedPayload)
REFUSED = declare("reopening.refused", "an application to resume refused", DecidedPayload)
PAUSED = declare("reopening.paused", "a working establishment paused", ReasonPayload)
SURVEY_OPENED = declare(
    "reopening.survey_opened", "a survey of establishments opened", SurveyOpenedPayload
)
ALERT_RAISED = declare(
    "reopening.alert_raised",
    "a case among an establishment's people: pause proposed",
    AlertRaisedPayload,
)
IMPORTED = declare("reopening.imported", "establishments imported from a file", ImportedPayload)

"""What the cases domain tells the others: its event kinds and their payloads.

The payloads of ``REPORTED`` and ``RECLASSIFIED`` carry the counting facts of the bulletins
(``new_infection``, ``new_confirmed``, ``new_asymptomatic``, decision 0006), so the situation room
sums them instead of re-deriving the rules; ``OUTCOME_RECORDED`` carries ``recovered``/``died``.
Reopening subscribes to ``REPORTED`` (a case among a school's pupils pauses it). The bulk path
(``actions.bulk.do_report_cases_bulk``) writes the same payload as the action, built by the same
step (``actions.reports.reported_event``) and checked against the same TypedDict, so no reader can
tell the two apart.

Other apps call into cases through ``actions.reports.do_report_case`` (preparedness' drills,
quarantine's positive result) and ``actions.reports.open_case_of`` (quarantine), and
``forms.LocalDateTimeField``; the demo through ``actions.course.do_reclassify_case`` and
``actions.bulk.do_report_cases_bulk``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class CountingFacts(TypedDict):
    """What a report or a reclassification adds to the bulletins' counts (0 or 1 each)."""

    new_infection: int
    new_confirmed: int
    new_asymptomatic: int


class OfDisease(TypedDict):
    #: The case's disease (decision 0041); events written before diseases existed lack it and
    #: are COVID-19's.
    disease: NotRequired[str]


class ReportedPayload(CountingFacts, OfDisease):
    classification: str
    channel: str
    inside_control: bool
    origin: str
    episode: int


class ReclassifiedPayload(CountingFacts, OfDisease):
    reclassified_from: str
    classification: str
    severity: str
    #: When the case was reclassified (ISO 8601), as given by the user.
    at: str


class OutcomePayload(OfDisease):
    recovered: int
    died: int
    classification: str
    at: str


class CorrectedPayload(TypedDict):
    fields: list[str]


REPORTED = declare("cases.reported", "a case reported, with its counting facts", ReportedPayload)
RECLASSIFIED = declare(
    "cases.reclassified", "a case moved to another classification", ReclassifiedPayload
)
SEVERITY_CHANGED = declare(
    "cases.severity_changed",
    "a confirmed case's severity changed (counts nothing)",
    ReclassifiedPayload,
)
OUTCOME_RECORDED = declare(
    "cases.outcome_recorded", "a case closed: recovered/discharged or died", OutcomePayload
)
CORRECTED = declare(
    "cases.corrected", "a case's dates, channel, origin or notes corrected", CorrectedPayload
)

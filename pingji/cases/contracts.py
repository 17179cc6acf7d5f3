"""What the cases domain tells the others: its event kinds and their payloads.

The payloads of ``REPORTED`` and ``RECLASSIFIED`` carry the counting facts of the bulletins
(``new_infection``, ``new_confirmed``, ``new_asymptomatic``, decision 0006), so the situation room
sums them instead of re-deriving the rules; ``OUTCOME_RECORDED`` carries ``recovered``/``died``.
A confirmed case whose diagnosis is revised to asymptomatic (订正) is a ``RECLASSIFIED`` event
with ``revised_confirmed``; a case reported in error is ``VOIDED`` (核减) with what it had added to
each total, which the totals lose on the day of the void.
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
    #: 1 when a confirmed case's diagnosis is revised to asymptomatic (订正): the confirmed total
    #: loses it from that day. Absent on events written before the correction existed.
    revised_confirmed: NotRequired[int]
    #: Why (``choices.ReclassificationReason``) and the reporter's words; absent on older events.
    reason: NotRequired[str]
    reason_text: NotRequired[str]


class VoidedPayload(OfDisease):
    """A case voided (核减): what it had added to each bulletin total, which the totals lose from
    the day of the void (the days before keep what they showed)."""

    voided_infection: int
    voided_confirmed: int
    voided_asymptomatic: int
    #: 1 when it was counted under treatment (an infection without an outcome) until now.
    left_treatment: int
    #: The classification it had when voided.
    classification: str
    #: ``choices.VoidReason`` and the reporter's words.
    reason: str
    reason_text: str
    #: When it was voided (ISO 8601): the clock's now, never a day in the past.
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
VOIDED = declare(
    "cases.voided",
    "a case reported in error voided (核减): subtracted from the totals from its day",
    VoidedPayload,
)

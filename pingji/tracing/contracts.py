"""What the tracing domain tells the others: its event kinds and their payloads.

An investigation's life (opened, core facts, report, exposures, contacts, check-in proposals,
secondary contacts) is recorded on the investigation; the situation room counts investigations
and contacts by tier from ``OPENED``, ``REPORTED`` and ``CONTACT_ADDED``. A dispatch (协查) is
recorded by its sender (``DISPATCHED``) and each answer of the receiving county by that county,
one kind per answer: quarantine places a person on ``DISPATCH_CONTROLLED`` (whose ``control``
names where, decision 0026) and takes back a handed-over person on ``DISPATCH_RETURNED`` or
``DISPATCH_UNREACHABLE``. Transmission links and clusters are recorded on the link or cluster.

Other apps call into tracing through ``actions.investigations.do_open_investigation``
(quarantine: a positive in quarantine; the demo), ``actions.dispatch.do_dispatch_person`` and
``forms.register_control_field`` (quarantine), ``actions.contacts.create_contact``
(preparedness' drills) and ``chains.transmission_pairs`` (analytics: the serial interval); the
demo through ``actions.investigations.do_complete_core``, ``actions.dispatch.deadline_for`` and
``actions.dispatch_answers.do_acknowledge_dispatch``/``do_record_dispatch_outcome``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class OpenedPayload(TypedDict):
    protocol: str
    core_due_at: str
    report_due_at: str
    lookback_from: str
    clause: str


class LatePayload(TypedDict):
    #: Whether the step came after the protocol's deadline (decision 0007).
    late: bool


class ExposurePayload(TypedDict):
    exposure: int


class ContactAddedPayload(TypedDict):
    contact: int
    #: close contact, secondary contact, companion… (``ContactTier``): the indicators split by it.
    tier: str
    setting: str
    source: str
    last_exposure_at: str


class SearchQueuedPayload(TypedDict):
    job: int
    visits: int


class ProposalsWrittenPayload(TypedDict):
    job: int
    proposed: int
    found: int


class ProposalAcceptedPayload(TypedDict):
    proposal: int
    contact: int


class ProposalRejectedPayload(TypedDict):
    proposal: int


class SecondaryDerivedPayload(TypedDict):
    contact: int
    added: int
    job: int | None


class DispatchedPayload(TypedDict):
    to_region: str
    in_province: bool
    due_at: str
    source: str


class DispatchAnswerPayload(TypedDict):
    """An answer of the receiving county: when (ISO 8601) and to whom (the sender's code)."""

    at: str
    sender: str
    #: What was recorded (``DispatchOutcome``); not on an acknowledgement or an export.
    outcome: NotRequired[str]
    late: NotRequired[bool]
    #: Only on "controlled": where the person is held, as ids (quarantine: ``{"site": id}``).
    control: NotRequired[dict[str, int]]


class ContactReportedPayload(TypedDict):
    """A contact recorded by particulars and dispatched (decision 0042): never the particulars."""

    dispatch: int
    tier: str
    setting: str
    to_region: str
    last_exposure_at: str


class DispatchResolvedPayload(TypedDict):
    """The receiving county named the person a reported contact is (decision 0042)."""

    #: "matched" (one of its residents) or "registered" (registered on resolving).
    how: str


class LinkedPayload(TypedDict):
    infector: int
    infectee: int
    evidence: str
    previous_infector: int | None
    cluster: int | None


OPENED = declare("tracing.opened", "an investigation opened for a case", OpenedPayload)
CORE_DONE = declare("tracing.core_done", "an investigation's core facts recorded", LatePayload)
REPORTED = declare("tracing.reported", "an investigation's report recorded", LatePayload)
EXPOSURE_RECORDED = declare(
    "tracing.exposure_recorded", "a place and time of exposure recorded", ExposurePayload
)
CONTACT_ADDED = declare("tracing.contact_added", "a contact identified", ContactAddedPayload)
SEARCH_QUEUED = declare(
    "tracing.search_queued", "a check-in search for contacts queued", SearchQueuedPayload
)
PROPOSALS_WRITTEN = declare(
    "tracing.proposals_written", "contacts proposed by a check-in search", ProposalsWrittenPayload
)
PROPOSAL_ACCEPTED = declare(
    "tracing.proposal_accepted", "a proposed contact accepted", ProposalAcceptedPayload
)
PROPOSAL_REJECTED = declare(
    "tracing.proposal_rejected", "a proposed contact set aside", ProposalRejectedPayload
)
SECONDARY_DERIVED = declare(
    "tracing.secondary_derived",
    "secondary contacts from a contact's household",
    SecondaryDerivedPayload,
)
DISPATCHED = declare("tracing.dispatched", "a person dispatched to their county", DispatchedPayload)
DISPATCH_ACKNOWLEDGED = declare(
    "tracing.dispatch_acknowledged",
    "a dispatch seen by the receiving county",
    DispatchAnswerPayload,
)
DISPATCH_LOCATED = declare(
    "tracing.dispatch_located", "a dispatched person located", DispatchAnswerPayload
)
DISPATCH_CONTROLLED = declare(
    "tracing.dispatch_controlled", "a dispatched person under control", DispatchAnswerPayload
)
DISPATCH_UNREACHABLE = declare(
    "tracing.dispatch_unreachable", "a dispatched person unreachable", DispatchAnswerPayload
)
DISPATCH_RETURNED = declare(
    "tracing.dispatch_returned", "a dispatch returned: not our resident", DispatchAnswerPayload
)
DISPATCH_EXPORTED = declare(
    "tracing.dispatch_exported",
    "an out-of-province dispatch exported to its file",
    DispatchAnswerPayload,
)
CONTACT_REPORTED = declare(
    "tracing.contact_reported",
    "a contact living elsewhere recorded by particulars and dispatched",
    ContactReportedPayload,
)
DISPATCH_RESOLVED = declare(
    "tracing.dispatch_resolved",
    "a reported contact resolved to a person by the receiving county",
    DispatchResolvedPayload,
)
LINKED = declare("tracing.linked", "a transmission link recorded", LinkedPayload)
LINK_CORRECTED = declare(
    "tracing.link_corrected", "a transmission link given another infector", LinkedPayload
)
CLUSTER_CREATED = declare("tracing.cluster_created", "a cluster of cases named")

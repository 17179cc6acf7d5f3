"""What the quarantine domain tells the others: its event kinds and their payloads.

A placement keeps one continuous history (site, then home monitoring); each step of it is an event
on the placement, in the jurisdiction that manages the person at that moment. The situation room
counts people placed, released, completed and found positive from these (``PLACED``'s
``category`` tells contacts from others), and tracing's indicators count contacts under control
from ``PLACED`` too. Alerts of missed checks and tests are raised in the county of the home grid.

Quarantine reacts to tracing's dispatch answers (``tracing.contracts.DISPATCH_CONTROLLED`` places
the person, or records ``NOT_PLACED`` on the dispatch saying why nobody was placed;
``DISPATCH_RETURNED``/``DISPATCH_UNREACHABLE`` take back a person handed over by a move). Other
apps call into it through ``evidence.unreleased_contacts`` (areas); the demo through
``actions.sites.do_create_site``, ``actions.placement.new_placement``, ``schedule`` and
``actions.followup.MISSED_CHECK``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class SiteCreatedPayload(TypedDict):
    rooms: int


class PlacedPayload(TypedDict):
    #: close contact, secondary contact, inbound traveller… (``RegimeCategory``).
    category: str
    setting: str
    site: int | None
    protocol: str
    exposure_on: str
    planned_release_on: str
    planned_end_on: str


class CheckedPayload(TypedDict):
    on: str
    temperature: str
    symptoms: list[str]
    abnormal: bool
    #: Who recorded it (``CheckSource``): staff, or the person through a self-report link.
    source: NotRequired[str]


class ResultRecordedPayload(TypedDict):
    test: int
    day: int
    result: str
    sampled_at: str


class PositivePayload(TypedDict):
    case: int
    #: How the case was found (``cases.choices.Channel``): in centralised or home quarantine.
    channel: str


class ReleasedPayload(TypedDict):
    release: int
    eligible: bool
    overridden: bool
    justification: str
    #: The home grid the person goes to.
    to: str


class TransferredPayload(TypedDict):
    from_site: int | None
    to_site: int
    room: str
    reason: str


class PlanDates(TypedDict):
    protocol: str
    planned_release_on: str
    planned_end_on: str


class RegimeChangedPayload(TypedDict):
    before: PlanDates
    after: PlanDates
    reason: str


class MovedHomePayload(TypedDict):
    from_grid: str
    to_grid: str
    address: str
    reason: str
    #: Only for a move to another county: the dispatch that hands the person over.
    dispatch: NotRequired[int]
    days_left: NotRequired[int]


class TakenBackPayload(TypedDict):
    dispatch: int


class NotPlacedPayload(TypedDict):
    #: Why nobody was placed: ``under_placement``, ``case``, ``placed_already``, ``regime_over``
    #: or ``no_regime``.
    reason: str
    #: When the dispatch was answered (ISO 8601).
    at: str


class LinkIssuedPayload(TypedDict):
    link: int
    expires_at: str


class LinkRevokedPayload(TypedDict):
    link: int


class AlertRaisedPayload(TypedDict):
    task: int
    #: The kind of work item (missed check, missed test, symptoms…).
    kind: str
    community: str


SITE_CREATED = declare(
    "quarantine.site_created", "a quarantine site registered", SiteCreatedPayload
)
PLACED = declare("quarantine.placed", "a person placed under a regime", PlacedPayload)
CHECKED = declare("quarantine.checked", "a day's health check recorded", CheckedPayload)
RESULT_RECORDED = declare(
    "quarantine.result_recorded", "a scheduled test's result", ResultRecordedPayload
)
POSITIVE = declare(
    "quarantine.positive", "a person in quarantine tested positive (now a case)", PositivePayload
)
RELEASED = declare(
    "quarantine.released", "released from a site to home monitoring", ReleasedPayload
)
TRANSFERRED = declare("quarantine.transferred", "moved to another site or room", TransferredPayload)
REGIME_CHANGED = declare(
    "quarantine.regime_changed",
    "a placement moved to a new protocol's regime",
    RegimeChangedPayload,
)
COMPLETED = declare("quarantine.completed", "monitoring completed")
MOVED_HOME = declare(
    "quarantine.moved_home", "moved home to another grid during monitoring", MovedHomePayload
)
TAKEN_BACK = declare(
    "quarantine.taken_back", "a handed-over person monitored here again", TakenBackPayload
)
NOT_PLACED = declare(
    "quarantine.not_placed",
    "a dispatch answered controlled placed nobody, and why (on the dispatch)",
    NotPlacedPayload,
)
ALERT_RAISED = declare(
    "quarantine.alert_raised", "an alert of a missed check or test raised", AlertRaisedPayload
)
SELF_REPORT_LINK_ISSUED = declare(
    "quarantine.self_report_link_issued",
    "a person at home given a link to report their own checks",
    LinkIssuedPayload,
)
SELF_REPORT_LINK_REVOKED = declare(
    "quarantine.self_report_link_revoked", "a self-report link withdrawn", LinkRevokedPayload
)

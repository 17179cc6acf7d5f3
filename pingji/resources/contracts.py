"""What the resources domain tells the others: its event kinds and their payloads.

Every stock movement of a store (received, issued, transferred, written off as expired) is an event
on the store, alongside the ``Movement`` rows and the reserve read model written in the same
transaction (decision 0025); the plain registers (stores, facilities, workforce) record their
saved fields, as text, through ``actions.registers.save_row``.

Other apps call into resources through ``actions.registers.save_row`` (preparedness' registers,
which declare their own ``*_saved`` kinds), ``reserves.reserve_rows`` (preparedness' readiness) and
the demo through ``actions.stock`` and ``actions.registers``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class ReceivedPayload(TypedDict):
    item: str
    lot: str
    quantity: int


class IssuedPayload(TypedDict):
    item: str
    quantity: int
    #: Only for past issues recorded in one go: how many rows.
    rows: NotRequired[int]


class TransferredPayload(TypedDict):
    item: str
    quantity: int
    to_store: int


class ExpiredPayload(TypedDict):
    lots: list[str]


class StoreSavedPayload(TypedDict, total=False):
    jurisdiction: str
    name: str
    kind: str
    address: str


class FacilitySavedPayload(TypedDict, total=False):
    jurisdiction: str
    name: str
    kind: str
    general_beds: str
    icu_beds: str
    daily_capacity: str
    rooms: str
    active: str


class WorkforceSavedPayload(TypedDict, total=False):
    jurisdiction: str
    role: str
    headcount: str
    needed: str


RECEIVED = declare("resources.received", "a lot received into a store", ReceivedPayload)
ISSUED = declare("resources.issued", "supplies issued from a store", IssuedPayload)
TRANSFERRED = declare(
    "resources.transferred", "supplies transferred to another store", TransferredPayload
)
EXPIRED = declare("resources.expired", "expired lots written off", ExpiredPayload)
STORE_SAVED = declare("resources.store_saved", "a store registered or changed", StoreSavedPayload)
FACILITY_SAVED = declare(
    "resources.facility_saved", "a facility's capacity registered or changed", FacilitySavedPayload
)
WORKFORCE_SAVED = declare(
    "resources.workforce_saved", "a workforce line registered or changed", WorkforceSavedPayload
)

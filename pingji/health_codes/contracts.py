"""What the health-code exchange tells the others: its event kinds and their payloads.

``PUSH_RECEIVED`` is written once per list received (never for the same content twice), in the
receiving jurisdiction, with the rows it held by outcome; ``ROW_DECIDED`` when an epidemiologist
accepts or dismisses a proposed row. Other apps call nothing here.
"""

from typing import TypedDict

from pingji.core.events import declare


class PushReceivedPayload(TypedDict):
    push: int
    kind: str
    rows: int
    counts: dict[str, int]


class RowDecidedPayload(TypedDict):
    row: int
    push: int
    outcome: str


PUSH_RECEIVED = declare(
    "health_codes.push_received",
    "A list from the big-data bureau was received and each of its rows given an outcome.",
    PushReceivedPayload,
)
ROW_DECIDED = declare(
    "health_codes.row_decided",
    "A proposed row of a pushed list was accepted for placement or dismissed.",
    RowDecidedPayload,
)

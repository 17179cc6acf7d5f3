"""What the field app tells the others: the one event kind it records of its own.

Every other record made on a phone is replayed through its domain's action and records that
domain's event (``quarantine.checked``, ``tasks.submitted``); only the reminder to get tested,
for which no domain had an action, is the field app's (``actions.reminders``).
"""

from typing import TypedDict

from pingji.core.events import declare


class TestRemindedPayload(TypedDict):
    round: int
    outcome: str


TEST_REMINDED = declare(
    "field.test_reminded",
    "A grid worker reminded a resident not yet sampled in a round to get tested (or found "
    "nobody at home); dated when it happened at the door.",
    TestRemindedPayload,
)

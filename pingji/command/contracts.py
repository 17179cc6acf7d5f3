"""What the command domain tells the others: its event kinds and their payloads.

A jurisdiction switching between peacetime and emergency (平急转换) and a headquarters meeting
are facts every level above reads on its timeline; the outbreak review lists both one by one.

Other apps call into command through ``actions.modes.do_switch_mode`` (preparedness: an early
warning switches its county) and ``modes.mode_for`` (the mode banner); the demo through
``actions.meetings.do_record_meeting``.
"""

from typing import TypedDict

from pingji.core.events import declare


class PreviousMode(TypedDict):
    mode: str
    level: str
    inherited_from: str | None


class ModeSwitchedPayload(TypedDict):
    mode: str
    level: str
    reason: str
    effective_at: str
    previous: PreviousMode


class MeetingHeldPayload(TypedDict):
    held_at: str
    attendees: int


MODE_SWITCHED = declare(
    "command.mode_switched", "a jurisdiction switched mode or response level", ModeSwitchedPayload
)
MEETING_HELD = declare(
    "command.meeting_held", "a headquarters meeting recorded (dated when held)", MeetingHeldPayload
)

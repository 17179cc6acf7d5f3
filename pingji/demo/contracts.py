"""What the demo tells the others: the one event kind it records itself.

``demo.ready`` closes a completed load of the demo province, so that a later ``pingji demo`` finds
it and reuses the database instead of loading again (``province.prepare``). Its payload is the
load's summary, printed and compared on reuse. Every other event of the replay is a domain's own
kind, declared by that domain.
"""

from typing import Any, TypedDict

from pingji.core.events import declare


class ReadyPayload(TypedDict):
    scale: float
    seed: int
    communities: int
    grids: int
    places: int
    households: int
    persons: int
    users: int
    #: Accounts below the county, where the outbreak was (``accounts.create_local_users``).
    local_users: int
    #: Each replay step's figures, by app (``replay.STEPS``).
    replay: dict[str, Any]


READY = declare("demo.ready", "the demo province loaded completely", ReadyPayload)

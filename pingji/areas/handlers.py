"""What areas keep of protocols is forgotten when a protocol changes.

The level orders (``levels``) and lifting steps (``evaluation``) read from a protocol are kept in
memory, since every area on a map asks for them. An amendment or a reload of the national editions
changes what they hold, so the action's event clears them — after its commit, so that no request
reads the old rules back in between.
"""

from django.db import transaction

from pingji.core.events import subscribe
from pingji.protocols.contracts import NATIONAL_LOADED, PROTOCOL_AMENDED

from .evaluation import forget_step_rules
from .levels import forget_orders


def forget_protocols() -> None:
    forget_orders()
    forget_step_rules()


@subscribe(PROTOCOL_AMENDED, NATIONAL_LOADED)
def on_protocol_changed(event) -> None:
    transaction.on_commit(forget_protocols)

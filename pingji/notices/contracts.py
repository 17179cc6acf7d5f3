"""What the notices app tells the others: its event kinds and their payloads.

Notices hears the domains' decisions (decision 0043: ``areas.published``,
``quarantine.released``/``taken_back``, ``tracing.dispatched``/``dispatch_returned``,
``reopening.resumed``/``paused``) and issues, supersedes or revokes the documents they produce in
the same transaction. ``ISSUED`` is recorded once per block issued from one decision (a sealed
area's thousands of household notices are one event); ``REVOKED`` once per notice revoked by
hand (a revocation by a later decision is kept on the notice with that decision's event).

Other apps may read ``models.Notice`` (messaging: a message may carry a notice's verification
link, ``verification.absolute_url``); nothing calls into notices' actions but its own views, API
and CLI.
"""

from typing import TypedDict

from pingji.core.events import declare


class IssuedPayload(TypedDict):
    kind: str
    count: int
    #: The decision row the notices were issued from (``app_label.model`` and its id).
    source_type: str
    source_id: str


class RevokedPayload(TypedDict):
    number: str
    reason: str


ISSUED = declare("notices.issued", "numbered notices issued from a decision", IssuedPayload)
REVOKED = declare("notices.revoked", "a notice revoked by hand", RevokedPayload)

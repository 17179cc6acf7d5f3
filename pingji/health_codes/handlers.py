"""Code instructions from the domains' events (registered in ``apps.HealthCodesConfig.ready``).

A placement, a release to home monitoring, the end of monitoring, a case reported and a case voided
each imply a code colour by the protocol in force (``colours``); the instruction is written in the
event's own transaction, so a step rolled back leaves no instruction behind, and its cause key makes
a second delivery of the same cause write nothing. The handler takes a bulk path's events at once
(``subscribe(batch=True)``): their subjects are read in one query per kind and their instructions
numbered and written together.
"""

from pingji.cases.contracts import REPORTED, VOIDED
from pingji.core.events import subscribe
from pingji.quarantine.contracts import COMPLETED, PLACED, RELEASED

from .actions.instructions import issue
from .colours import causes


@subscribe(PLACED, RELEASED, COMPLETED, REPORTED, VOIDED, batch=True)
def on_causes(events) -> None:
    issue(causes(events))

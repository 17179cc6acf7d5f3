"""What the testing domain tells the others: its event kinds and their payloads.

Mass testing runs in campaigns of rounds; each round's opening (with the protocol it runs under),
each sampling or results file applied or refused, each positive tube and each single-tube retest
is an event on its own object. The situation room counts rounds opened and positive tubes.

Other apps call into testing through ``evidence.resident_screens``/``evidence.Ask`` (areas: the
screening evidence of an area) and ``evidence.samples_resulted`` (resources: lab load); the demo
through ``actions`` and ``store``.
"""

from typing import TypedDict

from pingji.core.events import declare


class RoundOpenedPayload(TypedDict):
    protocol: str
    deadline: str


class UploadAppliedPayload(TypedDict):
    rows: int
    #: The barcodes of the positive tubes.
    positive_tubes: list[str]


class TubePositivePayload(TypedDict):
    round: int


class RetestPayload(TypedDict):
    result: str


CAMPAIGN_CREATED = declare("testing.campaign_created", "a testing campaign created")
ROUND_OPENED = declare("testing.round_opened", "a round of mass testing opened", RoundOpenedPayload)
POINT_ADDED = declare("testing.point_added", "a sampling point added")
UPLOAD_REFUSED = declare("testing.upload_refused", "a sampling or results file refused")
UPLOAD_APPLIED = declare(
    "testing.upload_applied", "a sampling or results file applied", UploadAppliedPayload
)
TUBE_POSITIVE = declare("testing.tube_positive", "a tube tested positive", TubePositivePayload)
RETEST_RECORDED = declare(
    "testing.retest_recorded", "a single-tube retest of a pooled positive", RetestPayload
)
ROUND_CLOSED = declare("testing.round_closed", "a round closed")

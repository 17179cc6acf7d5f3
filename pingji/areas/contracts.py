"""What the areas domain tells the others: its event kinds and their payloads.

Risk areas move by transitions that are proposed, decided and published (decision 0014); each step
is an event on the area, and the situation room counts areas designated, lifted and in force from
``PUBLISHED`` (its ``kind`` says which). Checkpoints record their set-up, their daily counts and
their stepwise lifting.

Society-wide measures (社会面管控措施) move the same way, by changes proposed with their evidence
frozen, approved and published with the list (docs/decisions/0047-society-wide-measures.md): each
step is an ``areas.measure_*`` event on the measure.

Other apps call into areas through ``areas.lookup.controls_at`` (reopening: is a place under
control) and ``areas.lookup.measures_at`` (reopening: does a measure in force close this kind of
establishment; the simulator: the settings in force), and the demo through ``actions``,
``checkpoints``, ``publishing``, ``evaluation.evaluate`` and ``extent``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class ProposedPayload(TypedDict):
    transition: int
    kind: str
    to_level: str
    #: Only on a change of a designated area (a designation is never an override).
    override: NotRequired[bool]
    justification: NotRequired[str]


class ApprovedPayload(TypedDict):
    transition: int
    override: bool
    note: str


class RejectedPayload(TypedDict):
    transition: int
    note: str


class PublishedPayload(TypedDict):
    transition: int
    #: designate, raise, step_down or lift (``TransitionKind``).
    kind: str
    from_level: str
    to_level: str
    override: bool


class ListPublishedPayload(TypedDict):
    transitions: list[int]
    #: The measure changes this list put in force (docs/decisions/0047).
    measure_changes: NotRequired[list[int]]


class MeasureProposedPayload(TypedDict):
    change: int
    #: designate, raise, step_down or lift (``MeasureChangeKind``).
    kind: str
    measure_kind: str
    to_setting: dict


class MeasureDecidedPayload(TypedDict):
    change: int
    note: str


class MeasurePublishedPayload(TypedDict):
    change: int
    kind: str
    measure_kind: str
    from_setting: dict
    to_setting: dict


class CheckpointCreatedPayload(TypedDict):
    areas: list[int]


class CheckpointDayPayload(TypedDict):
    day: str
    vehicles: int
    persons: int
    turned_back: int


class CheckpointStepPlannedPayload(TypedDict):
    step: int


class CheckpointChangedPayload(TypedDict):
    step: int
    before: str
    after: str


PROPOSED = declare(
    "areas.proposed",
    "a designation or a change of level proposed, with its evaluation frozen",
    ProposedPayload,
)
APPROVED = declare("areas.approved", "a proposed transition approved", ApprovedPayload)
REJECTED = declare("areas.rejected", "a proposed transition rejected", RejectedPayload)
PUBLISHED = declare(
    "areas.published", "an approved transition in force by publication", PublishedPayload
)
LIST_PUBLISHED = declare(
    "areas.list_published", "the list of areas in force published", ListPublishedPayload
)
CHECKPOINT_CREATED = declare(
    "areas.checkpoint_created", "a checkpoint set up", CheckpointCreatedPayload
)
CHECKPOINT_DAY_RECORDED = declare(
    "areas.checkpoint_day_recorded", "a checkpoint's daily counts", CheckpointDayPayload
)
CHECKPOINT_STEP_PLANNED = declare(
    "areas.checkpoint_step_planned",
    "a step of a checkpoint's lifting plan",
    CheckpointStepPlannedPayload,
)
CHECKPOINT_CHANGED = declare(
    "areas.checkpoint_changed", "a lifting step taken", CheckpointChangedPayload
)
MEASURE_PROPOSED = declare(
    "areas.measure_proposed",
    "a society-wide measure designated, changed or lifted: proposed, with its evidence frozen",
    MeasureProposedPayload,
)
MEASURE_APPROVED = declare(
    "areas.measure_approved", "a proposed change of a measure approved", MeasureDecidedPayload
)
MEASURE_REJECTED = declare(
    "areas.measure_rejected", "a proposed change of a measure rejected", MeasureDecidedPayload
)
MEASURE_PUBLISHED = declare(
    "areas.measure_published",
    "an approved change of a measure in force by publication",
    MeasurePublishedPayload,
)

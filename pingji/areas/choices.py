"""Vocabularies of risk areas, their transitions, daily evaluations and checkpoints.

Risk levels themselves are the protocol's keys (``protocols.choices.RiskLevel``: 封控/管控/防范 of
the 8th edition era, then high/medium/low): which of them exist on a day is read from the protocol
in force, never listed here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.protocols.choices import RiskLevel

__all__ = [
    "RiskLevel",
    "AreaStatus",
    "TransitionKind",
    "TransitionStatus",
    "Verdict",
    "CheckpointKind",
    "CheckpointStatus",
    "StepCondition",
    "MeasureKind",
    "MeasureStatus",
    "MeasureChangeKind",
    "SchoolMode",
    "TransportMode",
]


class AreaStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed, not yet in force")
    ACTIVE = "active", _("in force")
    LIFTED = "lifted", _("lifted")
    WITHDRAWN = "withdrawn", _("withdrawn before taking effect")


class TransitionKind(models.TextChoices):
    DESIGNATE = "designate", _("designation")
    RAISE = "raise", _("raised to a stricter level")
    STEP_DOWN = "step_down", _("stepped down")
    LIFT = "lift", _("lifted")


class TransitionStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("transition status", "proposed")
    APPROVED = "approved", _("approved, awaiting publication")
    REJECTED = "rejected", pgettext_lazy("transition status", "rejected")
    PUBLISHED = "published", _("published")


#: Transitions still on their way: they block another proposal for the same area.
PENDING = (TransitionStatus.PROPOSED, TransitionStatus.APPROVED)


class Verdict(models.TextChoices):
    """What the day's evaluation says of an area in force."""

    NOT_YET = "not_yet", _("not yet")
    ELIGIBLE = "eligible", _("eligible to step down or lift")
    HELD = "held", _("held past eligibility")
    NO_RULE = "no_rule", _("no lifting rule in the protocol in force")


class CheckpointKind(models.TextChoices):
    HIGHWAY_EXIT = "highway_exit", _("highway exit")
    PORT = "port", _("port")
    RAILWAY_STATION = "railway_station", _("railway station")
    AIRPORT = "airport", _("airport")
    BUS_STATION = "bus_station", _("bus station")
    ROAD = "road", _("road checkpoint")


class CheckpointStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RELAXED = "relaxed", _("relaxed")
    LIFTED = "lifted", _("lifted")


#: Checkpoint statuses from strictest to lifted: a plan only ever moves forward in this order.
#: Typed as strings because it is searched with the plain values read from rows and forms.
CHECKPOINT_ORDER: list[str] = [
    CheckpointStatus.ACTIVE,
    CheckpointStatus.RELAXED,
    CheckpointStatus.LIFTED,
]


class StepCondition(models.TextChoices):
    """When a step of a checkpoint's lifting plan may be taken."""

    NO_STRICTEST = "no_strictest", _("no area it serves is at the strictest level")
    ALL_LIFTED = "all_lifted", _("every area it serves is lifted")
    DATE = "date", _("on the planned date")


class MeasureKind(models.TextChoices):
    """The society-wide measures (社会面管控措施) the register holds, one setting schema each
    (``measure_settings``; docs/decisions/0047-society-wide-measures.md)."""

    VENUE_CLOSURE = "venue_closure", _("venue closures by kind")
    SCHOOL_MODE = "school_mode", _("school mode")
    GATHERINGS = "gatherings", _("gatherings")
    PUBLIC_TRANSPORT = "public_transport", _("public transport")
    WORKPLACE_ATTENDANCE = "workplace_attendance", _("workplace attendance")
    MASS_TESTING = "mass_testing", _("mass testing")
    EXIT_TEST = "exit_test", _("test to leave the city")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("measure status", "proposed, not yet in force")
    ACTIVE = "active", pgettext_lazy("measure status", "in force")
    LIFTED = "lifted", pgettext_lazy("measure status", "lifted")
    WITHDRAWN = "withdrawn", pgettext_lazy("measure status", "withdrawn before taking effect")


class MeasureChangeKind(models.TextChoices):
    """How a change moves a measure: in force, stricter, less strict, or gone."""

    DESIGNATE = "designate", pgettext_lazy("measure change", "designated")
    RAISE = "raise", pgettext_lazy("measure change", "made stricter")
    STEP_DOWN = "step_down", pgettext_lazy("measure change", "stepped down")
    LIFT = "lift", pgettext_lazy("measure change", "lifted")


class SchoolMode(models.TextChoices):
    """How schools teach, from open to shut (strictness grows down the list)."""

    IN_PERSON = "in_person", _("in person")
    STAGGERED = "staggered", _("staggered attendance")
    ONLINE = "online", _("online")
    CLOSED = "closed", pgettext_lazy("school mode", "closed")


class TransportMode(models.TextChoices):
    NORMAL = "normal", _("normal service")
    REDUCED = "reduced", _("reduced service")
    SUSPENDED = "suspended", _("suspended")

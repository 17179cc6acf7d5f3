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

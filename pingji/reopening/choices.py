from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.protocols.choices import EstablishmentKind as Kind
from pingji.tasks.choices import Department

__all__ = [
    "Kind",
    "SCHOOL_KINDS",
    "Sector",
    "Size",
    "OperatingState",
    "Status",
    "Affiliation",
    "ProblemCategory",
    "Department",
    "AlertStatus",
]

#: Kinds whose members are pupils as well as staff (grades, pupils back in class).
SCHOOL_KINDS = (Kind.SCHOOL, Kind.KINDERGARTEN)


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("manufacturing")
    CONSTRUCTION = "construction", _("construction")
    LOGISTICS = "logistics", _("transport and logistics")
    RETAIL = "retail", _("wholesale and retail")
    CATERING = "catering", _("accommodation and catering")
    EDUCATION = "education", _("education")
    SERVICES = "services", _("other services")
    AGRICULTURE = "agriculture", _("agriculture")


class Size(models.TextChoices):
    """Enterprise size classes as the statistics bureau names them (大中小微)."""

    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


class OperatingState(models.TextChoices):
    """What a survey return says about the establishment's work."""

    CLOSED = "closed", pgettext_lazy("operating state", "closed")
    PARTLY = "partly", _("partly working")
    WORKING = "working", _("working")


class Status(models.TextChoices):
    """Where an establishment stands in resumption (its status history records each move)."""

    OPEN = "open", _("open (not closed by the outbreak)")
    CLOSED = "closed", pgettext_lazy("establishment status", "closed")
    APPLIED = "applied", _("applied to resume")
    INSPECTED = "inspected", _("inspected")
    RESUMED = "resumed", _("resumed")
    PAUSED = "paused", _("paused")


#: Statuses counted as working in the progress view.
WORKING_STATUSES = (Status.OPEN, Status.RESUMED)


class Affiliation(models.TextChoices):
    STAFF = "staff", _("staff")
    PUPIL = "pupil", _("pupil")


class ProblemCategory(models.TextChoices):
    WORKERS_STUCK = "workers", _("workers stuck")
    GOODS_STUCK = "goods", _("goods stuck")
    PERMITS = "permits", _("permits")
    SUPPLIES = "supplies", _("prevention supplies")
    OTHER = "other", _("other")


#: The department that usually takes on each category of problem (the form proposes it).
DEFAULT_DEPARTMENT = {
    ProblemCategory.WORKERS_STUCK: Department.HUMAN_RESOURCES,
    ProblemCategory.GOODS_STUCK: Department.TRANSPORT,
    ProblemCategory.PERMITS: Department.MARKET_REGULATION,
    ProblemCategory.SUPPLIES: Department.INDUSTRY,
    ProblemCategory.OTHER: Department.EPIDEMIC_COMMAND,
}


class AlertStatus(models.TextChoices):
    PROPOSED = "proposed", _("pause proposed")
    PAUSED = "paused", _("paused")
    DISMISSED = "dismissed", _("dismissed")

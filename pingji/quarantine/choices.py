"""Quarantine vocabularies: sites, rooms, where a person is held, results, history entries.

The regime categories are the protocol's own (``protocols.choices.RegimeCategory``), so a
placement's category is the key its regime is read under (``rules.regime``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.protocols.choices import RegimeCategory

__all__ = [
    "RegimeCategory",
    "SiteKind",
    "SiteStatus",
    "Setting",
    "PlacementStatus",
    "TestStatus",
    "EntryKind",
    "Symptom",
    "HomePhase",
]


class SiteKind(models.TextChoices):
    HOTEL = "hotel", _("hotel")
    PURPOSE_BUILT = "purpose_built", _("purpose-built quarantine facility")
    DORMITORY = "dormitory", _("school or staff dormitory")
    OTHER = "other", _("other")


class SiteStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("site status", "open")
    STANDBY = "standby", _("on standby")
    CLOSED = "closed", _("closed")


class Setting(models.TextChoices):
    """Where the person is held now: at a site, or at home (quarantine or health monitoring)."""

    CENTRALISED = "centralised", _("centralised quarantine")
    HOME = "home", _("at home")


class HomePhase(models.TextChoices):
    """What the home phase is on a given day: the regime puts home quarantine before monitoring."""

    HOME_QUARANTINE = "home_quarantine", _("home quarantine")
    HOME_MONITORING = "home_monitoring", _("home health monitoring")


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    POSITIVE = "positive", _("tested positive")
    #: Moved home to another county: the episode goes on there, as that county's dispatch.
    TRANSFERRED = "transferred", _("handed over to another county")


class TestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")
    CANCELLED = "cancelled", _("cancelled")


#: Results a person can record for a test (pending and cancelled are the schedule's own states).
RESULTS = (TestStatus.NEGATIVE, TestStatus.POSITIVE)


class Symptom(models.TextChoices):
    """The symptoms daily monitoring asks about (8th edition: fever, cough, sore throat…)."""

    FEVER = "fever", _("fever")
    COUGH = "cough", _("cough")
    SORE_THROAT = "sore_throat", _("sore throat")
    FATIGUE = "fatigue", _("fatigue")
    LOSS_OF_SMELL = "loss_of_smell", _("loss of smell or taste")
    DIARRHOEA = "diarrhoea", _("diarrhoea")


class CheckSource(models.TextChoices):
    """Who recorded a day's check: a grid worker or site staff, or the person through their link."""

    STAFF = "staff", _("recorded by staff")
    SELF = "self", _("self-reported")


class EntryKind(models.TextChoices):
    """Steps of one person's continuous history through quarantine and monitoring."""

    PLACED = "placed", _("placed")
    TRANSFERRED = "transferred", _("transferred")
    REGIME_CHANGED = "regime_changed", _("regime changed")
    RELEASED = "released", _("released from centralised quarantine")
    MOVED = "moved", _("moved home")
    DISPATCHED = "dispatched", _("dispatched to another county")
    TAKEN_BACK = "taken_back", _("taken back: the county did not take them")
    POSITIVE = "positive", _("tested positive")
    COMPLETED = "completed", _("monitoring completed")

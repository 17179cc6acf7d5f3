"""Case vocabularies, as the 8th edition of the national protocol and the daily bulletins use them.

Classification and clinical severity follow the *Diagnosis and Treatment Protocol for COVID-19*
(trial 8th edition, revised April 2021): a confirmed case is one of mild, moderate ("common"),
severe or critical; an asymptomatic infection tests positive without symptoms; a suspected case
awaits laboratory confirmation. The discovery channels are the ones provincial bulletins of
2021–22 broke new infections down by; the first three mean the person was found while already
under control (管控中发现), the rest that they were found in the community (社会面发现).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed case")
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic infection")
    SUSPECTED = "suspected", _("suspected case")
    RULED_OUT = "ruled_out", _("ruled out")


#: Classifications that count as an infection (bulletins count confirmed + asymptomatic).
INFECTIONS = frozenset({Classification.CONFIRMED, Classification.ASYMPTOMATIC})

#: Where a classification may move on reclassification (8th edition, diagnosis section): a
#: suspected case is confirmed, found asymptomatic or ruled out; an asymptomatic infection that
#: develops symptoms becomes a confirmed case; a confirmed case stays confirmed (its severity may
#: change). Nothing moves back.
TRANSITIONS: dict[str, frozenset[str]] = {
    Classification.SUSPECTED: frozenset(
        {Classification.CONFIRMED, Classification.ASYMPTOMATIC, Classification.RULED_OUT}
    ),
    Classification.ASYMPTOMATIC: frozenset({Classification.CONFIRMED}),
    Classification.CONFIRMED: frozenset({Classification.CONFIRMED}),
    Classification.RULED_OUT: frozenset(),
}


class Severity(models.TextChoices):
    MILD = "mild", _("mild")
    MODERATE = "moderate", _("moderate")
    SEVERE = "severe", _("severe")
    CRITICAL = "critical", _("critical")


class Channel(models.TextChoices):
    CENTRALISED_QUARANTINE = "centralised_quarantine", _("centralised quarantine")
    HOME_QUARANTINE = "home_quarantine", _("home quarantine")
    CONTROLLED_AREA_SCREENING = "controlled_area_screening", _("sealed/controlled-area screening")
    COMMUNITY_SCREENING = "community_screening", _("community screening")
    FEVER_CLINIC = "fever_clinic", _("fever clinic")
    PROACTIVE_TESTING = "proactive_testing", _("proactive testing")


#: Channels that find a person already under control; every other channel is "in the community".
INSIDE_CONTROL = frozenset(
    {
        Channel.CENTRALISED_QUARANTINE,
        Channel.HOME_QUARANTINE,
        Channel.CONTROLLED_AREA_SCREENING,
    }
)


class Origin(models.TextChoices):
    LOCAL = "local", _("local")
    IMPORTED = "imported", _("imported")


class Outcome(models.TextChoices):
    UNDER_TREATMENT = "under_treatment", _("under treatment")
    RECOVERED = "recovered", _("recovered/discharged")
    DIED = "died", _("died")

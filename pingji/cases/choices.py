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
from django.utils.translation import pgettext_lazy


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
#: change), or — its diagnosis revised (订正), the symptoms found not to be the infection's — is
#: corrected to an asymptomatic infection. A ruled-out case moves nowhere.
TRANSITIONS: dict[str, frozenset[str]] = {
    Classification.SUSPECTED: frozenset(
        {Classification.CONFIRMED, Classification.ASYMPTOMATIC, Classification.RULED_OUT}
    ),
    Classification.ASYMPTOMATIC: frozenset({Classification.CONFIRMED}),
    Classification.CONFIRMED: frozenset({Classification.CONFIRMED, Classification.ASYMPTOMATIC}),
    Classification.RULED_OUT: frozenset(),
}


class ReclassificationReason(models.TextChoices):
    """Why an infection moved between confirmed and asymptomatic (either way needs one)."""

    SYMPTOMS_DEVELOPED = "symptoms_developed", _("symptoms developed")
    DIAGNOSIS_REVISED = "diagnosis_revised", _("diagnosis revised")
    OTHER = "other", _("other (say why)")


#: The moves that need a reason, and the reasons each accepts: asymptomatic → confirmed when the
#: infection develops symptoms (or its diagnosis is revised); confirmed → asymptomatic only as a
#: revised diagnosis (订正) — symptoms do not go away into "asymptomatic".
REASONED_MOVES: dict[tuple[str, str], frozenset[str]] = {
    (Classification.ASYMPTOMATIC, Classification.CONFIRMED): frozenset(
        ReclassificationReason.values
    ),
    (Classification.CONFIRMED, Classification.ASYMPTOMATIC): frozenset(
        {ReclassificationReason.DIAGNOSIS_REVISED, ReclassificationReason.OTHER}
    ),
}


class VoidReason(models.TextChoices):
    """Why a case reported in error is voided (核减), as the bulletins give it."""

    DUPLICATE = "duplicate", _("duplicate report")
    MISDIAGNOSIS = "misdiagnosis", _("misdiagnosis")
    NOT_LOCAL = "not_local", _("not a local case")
    OTHER = "other", _("other (say why)")


#: The longest free text a void or a reclassification keeps as its reason.
REASON_MAX_LENGTH = 500


class Severity(models.TextChoices):
    MILD = "mild", _("mild")
    MODERATE = "moderate", _("moderate")
    SEVERE = "severe", _("severe")
    CRITICAL = "critical", _("critical")


class Channel(models.TextChoices):
    """Where a case was found; the bulletins say 集中隔离中发现, not the measure 集中隔离."""

    CENTRALISED_QUARANTINE = (
        "centralised_quarantine",
        pgettext_lazy("discovery channel", "centralised quarantine"),
    )
    HOME_QUARANTINE = "home_quarantine", pgettext_lazy("discovery channel", "home quarantine")
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

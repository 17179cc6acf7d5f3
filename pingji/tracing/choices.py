"""Tracing vocabularies: investigation status, contact settings and sources, proposal status.

Contact tiers are the protocol's own (``protocols.choices.ContactTier``: close contact,
secondary contact, spatiotemporal companion), so a contact's tier is the key its look-back and
regime are read under. The settings are the ones investigation reports of 2021–22 grouped
contacts by (家庭、学校、工作场所、公共场所、交通工具、医疗机构).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.protocols.choices import ContactTier

__all__ = [
    "ContactTier",
    "InvestigationStatus",
    "Setting",
    "ContactSource",
    "ProposalStatus",
    "DispatchStatus",
    "DispatchOutcome",
    "LinkEvidence",
]


class InvestigationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("investigation status", "open")
    CORE_DONE = "core_done", _("core facts done")
    REPORTED = "reported", _("report done")


class Setting(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    SCHOOL = "school", _("school")
    WORKPLACE = "workplace", _("workplace")
    VENUE = "venue", _("public venue")
    TRANSPORT = "transport", _("transport")
    MEDICAL = "medical", _("medical facility")
    OTHER = "other", _("other")


class ContactSource(models.TextChoices):
    MANUAL = "manual", _("entered by the investigator")
    CHECKIN_SEARCH = "checkin_search", _("check-in search")
    HOUSEHOLD = "household", _("household")
    EXCHANGE = "exchange", _("received from a partner system")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


#: What the check-in search's tier rule (epi.overlap) proposes, in the protocol's vocabulary.
SEARCH_TIERS = {
    "close": ContactTier.CLOSE_CONTACT,
    "companion": ContactTier.SPATIOTEMPORAL_COMPANION,
}
#: Closest first: accepting a second stay of a person keeps the closer of the two tiers. Typed as
#: strings because it is searched with the plain values stored on rows.
TIER_RANK: list[str] = [
    ContactTier.CLOSE_CONTACT,
    ContactTier.SECONDARY_CONTACT,
    ContactTier.SPATIOTEMPORAL_COMPANION,
]


class DispatchStatus(models.TextChoices):
    """Where a dispatched person stands (协查): sent, seen by the receiving county, then an outcome.

    ``controlled`` (管控到位), ``unreachable`` (查无此人/失联) and ``returned`` (非本辖区人员,
    sent back with the reason) close a dispatch; ``located`` (已落地) is a step on the way to
    control. An out-of-province dispatch is ``exported`` once the sender has produced its file.
    """

    SENT = "sent", _("sent")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    LOCATED = "located", _("located")
    CONTROLLED = "controlled", _("controlled")
    UNREACHABLE = "unreachable", _("unreachable")
    RETURNED = "returned", _("returned: not our resident")
    EXPORTED = "exported", _("exported to the other province")


#: A dispatch in one of these states needs nothing more from the receiving county.
DISPATCH_CLOSED = frozenset(
    {
        DispatchStatus.CONTROLLED,
        DispatchStatus.UNREACHABLE,
        DispatchStatus.RETURNED,
        DispatchStatus.EXPORTED,
    }
)


class DispatchOutcome(models.TextChoices):
    """What the receiving county may record (``not_resident`` returns the dispatch)."""

    LOCATED = "located", _("located")
    CONTROLLED = "controlled", _("controlled")
    UNREACHABLE = "unreachable", _("unreachable")
    NOT_RESIDENT = "not_resident", _("not our resident")


class LinkEvidence(models.TextChoices):
    """Why an infection is attributed to an infector (strongest first)."""

    GENOMIC = "genomic", _("genomic sequencing")
    EPIDEMIOLOGICAL = "epidemiological", _("epidemiological investigation")
    CONTACT = "contact", _("recorded as a contact of the infector")
    PROBABLE = "probable", _("probable (shared place and time)")

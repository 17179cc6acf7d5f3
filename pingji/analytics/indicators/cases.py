"""Case indicators, counted the way the bulletins count them (docs/decisions/0006).

The payloads of ``cases.reported`` and ``cases.reclassified`` carry the counting facts
(``new_infection``, ``new_confirmed``, ``new_asymptomatic``), so an asymptomatic infection that is
later confirmed is one new infection on the day it was found and one new confirmed case on the day
it was reclassified, never a second infection. The discovery channel is read from the report
(bulletins break new infections down by it: found inside control vs in the community). Every
figure here is COVID-19's (``covid``): another disease's cases do not move the bulletin.

Corrections are counted on their own day and never look back, as the bulletins print them:

- a confirmed case revised to asymptomatic (订正) is a new asymptomatic infection on its day
  ("of which revised from confirmed", the mirror of "of which reclassified from asymptomatic")
  and takes one confirmed case out of the confirmed total (``revised_confirmed``);
- a case voided (核减) takes what it had added out of each total on the day of the void
  (``voided_*``: "核减 N 例" on that day's figures).

The daily "new" figures stay what was newly reported that day; the totals are the ``total_*``
flows (new, less revised and voided) summed over the period — the cumulative count of the
bulletins, which loses a voided case from its void day on while the days before keep theirs.
"""

from django.utils.translation import gettext_lazy as _

from pingji.cases.choices import INSIDE_CONTROL, Channel, Origin
from pingji.cases.contracts import OUTCOME_RECORDED as OUTCOME
from pingji.cases.contracts import RECLASSIFIED, REPORTED, VOIDED
from pingji.protocols.models import COVID_19

from .registry import ABSENT, Term, register, term

COMMUNITY = [c for c in Channel.values if c not in INSIDE_CONTROL]


def covid(kind: str, field: str | None = None, /, **where) -> Term:
    """A term over COVID-19's cases only: the bulletins' figures are one disease's (decision
    0041); events written before cases named a disease are COVID-19's."""
    return term(kind, field, disease=[COVID_19, ABSENT], **where)


register(
    "new_infection",
    _("new infections"),
    "cases",
    covid(REPORTED, "new_infection"),
    covid(RECLASSIFIED, "new_infection"),
    group="cases",
)
register(
    "new_confirmed",
    _("new confirmed cases"),
    "cases",
    covid(REPORTED, "new_confirmed"),
    covid(RECLASSIFIED, "new_confirmed"),
    group="cases",
)
register(
    "new_asymptomatic",
    _("new asymptomatic infections"),
    "cases",
    covid(REPORTED, "new_asymptomatic"),
    covid(RECLASSIFIED, "new_asymptomatic"),
    group="cases",
)
register(
    "reclassified_confirmed",
    _("of which reclassified from asymptomatic"),
    "cases",
    covid(RECLASSIFIED, "new_confirmed", reclassified_from=["asymptomatic"]),
    group="cases",
)
register(
    "reclassified_asymptomatic",
    _("of which revised from confirmed"),
    "cases",
    covid(RECLASSIFIED, "new_asymptomatic", reclassified_from=["confirmed"]),
    group="cases",
)
register(
    "revised_confirmed",
    _("confirmed cases revised to asymptomatic"),
    "cases",
    covid(RECLASSIFIED, "revised_confirmed"),
    group="cases",
)
register(
    "voided_infection",
    _("infections voided"),
    "cases",
    covid(VOIDED, "voided_infection"),
    group="cases",
)
register(
    "voided_confirmed",
    _("confirmed cases voided"),
    "cases",
    covid(VOIDED, "voided_confirmed"),
    group="cases",
)
register(
    "voided_asymptomatic",
    _("asymptomatic infections voided"),
    "cases",
    covid(VOIDED, "voided_asymptomatic"),
    group="cases",
)
#: What each day adds to the bulletins' cumulative totals: the day's new cases less those revised
#: and voided that day. Summed over a period it is the total since its first day, and a void on
#: day V lowers every total that runs to V or later, never one that ends before V.
register(
    "total_infection",
    _("infections added to the total"),
    "cases",
    covid(REPORTED, "new_infection"),
    covid(RECLASSIFIED, "new_infection"),
    covid(VOIDED, "voided_infection", sign=-1),
    group="totals",
)
register(
    "total_confirmed",
    _("confirmed cases added to the total"),
    "cases",
    covid(REPORTED, "new_confirmed"),
    covid(RECLASSIFIED, "new_confirmed"),
    covid(RECLASSIFIED, "revised_confirmed", sign=-1),
    covid(VOIDED, "voided_confirmed", sign=-1),
    group="totals",
)
register(
    "total_asymptomatic",
    _("asymptomatic infections added to the total"),
    "cases",
    covid(REPORTED, "new_asymptomatic"),
    covid(RECLASSIFIED, "new_asymptomatic"),
    covid(VOIDED, "voided_asymptomatic", sign=-1),
    group="totals",
)
register(
    "new_suspected",
    _("new suspected cases"),
    "cases",
    covid(REPORTED, classification=["suspected"]),
    group="cases",
)
#: The epidemic curve stacks infections by how they were first reported, so each counts once: an
#: asymptomatic infection later confirmed is one bar, not one on each day (the bulletins' "new
#: confirmed" counts it again on the day it was reclassified).
register(
    "reported_confirmed",
    _("infections reported as confirmed"),
    "cases",
    covid(REPORTED, "new_confirmed"),
    group="curve",
)
register(
    "reported_asymptomatic",
    _("infections reported as asymptomatic"),
    "cases",
    covid(REPORTED, "new_asymptomatic"),
    group="curve",
)
#: Rt counts local transmission only; an imported case seeds infectivity (Cori et al. 2013).
register(
    "new_local_infection",
    _("new local infections"),
    "cases",
    covid(REPORTED, "new_infection", origin=[Origin.LOCAL]),
    group="rt",
)
register(
    "new_imported_infection",
    _("new imported infections"),
    "cases",
    covid(REPORTED, "new_infection", origin=[Origin.IMPORTED]),
    group="rt",
)
register(
    "new_inside_control",
    _("found inside control"),
    "cases",
    covid(REPORTED, "new_infection", channel=INSIDE_CONTROL),
    group="channel",
)
register(
    "new_community",
    _("found in the community"),
    "cases",
    covid(REPORTED, "new_infection", channel=COMMUNITY),
    group="channel",
)
for _channel in Channel:
    register(
        f"new_via_{_channel.value}",
        _channel.label,
        "cases",
        covid(REPORTED, "new_infection", channel=[_channel.value]),
        group="by_channel",
    )
register("recovered", _("recovered/discharged"), "cases", covid(OUTCOME, "recovered"))
register("died", _("deaths"), "cases", covid(OUTCOME, "died"))
register(
    "under_treatment",
    _("infections under treatment"),
    "cases",
    covid(REPORTED, "new_infection"),
    covid(RECLASSIFIED, "new_infection"),
    covid(OUTCOME, "recovered", sign=-1),
    covid(OUTCOME, "died", sign=-1),
    covid(VOIDED, "left_treatment", sign=-1),
    stock=True,
)
#: The bulletins' "目前住院N例" (confirmed cases in hospital at 24:00): confirmed cases not yet
#: discharged or dead. An asymptomatic infection counts from its reclassification; one revised back
#: to asymptomatic or voided leaves the count then. Reclassification and outcome events carry no
#: origin, so imported confirmed cases count too (the bulletins give them apart).
register(
    "confirmed_in_hospital",
    _("confirmed cases in hospital"),
    "cases",
    covid(REPORTED, "new_confirmed"),
    covid(RECLASSIFIED, "new_confirmed"),
    covid(RECLASSIFIED, "revised_confirmed", sign=-1),
    covid(OUTCOME, "recovered", sign=-1, classification=["confirmed"]),
    covid(OUTCOME, "died", sign=-1, classification=["confirmed"]),
    covid(VOIDED, "left_treatment", sign=-1, classification=["confirmed"]),
    stock=True,
)

"""Case indicators, counted the way the bulletins count them (docs/decisions/0006).

The payloads of ``cases.reported`` and ``cases.reclassified`` carry the counting facts
(``new_infection``, ``new_confirmed``, ``new_asymptomatic``), so an asymptomatic infection that is
later confirmed is one new infection on the day it was found and one new confirmed case on the day
it was reclassified, never a second infection. The discovery channel is read from the report
(bulletins break new infections down by it: found inside control vs in the community).
"""

from django.utils.translation import gettext_lazy as _

from pingji.cases.choices import INSIDE_CONTROL, Channel, Origin
from pingji.cases.contracts import OUTCOME_RECORDED as OUTCOME
from pingji.cases.contracts import RECLASSIFIED, REPORTED

from .registry import register, term

COMMUNITY = [c for c in Channel.values if c not in INSIDE_CONTROL]

register(
    "new_infection",
    _("new infections"),
    "cases",
    term(REPORTED, "new_infection"),
    term(RECLASSIFIED, "new_infection"),
    group="cases",
)
register(
    "new_confirmed",
    _("new confirmed cases"),
    "cases",
    term(REPORTED, "new_confirmed"),
    term(RECLASSIFIED, "new_confirmed"),
    group="cases",
)
register(
    "new_asymptomatic",
    _("new asymptomatic infections"),
    "cases",
    term(REPORTED, "new_asymptomatic"),
    term(RECLASSIFIED, "new_asymptomatic"),
    group="cases",
)
register(
    "reclassified_confirmed",
    _("of which reclassified from asymptomatic"),
    "cases",
    term(RECLASSIFIED, "new_confirmed", reclassified_from=["asymptomatic"]),
    group="cases",
)
register(
    "new_suspected",
    _("new suspected cases"),
    "cases",
    term(REPORTED, classification=["suspected"]),
    group="cases",
)
#: Rt counts local transmission only; an imported case seeds infectivity (Cori et al. 2013).
register(
    "new_local_infection",
    _("new local infections"),
    "cases",
    term(REPORTED, "new_infection", origin=[Origin.LOCAL]),
    group="rt",
)
register(
    "new_imported_infection",
    _("new imported infections"),
    "cases",
    term(REPORTED, "new_infection", origin=[Origin.IMPORTED]),
    group="rt",
)
register(
    "new_inside_control",
    _("found inside control"),
    "cases",
    term(REPORTED, "new_infection", channel=INSIDE_CONTROL),
    group="channel",
)
register(
    "new_community",
    _("found in the community"),
    "cases",
    term(REPORTED, "new_infection", channel=COMMUNITY),
    group="channel",
)
for _channel in Channel:
    register(
        f"new_via_{_channel.value}",
        _channel.label,
        "cases",
        term(REPORTED, "new_infection", channel=[_channel.value]),
        group="by_channel",
    )
register("recovered", _("recovered/discharged"), "cases", term(OUTCOME, "recovered"))
register("died", _("deaths"), "cases", term(OUTCOME, "died"))
register(
    "under_treatment",
    _("infections under treatment"),
    "cases",
    term(REPORTED, "new_infection"),
    term(RECLASSIFIED, "new_infection"),
    term(OUTCOME, "recovered", sign=-1),
    term(OUTCOME, "died", sign=-1),
    stock=True,
)

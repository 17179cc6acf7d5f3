"""Quarantine indicators: placements, people in centralised quarantine and at home (levels).

A placement (``quarantine.placed``, ``setting`` centralised or home) is released from the site into
home monitoring (``quarantine.released``), then completed (``quarantine.completed``) or ends when
the person tests positive (``quarantine.positive``, also counted by cases as found inside control).
So: in centralised quarantine = placed there − released − positive there (a positive is taken
from the centralised level: most are found at the site); at home = placed at home + released −
completed; under control = placed − completed − positive. Each event is counted where the domain
records it (the site's area for a release), so the levels are exact for the area holding both.
"""

from django.utils.translation import gettext_lazy as _

from pingji.quarantine.contracts import CHECKED, COMPLETED, PLACED, POSITIVE, RELEASED

from .registry import register, term

register("quarantine_placed", _("people placed under quarantine"), "quarantine", term(PLACED))
register(
    "quarantine_released",
    _("released from the site into home monitoring"),
    "quarantine",
    term(RELEASED),
)
register(
    "in_centralised_quarantine",
    _("people in centralised quarantine"),
    "quarantine",
    term(PLACED, setting=["centralised"]),
    term(RELEASED, sign=-1),
    term(POSITIVE, sign=-1),
    stock=True,
)
register(
    "in_home_monitoring",
    _("people in home quarantine or monitoring"),
    "quarantine",
    term(PLACED, setting=["home"]),
    term(RELEASED),
    term(COMPLETED, sign=-1),
    stock=True,
)
register("quarantine_checks", _("health checks recorded"), "quarantine", term(CHECKED))
register("quarantine_positive", _("positives found in quarantine"), "quarantine", term(POSITIVE))

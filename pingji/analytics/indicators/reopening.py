"""Resumption: establishments closed or paused, applying, resumed, refused (``reopening.*``).

Closed for the outbreak = closed + paused − resumed, as a level (an establishment closes or is
paused by the outbreak and counts again once its resumption is approved).
"""

from django.utils.translation import gettext_lazy as _

from pingji.reopening.contracts import APPLIED, CLOSED, PAUSED, REFUSED, RESUMED

from .registry import register, term

register("reopening_closed", _("establishments closed"), "reopening", term(CLOSED))
register("reopening_paused", _("establishments paused"), "reopening", term(PAUSED))
register("reopening_applied", _("applications to resume"), "reopening", term(APPLIED))
register("reopening_resumed", _("establishments resumed"), "reopening", term(RESUMED))
register("reopening_refused", _("applications refused"), "reopening", term(REFUSED))
register(
    "reopening_shut",
    _("establishments closed and not yet resumed"),
    "reopening",
    term(CLOSED),
    term(PAUSED),
    term(RESUMED, sign=-1),
    stock=True,
)

"""Resumption: establishments closed or paused, applying, resumed, refused (``reopening.*``).

Closed for the outbreak = closed + paused − resumed, as a level (an establishment closes or is
paused by the outbreak and counts again once its resumption is approved).
"""

from django.utils.translation import gettext_lazy as _

from .registry import register, term

register("reopening_closed", _("establishments closed"), "reopening", term("reopening.closed"))
register("reopening_paused", _("establishments paused"), "reopening", term("reopening.paused"))
register("reopening_applied", _("applications to resume"), "reopening", term("reopening.applied"))
register("reopening_resumed", _("establishments resumed"), "reopening", term("reopening.resumed"))
register("reopening_refused", _("applications refused"), "reopening", term("reopening.refused"))
register(
    "reopening_shut",
    _("establishments closed and not yet resumed"),
    "reopening",
    term("reopening.closed"),
    term("reopening.paused"),
    term("reopening.resumed", sign=-1),
    stock=True,
)

"""Countdowns to an investigation's deadlines, as the list and detail pages show them."""

import datetime

from django.utils.translation import gettext as _

from pingji.core import clock


def duration(delta: datetime.timedelta) -> str:
    """Whole hours and minutes ("3 h 20 min"); days for long spans ("2 d 4 h")."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}


def countdown(due, done=None, now=None) -> tuple[str, str]:
    """(text, state) for a deadline; state is ``done``, ``late``, ``overdue``, ``due`` or ``""``."""
    if done is not None:
        if due is not None and done > due:
            return _("done, %(late)s late") % {"late": duration(done - due)}, "late"
        return _("done"), "done"
    if due is None:
        return _("no deadline"), ""
    left = due - (now or clock.now())
    if left.total_seconds() < 0:
        return _("overdue by %(t)s") % {"t": duration(left)}, "overdue"
    return _("due in %(t)s") % {"t": duration(left)}, "due"

"""A DHIS2 aggregate export of the daily indicators (``dataValueSets`` JSON).

Each stored daily indicator of the reader's area (``analytics.DailyIndicator``: the figures of
the situation room and the bulletins, non-zero values only) becomes one data value:
``dataElement`` the indicator's key (``new_confirmed`` …; a DHIS2 instance maps it to its own
data element UID in its import mapping), ``period`` the day as DHIS2 writes a daily period
(``YYYYMMDD``), ``orgUnit`` the jurisdiction's code (GB/T 2260 and its extensions, the code
DHIS2 org units of Chinese deployments carry as ``code``), ``value`` the number as text.
Drill sandboxes are left out (decision 0020); the reader sees only their own area.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.analytics.indicators.registry import indicators
from pingji.analytics.models import DailyIndicator
from pingji.geo.drills import real_only

#: The longest period one export covers.
MAX_DAYS = 92


def check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if (end - start).days >= MAX_DAYS:
        raise ValidationError({"end": _("At most %(n)s days at a time.") % {"n": MAX_DAYS}})


def data_value_set(
    user, start: datetime.date, end: datetime.date, *, within: str = "", keys=None
) -> dict:
    """The ``dataValueSets`` document of the period for ``user``'s area (``within`` narrows it)."""
    check_period(start, end)
    known = {i.key for i in indicators()}
    chosen = [k for k in (keys or known) if k in known]
    rows = DailyIndicator.objects.restrict(user).filter(
        day__gte=start, day__lte=end, key__in=chosen
    )
    if within:
        rows = rows.within(within)
    rows = real_only(rows, "jurisdiction__code").order_by("day", "jurisdiction_id", "key")
    values = [
        {
            "dataElement": key,
            "period": day.strftime("%Y%m%d"),
            "orgUnit": code,
            "value": str(value),
        }
        for key, day, code, value in rows.values_list("key", "day", "jurisdiction_id", "value")
    ]
    return {"dataValues": values}

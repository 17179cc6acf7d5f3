"""How long after diagnosis a case's report card must be filed (网络直报): the time limit in force.

The figure is protocol data (``data/reporting/time-limits.json``, with
its clause of 《传染病信息报告管理规范（2015年版）》): 2 hours for class A diseases and class B
diseases managed as class A, 24 hours for the other class B and class C
diseases. Which applies is decided by the management regime of the disease's
protocol version in force where and when the case was diagnosed (COVID-19 was
class B managed as class A until 2023-01-08), and, before any version took
effect, by the disease's class under the law. Code never holds the hours itself.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache

from pingji.core.actions import local_date

from .loading import DATA_DIR
from .models import Disease
from .rules import management
from .versions import NoProtocolInForce, protocol_for

TIME_LIMITS = DATA_DIR / "reporting" / "time-limits.json"


@dataclass(frozen=True)
class TimeLimit:
    hours: int
    regime: str
    clause: str

    @property
    def delta(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.hours)


@cache
def _limits() -> dict:
    return json.loads(TIME_LIMITS.read_text(encoding="utf-8"))["limits"]


def _regime(jurisdiction_code: str, disease: str, at: datetime.datetime) -> str:
    """The management regime in force, else the class the law lists the disease in."""
    try:
        found = management(protocol_for(jurisdiction_code, local_date(at), disease)).regime
    except NoProtocolInForce:
        found = ""
    if found:
        return found
    listed = Disease.objects.filter(code=disease).values_list("notifiable_class", flat=True)
    return {"A": "class_a", "B": "class_b"}.get(listed.first() or "", "class_c")


def time_limit(jurisdiction_code: str, disease: str, diagnosed_at: datetime.datetime) -> TimeLimit:
    """The time limit for a card of ``disease`` diagnosed at ``diagnosed_at`` in the area."""
    regime = _regime(jurisdiction_code, disease, diagnosed_at)
    limits = _limits()
    figure = limits.get(regime) or limits["class_c"]
    return TimeLimit(int(figure["hours"]), regime, figure["clause"])

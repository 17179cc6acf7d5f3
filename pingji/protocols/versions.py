"""Which protocol version is in force for a jurisdiction on a day, and why.

Each disease has its own line of versions (decision 0041). The candidates are the versions of the
disease for the jurisdiction itself, of each ancestor and the national ones
(code ""), that took effect on or before the day. The **latest effective date wins**; on the same
date the most specific area wins. So a province's amendment of the 8th edition applies in its
cities from its own date, and lapses when a later national version takes effect: the 9th
edition's roll-out required inconsistent local measures to be cleared within a deadline, and the
Class B end state of 2023-01-08 applied everywhere whatever a province had amended before. A
province that wants its own figures under the new edition copies that edition and amends it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.geo.models import Jurisdiction

from .models import COVID_19, Protocol, applicable_codes


class NoProtocolInForce(ObjectDoesNotExist):
    """No version had taken effect for the jurisdiction on that day."""


def _code(jurisdiction) -> str:
    return jurisdiction if isinstance(jurisdiction, str) else (jurisdiction.code or "")


def _day(on) -> datetime.date:
    if on is None:
        return clock.today()
    if isinstance(on, datetime.datetime):
        return timezone.localdate(on) if timezone.is_aware(on) else on.date()
    return on


def _candidates(code: str, disease: str):
    # Among the prefixes of one code, a longer code sorts after a shorter one, so "-code"
    # puts the most specific area first on a tie of dates.
    return Protocol.objects.filter(
        disease_id=disease, jurisdiction_code__in=applicable_codes(code)
    ).order_by("-effective_from", "-jurisdiction_code")


def in_force_among(versions, code: str, day: datetime.date) -> Protocol | None:
    """``protocol_for`` over versions already read (one disease's): for many areas and days
    with one query. The same precedence: latest date, then the most specific area."""
    areas = set(applicable_codes(code))
    fit = [p for p in versions if p.jurisdiction_code in areas and p.effective_from <= day]
    return max(fit, key=lambda p: (p.effective_from, p.jurisdiction_code), default=None)


def protocol_for(jurisdiction, on=None, disease: str | None = COVID_19) -> Protocol:
    """The version of ``disease`` in force for ``jurisdiction`` (a Jurisdiction or a code) on
    ``on`` (a date).

    Raises ``NoProtocolInForce`` before the disease's first version took effect.
    """
    day = _day(on)
    found = _candidates(_code(jurisdiction), disease or COVID_19)
    found = found.filter(effective_from__lte=day).first()
    if found is None:
        raise NoProtocolInForce(_("No protocol version is in force on %(day)s.") % {"day": day})
    return found


@dataclass(frozen=True)
class Candidate:
    protocol: Protocol
    status: str  # "in_force", "superseded" or "not_yet_effective"
    reason: str


@dataclass(frozen=True)
class Choice:
    """The answer to "which protocol applies to X on D", with every version considered."""

    jurisdiction_code: str
    on: datetime.date
    protocol: Protocol | None
    reason: str
    candidates: tuple[Candidate, ...]


def _area_names(rows) -> dict[str, str]:
    codes = {p.jurisdiction_code for p in rows if p.jurisdiction_code}
    names = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))
    return {"": _("national"), **{c: names.get(c, c) for c in codes}}


def explain(jurisdiction, on=None, disease: str = COVID_19) -> Choice:
    """Like ``protocol_for``, but says which version applies and what happened to the others."""
    code, day = _code(jurisdiction), _day(on)
    rows = list(_candidates(code, disease))
    area = _area_names(rows)
    chosen = next((p for p in rows if p.effective_from <= day), None)
    out = []
    for p in rows:
        if p.effective_from > day:
            reason = _("takes effect on %(date)s, after %(day)s") % {
                "date": p.effective_from,
                "day": day,
            }
            out.append(Candidate(p, "not_yet_effective", reason))
        elif chosen is None or p == chosen:  # None cannot happen: this p would be chosen
            out.append(Candidate(p, "in_force", _("in force")))
        else:
            reason = _("superseded on %(date)s by %(name)s (%(area)s)") % {
                "date": chosen.effective_from,
                "name": chosen.name,
                "area": area[chosen.jurisdiction_code],
            }
            out.append(Candidate(p, "superseded", reason))
    if chosen is None:
        reason = _("No version had taken effect for %(code)s on %(day)s.") % {
            "code": code or _("national"),
            "day": day,
        }
    else:
        reason = _(
            "%(name)s (%(area)s, effective %(date)s) is the latest version that had taken effect "
            "on %(day)s for this jurisdiction, its higher levels or the nation."
        ) % {
            "name": chosen.name,
            "area": area[chosen.jurisdiction_code],
            "date": chosen.effective_from,
            "day": day,
        }
    return Choice(code, day, chosen, reason, tuple(out))

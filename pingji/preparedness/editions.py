"""Which protocol version a drill runs under (decision 0020): the next outbreak's, by choice.

A county in peacetime practises for the next outbreak, whose rules are not the ones in force (the
Class B end state no longer traces or dispatches contacts). So a drill names the version it runs
under — by default the one in force for the county when it starts — and starting it binds that
version to the drill's sandboxes only, through protocols' own ``do_bind_drill_sandbox``: every
domain's ``protocol_for`` of a sandbox node then answers it, and the real counties keep theirs.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.protocols.actions.drills import do_bind_drill_sandbox, do_unbind_drill_sandboxes
from pingji.protocols.models import Protocol, applicable_codes
from pingji.protocols.rules import validate_rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .models import Drill


def _areas(drill: Drill) -> list[str]:
    """The areas whose versions apply to the county and, with one, the receiving county too: the
    same version is bound to both sandboxes, and a county's own version rules nothing in
    another's tree."""
    codes = applicable_codes(drill.jurisdiction_id or "")
    if drill.partner_id:
        partner = set(applicable_codes(drill.partner_id))
        codes = [c for c in codes if c in partner]
    return codes


def _refusal(drill: Drill, protocol: Protocol) -> str | None:
    """Why ``protocol`` cannot be drilled, or None: it applies, is published and valid."""
    names = {"name": protocol.name, "date": protocol.effective_from}
    if protocol.disease_id != drill.disease_id:
        return _("%(name)s is not a version of the drill's disease.") % names
    if protocol.jurisdiction_code not in _areas(drill):
        return _("%(name)s does not apply to the drill's county and receiving county.") % names
    if protocol.effective_from > clock.today():
        return _("%(name)s takes effect on %(date)s: choose a published version.") % names
    if validate_rules(protocol.rules):
        return _("%(name)s has invalid rules and cannot be drilled.") % names
    return None


def editions(drill: Drill) -> list[Protocol]:
    """The versions the drill can run under, latest first (for the page and the API's answer)."""
    rows = Protocol.objects.filter(
        disease_id=drill.disease_id, jurisdiction_code__in=_areas(drill)
    ).order_by("-effective_from", "-jurisdiction_code")
    return [p for p in rows if _refusal(drill, p) is None]


def check_edition(drill: Drill, protocol: Protocol | None) -> None:
    """Refuse a version the drill cannot run under (None: the one in force, decided at start)."""
    reason = _refusal(drill, protocol) if protocol is not None else None
    if reason:
        raise ValidationError({"protocol": reason})


def edition_at_start(drill: Drill, at: datetime.datetime) -> Protocol:
    """The chosen version, else the one in force for the county at the start; checked again, as
    it may have been amended since the drill was planned."""
    chosen = drill.protocol_id
    protocol = Protocol.objects.filter(pk=chosen).first() if chosen else None  # as saved now
    if protocol is None:
        try:
            protocol = protocol_for(drill.jurisdiction_id, at, drill.disease_id)
        except NoProtocolInForce as exc:
            raise ValidationError({"protocol": str(exc)}) from exc
    check_edition(drill, protocol)
    return protocol


def sandbox_codes(drill: Drill) -> list[str]:
    return [c for c in (drill.sandbox_code, drill.partner_sandbox_code) if c]


def bind_sandboxes(drill: Drill, protocol: Protocol, at: datetime.datetime, *, actor) -> None:
    """Bind the version to each sandbox from the drill's day (the real counties are untouched)."""
    for code in sandbox_codes(drill):
        do_bind_drill_sandbox(
            protocol, sandbox_code=code, effective_from=timezone.localdate(at), actor=actor
        )


def unbind_sandboxes(drill: Drill, *, actor) -> int:
    """Remove the bindings with the drill data (after the rows that worked under them)."""
    return do_unbind_drill_sandboxes(sandbox_codes(drill), actor=actor)

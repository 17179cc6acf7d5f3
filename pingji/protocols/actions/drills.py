"""Binding protocol versions to drill sandboxes, and removing them with the drill's data.

A county practises the next outbreak's rules in a sandbox (decision 0020): the drill that opened
the sandbox is the authority for its version, not ``add_protocol``, since the copy rules nothing
real. Events are recorded in the area right above the sandbox, so they outlive it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..contracts import DRILL_SANDBOX_BOUND, DRILL_SANDBOX_UNBOUND
from ..models import Protocol, applicable_codes
from .versions import check_free_date, check_rules, root_code, save_version


def _deciding_area(code: str) -> str:
    """The area right above ``code``: where a drill sandbox's binding is recorded, so the event
    outlives the sandbox (its own events go with it)."""
    return applicable_codes(code)[-2]


def do_bind_drill_sandbox(
    source: Protocol, *, sandbox_code: str, effective_from: datetime.date, actor
) -> Protocol:
    """Bind a version, unchanged, to a drill sandbox so every domain works under it there.

    A county practises the next outbreak's rules (decision 0020): the sandbox root gets its own
    copy of the chosen version, effective from the drill's day. On that day it is the latest
    version and the most specific area, so ``protocol_for`` of every sandbox node picks it, while
    the real jurisdiction above keeps its own. Only a flagged sandbox root can be bound — the copy
    rules nothing real — so the authority is the caller's right to run the drill, not
    ``add_protocol``: the receiving county's sandbox is bound by the drill that opened it.
    """
    sandbox = (
        Jurisdiction.objects.filter(code=sandbox_code, drill=True).select_related("parent").first()
    )
    if sandbox is None or sandbox.parent is None or sandbox.parent.drill:
        raise ValidationError({"jurisdiction_code": _("Only a drill sandbox's root can be bound.")})
    if source.jurisdiction_code not in applicable_codes(sandbox.parent.code):
        raise ValidationError(
            {"protocol": _("%(name)s does not apply above this sandbox.") % {"name": source.name}}
        )
    check_rules(source.rules)
    check_free_date(source.disease_id, sandbox_code, effective_from)
    with transaction.atomic():
        protocol = Protocol(
            disease_id=source.disease_id,
            code=f"{sandbox_code}-{root_code(source)}"[:40],
            name=(_("%(name)s (drill)") % {"name": source.name})[:200],
            jurisdiction_code=sandbox_code,
            effective_from=effective_from,
            source=source.source,
            based_on=source,
            rules=source.rules,
            notes=_("Bound to the drill sandbox %(code)s.") % {"code": sandbox_code},
        )
        save_version(protocol)
        record_event(
            DRILL_SANDBOX_BOUND,
            message(
                gettext_noop("%(name)s bound to the drill sandbox %(code)s from %(date)s"),
                {"name": source.name, "code": sandbox_code, "date": effective_from},
            ),
            jurisdiction_code=_deciding_area(sandbox_code),
            subject=protocol,
            payload={
                "sandbox": sandbox_code,
                "based_on": source.pk,
                "effective_from": effective_from.isoformat(),
            },
            actor=actor,
        )
    return protocol


def do_unbind_drill_sandboxes(codes: list[str], *, actor) -> int:
    """Delete the versions bound to drill sandboxes, once the drill data that used them are gone.

    Refused for a code that is a real jurisdiction's (only sandboxes are ever bound) and while a
    row still works under the binding (an investigation, a placement: drill data not yet removed).
    """
    codes = [c for c in codes if c]
    if Jurisdiction.objects.filter(code__in=codes, drill=False).exists():
        raise ValidationError(_("Only a drill sandbox's version can be unbound."))
    bound = list(Protocol.objects.filter(jurisdiction_code__in=codes, based_on__isnull=False))
    with transaction.atomic():
        for protocol in bound:
            try:
                with transaction.atomic():
                    protocol.delete()
            except ProtectedError as exc:
                raise ValidationError(
                    _("%(name)s is still used by the drill's data.") % {"name": protocol.name}
                ) from exc
            record_event(
                DRILL_SANDBOX_UNBOUND,
                message(
                    gettext_noop("%(name)s unbound from the drill sandbox %(code)s"),
                    {"name": protocol.name, "code": protocol.jurisdiction_code},
                ),
                jurisdiction_code=_deciding_area(protocol.jurisdiction_code),
                payload={"sandbox": protocol.jurisdiction_code, "based_on": protocol.based_on_id},
                actor=actor,
            )
    return len(bound)

"""Writes to the protocol versions of real areas: a copy for an area, its amendment, and the
national editions loaded from the files shipped with the platform.

Each runs in one transaction, re-checks the actor's scope after the write (a copy for an area
outside the actor's leaves nothing behind) and records a domain event, so the history of a
province's rules can be read as a list of decisions with their reasons (writes through actions,
docs/architecture.md). The checks every version write shares live here too; ``drills`` uses them
for the versions bound to drill sandboxes.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..contracts import NATIONAL_LOADED, PROTOCOL_AMENDED, PROTOCOL_COPIED
from ..loading import load_national
from ..models import Disease, Protocol
from ..rules import diff_paths, validate_rules


def check_rules(rules) -> None:
    """Refuse rules that do not match the protocol schema: every domain reads its figures from
    them, so a wrong shape would fail later, far from the amendment that caused it."""
    errors = validate_rules(rules)
    if errors:
        raise ValidationError({"rules": [str(e) for e in errors]})


def check_free_date(
    disease: str | None, jurisdiction_code: str, effective_from, exclude_pk=None
) -> None:
    """One version per disease, area and day: two would leave "which one applies" undecided."""
    same_day = Protocol.objects.filter(
        disease_id=disease, jurisdiction_code=jurisdiction_code, effective_from=effective_from
    )
    clash = same_day.exclude(pk=exclude_pk).first()
    if clash is not None:
        message = _(
            "%(area)s already has a version taking effect on %(date)s (%(name)s): amend that one "
            "or choose another date."
        ) % {
            "area": jurisdiction_code or _("the nation"),
            "date": effective_from,
            "name": clash.name,
        }
        raise ValidationError({"effective_from": message})


def save_version(protocol: Protocol) -> None:
    """Save a validated version; a clash with a version saved meanwhile for the same area and day
    is reported as the field error ``check_free_date`` gives, not as a database error."""
    protocol.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            protocol.save()
    except IntegrityError as exc:  # a concurrent copy took the same area and day
        check_free_date(
            protocol.disease_id, protocol.jurisdiction_code, protocol.effective_from, protocol.pk
        )
        raise exc


def is_drill_binding(protocol: Protocol) -> bool:
    """Bound to a drill sandbox (decision 0020): the drill's start writes it, its removal
    deletes it, and nothing else changes it while the drill runs under it."""
    return Jurisdiction.objects.filter(code=protocol.jurisdiction_code, drill=True).exists()


def refuse_drill_binding(protocol: Protocol) -> None:
    """Refuse any change to a version bound to a drill sandbox, saying where it changes instead."""
    if is_drill_binding(protocol):
        raise ValidationError(
            _(
                "%(name)s is bound to a drill sandbox: it changes only with the drill, which "
                "binds it at the start and removes it with the drill's data."
            )
            % {"name": protocol.name}
        )


def root_code(protocol: Protocol) -> str:
    """The code of the edition a chain of copies started from: it names every copy of it."""
    while protocol.based_on is not None:
        protocol = protocol.based_on
    return protocol.code


def do_copy_protocol(
    source: Protocol,
    *,
    jurisdiction_code: str,
    effective_from: datetime.date,
    name: str,
    actor,
    notes: str = "",
) -> Protocol:
    """Copy a version for an area of the actor's (a province amending the national edition).

    The copy starts with the source's rules unchanged; ``do_amend_protocol`` then changes them.
    """
    if not Protocol.objects.restrict(actor, "view").filter(pk=source.pk).exists():
        raise PermissionDenied(_("This protocol is outside your jurisdiction."))
    target = Jurisdiction.objects.restrict(actor).filter(code=jurisdiction_code).first()
    if jurisdiction_code and target is None:
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    if target is not None and target.drill:
        raise ValidationError(
            {
                "jurisdiction_code": _(
                    "A drill sandbox works under the version its drill binds; choose a real area."
                )
            }
        )
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the new version a name.")})
    check_rules(source.rules)
    check_free_date(source.disease_id, jurisdiction_code, effective_from)
    with transaction.atomic():
        protocol = Protocol(
            disease_id=source.disease_id,
            code=f"{jurisdiction_code or 'cn'}-{effective_from:%Y%m%d}-{root_code(source)}"[:40],
            name=name.strip(),
            jurisdiction_code=jurisdiction_code,
            effective_from=effective_from,
            source=source.source,
            based_on=source,
            rules=source.rules,
            notes=notes,
        )
        save_version(protocol)
        ensure_allowed(actor, protocol, "add")
        record_event(
            PROTOCOL_COPIED,
            message(
                gettext_noop("Protocol %(name)s copied from %(source)s, effective %(date)s"),
                {"name": protocol.name, "source": source.name, "date": effective_from},
            ),
            jurisdiction_code=jurisdiction_code,
            subject=protocol,
            payload={"based_on": source.pk, "effective_from": effective_from.isoformat()},
            actor=actor,
        )
    return protocol


def do_amend_protocol(
    protocol: Protocol,
    *,
    actor,
    reason: str,
    rules: dict | None = None,
    notes: str | None = None,
    effective_from: datetime.date | None = None,
    name: str | None = None,
) -> Protocol:
    """Change a version's rules, notes, name or effective date, saying why.

    Only the given fields change; a version bound to a drill sandbox does not change at all.
    The event lists every JSON path of the rules that changed, so "what did the province amend"
    is answered without diffing the change log by hand.
    """
    refuse_drill_binding(protocol)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the protocol is amended.")})
    wanted = {"rules": rules, "notes": notes, "effective_from": effective_from, "name": name}
    changes = {k: v for k, v in wanted.items() if v is not None and v != getattr(protocol, k)}
    if not changes:
        raise ValidationError(_("The amendment changes nothing."))
    if name is not None and "name" in changes and not name.strip():
        raise ValidationError({"name": _("The name cannot be empty.")})
    if "rules" in changes:
        check_rules(changes["rules"])
    if "effective_from" in changes:
        check_free_date(
            protocol.disease_id, protocol.jurisdiction_code, changes["effective_from"], protocol.pk
        )
    paths = diff_paths(protocol.rules, changes["rules"]) if "rules" in changes else []
    try:
        with transaction.atomic():
            for field, value in changes.items():
                setattr(protocol, field, value)
            save_version(protocol)
            ensure_allowed(actor, protocol, "change")
            _record_amendment(protocol, reason, sorted(changes), paths, actor)
    except Exception:
        protocol.refresh_from_db()  # the caller's object goes back to what the database holds
        raise
    return protocol


def _record_amendment(protocol: Protocol, reason: str, fields, paths, actor) -> None:
    record_event(
        PROTOCOL_AMENDED,
        message(
            gettext_noop("Protocol %(name)s amended: %(reason)s"),
            {"name": protocol.name, "reason": reason},
        ),
        jurisdiction_code=protocol.jurisdiction_code,
        subject=protocol,
        payload={"reason": reason.strip(), "fields": fields, "rule_paths": paths},
        actor=actor,
    )


def do_load_national_protocols(*, update: bool = True, actor=None) -> dict[str, int]:
    """(Re)load the shipped national versions; one event when anything changed."""
    with transaction.atomic():
        counts = load_national(Protocol, Disease, update=update)
        if counts["created"] or counts["updated"]:
            record_event(
                NATIONAL_LOADED,
                message(
                    gettext_noop(
                        "National protocols loaded: %(created)s created, %(updated)s updated"
                    ),
                    counts,
                ),
                jurisdiction_code="",
                payload=counts,
                actor=actor,
            )
    return counts

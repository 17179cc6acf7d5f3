"""Which code colour a domain event implies, by the protocol in force, and from which clause.

The colours are data (``protocols`` rule packs, section ``health_code``); this module only names
which rule of the section each event kind reads (``RULE_OF``) and finds, for a batch of events,
the person and the protocol each one concerns, in one query per kind of subject — the same
function serves the handler (one event) and the feed builder (a day's events), so both give the
same instruction for the same cause.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from pingji.cases import contracts as cases
from pingji.protocols.models import Protocol
from pingji.protocols.rules import raw_section
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.quarantine import contracts as quarantine

#: Event kind -> the rule of the ``health_code`` section it reads (PLACED by where: see ``_rule``).
RULE_OF = {
    quarantine.PLACED: "placed_",
    quarantine.RELEASED: "released",
    quarantine.COMPLETED: "completed",
    cases.REPORTED: "case",
    cases.VOIDED: "case_voided",
}
QUARANTINE_KINDS = (quarantine.PLACED, quarantine.RELEASED, quarantine.COMPLETED)
CASE_KINDS = (cases.REPORTED, cases.VOIDED)


@dataclass(frozen=True)
class Cause:
    """What an event asks of the code system: whose code, which colour, by which clause."""

    key: str
    kind: str
    person: int
    colour: str
    protocol: str
    clause: str
    at: datetime.datetime


def _rule(kind: str, payload: dict) -> str:
    if kind == quarantine.PLACED:
        return "placed_home" if payload.get("setting") == "home" else "placed_centralised"
    return RULE_OF[kind]


def colour_of(protocol: Protocol, rule: str) -> tuple[str, str] | None:
    """(colour, clause with the version) or None where the protocol gives codes no more.

    Read from the protocol row each time (no cache to clear when a protocol is amended)."""
    section = raw_section(protocol, "health_code")
    colour = section.get(rule) if section.get("applies") else None
    if not colour:
        return None
    return colour, f"{protocol}: {section.get('clause', '')}"[:300]


def cause_key(event) -> str:
    return f"{event.kind}:{event.content_type_id}:{event.object_id}"


def causes(events: Iterable) -> list[Cause]:
    """The instructions a batch of events implies (events the rules give none are left out)."""
    events = list(events)
    subjects = _placements([e for e in events if e.kind in QUARANTINE_KINDS])
    subjects |= _cases([e for e in events if e.kind in CASE_KINDS])
    found = []
    for event in events:
        person_protocol = subjects.get((event.kind in CASE_KINDS, event.object_id))
        if person_protocol is None:
            continue
        person, protocol = person_protocol
        rule = _rule(event.kind, event.payload or {})
        ruled = colour_of(protocol, rule)
        if ruled is not None:
            key = cause_key(event)
            found.append(
                Cause(key, event.kind, person, ruled[0], protocol.code, ruled[1], event.time)
            )
    return found


def _chunked(ids: list[int]):
    for start in range(0, len(ids), 5000):
        yield ids[start : start + 5000]


def _placements(events: list) -> dict:
    from pingji.quarantine.models import Placement

    ids = sorted({int(e.object_id) for e in events})
    protocols: dict[int, Protocol] = {}
    out = {}
    for chunk in _chunked(ids):
        rows = Placement.objects.filter(pk__in=chunk).values_list("pk", "person_id", "protocol_id")
        for pk, person, protocol_id in rows:
            if protocol_id not in protocols:
                protocols[protocol_id] = Protocol.objects.get(pk=protocol_id)
            out[(False, str(pk))] = (person, protocols[protocol_id])
    return out


def _cases(events: list) -> dict:
    """Each case's person and the protocol in force where and when its event happened (one
    look-up per grid, day and disease, however many cases share them)."""
    from pingji.cases.models import Case

    ids = sorted({int(e.object_id) for e in events})
    times = {e.object_id: e.time for e in events}
    in_force: dict[tuple, Protocol | None] = {}
    out = {}
    for chunk in _chunked(ids):
        rows = Case.objects.filter(pk__in=chunk)
        for pk, person, code, disease in rows.values_list(
            "pk", "person_id", "jurisdiction_id", "disease_id"
        ):
            key = (code, times[str(pk)].date(), disease)
            if key not in in_force:
                try:
                    in_force[key] = protocol_for(code, key[1], disease=disease)
                except NoProtocolInForce:
                    in_force[key] = None
            if in_force[key] is not None:
                out[(True, str(pk))] = (person, in_force[key])
    return out

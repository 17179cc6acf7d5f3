"""What the protocols domain tells the others: its event kinds and their payloads.

A protocol version decides deadlines, quarantine regimes and risk levels everywhere below its
jurisdiction, so every change to one is recorded: a local copy of a version, an amendment (with
the reason and the rule paths touched), a reload of the national versions shipped with the
platform, and a drill sandbox bound to or released from a version (recorded in the area above the
sandbox, so the record outlives it).

Most apps read protocols through ``rules`` and ``versions.protocol_for`` (with
``versions.NoProtocolInForce``); preparedness calls ``actions.drills.do_bind_drill_sandbox``,
``actions.drills.do_unbind_drill_sandboxes`` and ``rules.validate_rules``.
"""

from typing import TypedDict

from pingji.core.events import declare


class CopiedPayload(TypedDict):
    based_on: int
    effective_from: str


class AmendedPayload(TypedDict):
    reason: str
    fields: list[str]
    rule_paths: list[str]


class NationalLoadedPayload(TypedDict):
    created: int
    updated: int
    unchanged: int


class SandboxBoundPayload(TypedDict):
    sandbox: str
    based_on: int
    effective_from: str


class SandboxUnboundPayload(TypedDict):
    sandbox: str
    based_on: int | None


PROTOCOL_COPIED = declare(
    "protocols.protocol_copied", "a protocol version copied for a jurisdiction", CopiedPayload
)
PROTOCOL_AMENDED = declare(
    "protocols.protocol_amended", "a protocol version amended, with why", AmendedPayload
)
NATIONAL_LOADED = declare(
    "protocols.national_loaded", "the shipped national versions (re)loaded", NationalLoadedPayload
)
DRILL_SANDBOX_BOUND = declare(
    "protocols.drill_sandbox_bound", "a drill sandbox bound to a version", SandboxBoundPayload
)
DRILL_SANDBOX_UNBOUND = declare(
    "protocols.drill_sandbox_unbound",
    "a drill sandbox released from its version",
    SandboxUnboundPayload,
)

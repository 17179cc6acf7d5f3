"""The indicator registry: every figure of the situation room declared as sums over domain events.

An indicator never reads a domain's tables: it names the event kinds that move it and how much one
event of each kind moves it (docs/decisions/0022). That is what makes a past day recomputable (the
events are append-only), a province equal to the sum of its cities (the same events grouped by a
shorter code prefix) and the figures the same at every level. Each domain's indicators live in a
module of this package that registers them on import; a domain that writes no such event yet simply
shows zeros until it does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from pingji.core.events import payload_keys

#: How a payload key reads on an event written before the key existed (its value is SQL NULL).
ABSENT = "None"


@dataclass(frozen=True)
class Term:
    """How one event of ``kind`` moves an indicator.

    ``field``: the payload key whose (integer) value is added, or None to count the event as 1.
    ``where``: payload key → accepted string values (the event counts only if every key matches).
    ``sign``: -1 for events that lower a level (a release lowers the number in quarantine).
    """

    kind: str
    field: str | None = None
    where: tuple[tuple[str, frozenset[str]], ...] = ()
    sign: int = 1

    def matches(self, values: dict[str, str]) -> bool:
        return all(values.get(key) in accepted for key, accepted in self.where)


def term(
    event_kind: str, field: str | None = None, /, *, sign: int = 1, **where: Iterable[str]
) -> Term:
    """``term(cases.contracts.REPORTED, "new_infection", channel=INSIDE_CONTROL)``.

    The kind must be declared and ``field`` and the ``where`` keys must be keys of its payload
    (``core.events.declare``): an indicator reading a key its events do not carry would show zero
    for ever, so it is refused when the indicators are loaded instead.
    """
    required, optional = payload_keys(event_kind)
    keys = required | optional
    unknown = sorted(k for k in (field, *where) if k is not None and k not in keys)
    if unknown:
        raise ValueError(f"{event_kind} has no payload key {', '.join(unknown)}")
    frozen = tuple(sorted((k, frozenset(str(v) for v in vals)) for k, vals in where.items()))
    return Term(event_kind, field, frozen, sign)


@dataclass(frozen=True)
class Indicator:
    """A named figure: a daily flow (new cases) or, with ``stock``, a level (people in quarantine).

    A stock is the running sum of its signed flows from the first event ever, read at 24:00 of the
    day; a flow is the day's sum, and its cumulative total over a period is summed from the days.
    """

    key: str
    label: str | Promise
    domain: str
    terms: tuple[Term, ...]
    stock: bool = False
    group: str = ""
    order: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def kinds(self) -> set[str]:
        return {t.kind for t in self.terms}


REGISTRY: dict[str, Indicator] = {}


def register(
    key: str,
    label,
    domain: str,
    *terms: Term,
    stock: bool = False,
    group: str = "",
) -> Indicator:
    indicator = Indicator(key, label, domain, tuple(terms), stock, group, len(REGISTRY))
    REGISTRY[key] = indicator
    return indicator


def indicators(domain: str | None = None) -> list[Indicator]:
    """The registered indicators (of one domain), in declaration order."""
    load_all()
    return [i for i in REGISTRY.values() if domain is None or i.domain == domain]


def get(key: str) -> Indicator:
    load_all()
    return REGISTRY[key]


_loaded: list[bool] = []


def load_all() -> None:
    """Import every domain module of the package once (each registers its indicators)."""
    if _loaded:
        return
    _loaded.append(True)
    from . import (  # noqa: F401
        areas,
        cases,
        diseases,
        quarantine,
        reopening,
        resources,
        tasks,
        testing,
        tracing,
    )


Loader = Callable[[], None]

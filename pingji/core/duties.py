"""Duties: a step of one domain that obliges a step of another, allowed by a declared rule.

Recording a positive result in quarantine obliges reporting the case and opening its
investigation, whoever holds the result (a site's medical staff, a grid team) and whatever their
role otherwise allows; releasing a person into another county obliges handing them over there
(decision 0011). Such a duty is declared once, with the permissions it carries and why, and an
action performs it in a ``with performing(DUTY):`` block. While the block runs, ``DutyBackend``
(an authentication backend) grants exactly those permissions to the acting user: ``has_perm`` and
every ``restrict`` see them, everything stays scoped to the user's jurisdiction and written under
their name, and no user object is copied or patched.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Duty:
    name: str
    grants: frozenset[str]
    why: str


_declared: dict[str, Duty] = {}
_performing: ContextVar[tuple[Duty, ...]] = ContextVar("pingji_duties", default=())


def declare_duty(name: str, grants: set[str] | frozenset[str], why: str) -> Duty:
    """Register a duty (at import of the app that performs it); a name is declared once."""
    if name in _declared:
        raise ValueError(f"duty {name!r} is declared twice")
    duty = Duty(name, frozenset(grants), why)
    _declared[name] = duty
    return duty


def declared() -> dict[str, Duty]:
    return dict(_declared)


@contextmanager
def performing(duty: Duty) -> Iterator[None]:
    """Grant ``duty``'s permissions to whoever acts inside the block (this thread or task only)."""
    if _declared.get(duty.name) is not duty:
        raise ValueError(f"duty {duty.name!r} is not declared")
    token = _performing.set((*_performing.get(), duty))
    try:
        yield
    finally:
        _performing.reset(token)


class DutyBackend:
    """Grants the permissions of the duties being performed to an active, authenticated user."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not getattr(user_obj, "is_active", False) or not user_obj.is_authenticated:
            return False
        return any(perm in duty.grants for duty in _performing.get())

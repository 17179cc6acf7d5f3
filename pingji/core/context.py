"""Who is acting, and under which request id: carried in context variables.

The web middleware, the API and the CLI all set them, so the change log and the domain events know
the actor and can group every row written by one request.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("pingji_actor", default=None)
_request_id: ContextVar[str] = ContextVar("pingji_request_id", default="")


def current_actor() -> Any:
    return _actor.get()


def current_request_id() -> str:
    return _request_id.get()


def bind(user: Any, request_id: str | None = None) -> None:
    """Attribute what follows to ``user`` until the enclosing ``acting_as`` ends: for a caller
    that learns the actor inside a block it does not close (the API authenticates tokens inside
    the request's block, ``core.api.base``). The block's end restores the values from before it.
    """
    _actor.set(user)
    _request_id.set(request_id or uuid.uuid4().hex)


@contextmanager
def acting_as(user: Any, request_id: str | None = None) -> Iterator[str]:
    """Attribute every change made inside the block to ``user`` under one request id."""
    rid = request_id or uuid.uuid4().hex
    t1, t2 = _actor.set(user), _request_id.set(rid)
    try:
        yield rid
    finally:
        _actor.reset(t1)
        _request_id.reset(t2)

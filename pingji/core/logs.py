"""Logs an operator can follow: every record says which request (or job) and which user it is of.

``settings.LOGGING`` puts ``ContextFilter`` on the one handler (stderr), so every record that
reaches it — the platform's, Django's own ``django.request`` errors with their traceback, a
library's — carries ``request_id`` and ``user_id``, and ``path``, ``method``, ``job`` where they
apply. ``JsonFormatter`` writes one JSON object per line, which log collectors read without a
pattern; the embedded setup keeps a readable line (docs/decisions/0038).

The fields are ids, never personal data (``core.personal_data``): the user is their primary key,
not their name; the path is the URL's path, not its query string.
"""

import datetime
import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from .context import current_actor, current_request_id

#: The fields a block may bind with ``log_context``, beside the request id and the user.
CONTEXT_FIELDS = ("request_id", "client_request_id", "job", "method", "path")
#: A client's (or balancer's) ``X-Request-ID`` worth keeping: a plain token, no spaces, quotes
#: or line breaks, so it cannot forge a log line or a field.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")

_bound: ContextVar[Mapping[str, object]] = ContextVar(
    "pingji_log_context", default=MappingProxyType({})
)


def sane_request_id(value: str) -> str:
    """``value`` if it is a plain token a log may carry, else ``""``."""
    return value if SANE_REQUEST_ID.fullmatch(value) else ""


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Every record logged inside the block carries ``fields`` (``request_id=``, ``job=``…).

    Nested blocks add to the outer one's fields. A background job wraps its run in
    ``log_context(job=row.pk)`` so its records can be told from a request's.
    """
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise TypeError(f"log_context takes {', '.join(CONTEXT_FIELDS)}, not {sorted(unknown)}")
    kept = {name: value for name, value in fields.items() if value not in (None, "")}
    token = _bound.set({**_bound.get(), **kept})
    try:
        yield
    finally:
        _bound.reset(token)


class ContextFilter(logging.Filter):
    """Stamps each record with the request id, the user's id and the bound fields.

    The request id is the one ``log_context`` bound, else the change log's (``core.context``), so
    a command or a job that acts under ``acting_as`` logs under the id its writes carry.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        bound = _bound.get()
        for name in CONTEXT_FIELDS:
            if name in bound:
                setattr(record, name, bound[name])
        record.request_id = bound.get("request_id") or current_request_id() or None
        record.user_id = getattr(current_actor(), "pk", None)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields, and the
    traceback (``exc``) of a record logged with one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for name in CONTEXT_FIELDS[1:]:
            if getattr(record, name, None) not in (None, ""):
                entry[name] = getattr(record, name)
        if getattr(record, "status_code", None) is not None:  # django.request's responses
            entry["status"] = record.status_code  # type: ignore[attr-defined]
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The embedded setup's line: readable in a terminal, with the same ids."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
        )

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "user_id"):
            if getattr(record, name, None) is None:
                setattr(record, name, "-")
        return super().format(record)

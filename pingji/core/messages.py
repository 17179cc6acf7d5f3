"""Text kept untranslated and translated when read: a timeline in its reader's language.

An event's summary is written once, in whatever language the writer's request spoke, and read for
months by people who may have chosen the other one: a Chinese commander opening a case that an
English-speaking analyst reclassified would read English. So what an action says about an event
is kept as a ``Message``, the English msgid with its parameters, and translated each time it is
shown (``DomainEvent.text``). The text in the writer's language is still stored as the summary:
the API and the search read it, and it is what an event written before messages existed shows.

A parameter that is itself words (a choice's label, a nested message, a list of either) is kept
as its msgid too, so "released" reads 已解除隔离 inside a Chinese sentence; a name, a number or
a date is kept as written. Mark the msgid with ``gettext_noop`` so that ``makemessages`` finds it::

    record_on(case, VOIDED, message(N_("%(case)s voided: %(reason)s"),
                                    {"case": case, "reason": VoidReason(case.void_reason).label}))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext


@dataclass(frozen=True)
class Message:
    """A msgid (with its context) and the parameters it is formatted with, not yet translated.

    ``str()`` gives it in the active language, so a caller that needs text now still has it.
    """

    msgid: str
    params: Mapping[str, Any] | None = None
    context: str = ""
    stored: dict = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        kept: dict[str, Any] = {"id": self.msgid}
        if self.context:
            kept["context"] = self.context
        if self.params is not None:
            kept["params"] = {k: _storable(v) for k, v in self.params.items()}
        object.__setattr__(self, "stored", kept)

    def __str__(self) -> str:
        return render(self.stored)


def message(msgid: str, params: Mapping[str, Any] | None = None, *, context: str = "") -> Message:
    """``msgid % params`` to be translated when read; ``params`` None: the msgid is the text."""
    return Message(msgid, params, context)


def _lazy_msgid(value: Promise) -> dict | None:
    """The msgid (and context) of a ``gettext_lazy``/``pgettext_lazy`` label, read from what the
    lazy object pickles as (its function and arguments); None for any other lazy value."""
    reduced: Any = value.__reduce__()
    _unpickle, (func, args, kwargs, *_types) = reduced
    if kwargs:
        return None
    if func is gettext and len(args) == 1:
        return {"id": args[0]}
    if func is pgettext and len(args) == 2:
        return {"id": args[1], "context": args[0]}
    return None


def _storable(value: Any) -> Any:
    """A parameter as JSON: words as their msgid (translated when read), numbers as they are,
    anything else (a name, a date, a model instance) as its text now."""
    if isinstance(value, Message):
        return {"message": value.stored}
    if isinstance(value, Promise):
        words = _lazy_msgid(value)
        return {"message": words} if words else str(value)
    if isinstance(value, list | tuple):
        return {"list": [_storable(v) for v in value]}
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def _shown(value: Any) -> Any:
    if isinstance(value, dict) and "message" in value:
        return render(value["message"])
    if isinstance(value, dict) and "list" in value:
        return pgettext("list separator", ", ").join(str(_shown(v)) for v in value["list"])
    return value


def render(stored: Mapping[str, Any], fallback: str = "") -> str:
    """A stored message in the active language; ``fallback`` if it cannot be formatted (a msgid
    whose placeholders no longer match the parameters kept with an old event)."""
    msgid = stored.get("id")
    if not isinstance(msgid, str):
        return fallback
    context = stored.get("context")
    text = pgettext(context, msgid) if context else gettext(msgid)
    params = stored.get("params")
    if params is None:
        return text
    try:
        return text % {k: _shown(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return fallback

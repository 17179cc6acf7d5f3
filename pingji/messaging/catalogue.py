"""The message templates: official texts as data, one entry per cause (decision 0043, point 9).

A template is data, not UI: its subject and body are the Chinese texts a person receives, with
named fields (``{person}``) filled from the message row. Each says its channels, whether it is a
legal notification (a quarantine or sealing order, its release, an approval: never opted out) or
information (reminders, area changes: honoured opt-outs), and the fields it needs. The fields are
stored on the message when it is queued, already masked (``addresses.mask_name``); a field that
must not be stored (a self-report link, whose token only a hash may keep) is a *send-time* field,
resolved by a hook when the message is handed to its gateway, never written to the row.

Rendering refuses a missing or an unknown field by name (``TemplateFieldError``), so a handler
that forgot a field fails in its test, not in a person's phone with a ``{due_on}`` in it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from .choices import Channel

#: A send-time field's resolver: the message row → the text (empty: the line is left out).
Resolver = Callable[[Any], str]


class TemplateFieldError(ValueError):
    """A template rendered with a field missing, or with one it does not declare."""


class UnknownTemplate(LookupError):
    """A template key nobody registered."""


@dataclass(frozen=True)
class Template:
    key: str
    channels: tuple[str, ...]
    #: A legal notification is never opted out; information honours opt-outs.
    legal: bool
    subject: str
    body: str
    #: The fields stored on the message when it is queued.
    fields: tuple[str, ...]
    #: Fields filled when the message is sent, by their resolver (message -> str).
    send_time_fields: Mapping[str, Resolver] = field(default_factory=dict)

    def placeholders(self) -> set[str]:
        """Every ``{name}`` its subject and body use."""
        names = set()
        for text in (self.subject, self.body):
            names |= {name for _lit, name, _spec, _conv in Formatter().parse(text) if name}
        return names

    def check(self, fields: Mapping[str, Any]) -> None:
        """Refuse fields that are missing or that this template does not declare."""
        missing = sorted(set(self.fields) - set(fields))
        unknown = sorted(set(fields) - set(self.fields))
        if missing or unknown:
            raise TemplateFieldError(
                f"template {self.key!r}: missing fields {missing}, unknown fields {unknown}"
            )

    def render(self, fields: Mapping[str, Any], extra: Mapping[str, str] | None = None):
        """(subject, body) with ``fields`` and the send-time ``extra``.

        A body line whose send-time field resolved to nothing is left out, so a release message
        without a self-report link reads whole instead of ending on an empty "link:".
        """
        self.check(fields)
        extra = dict(extra or {})
        unknown = sorted(set(extra) - set(self.send_time_fields))
        if unknown:
            raise TemplateFieldError(f"template {self.key!r}: unknown send-time fields {unknown}")
        values = {**{k: str(v) for k, v in fields.items()}, **extra}
        for name in self.send_time_fields:
            values.setdefault(name, "")
        lines = [
            line
            for line in self.body.split("\n")
            if not any(f"{{{name}}}" in line and not values[name] for name in self.send_time_fields)
        ]
        return self.subject.format_map(values), "\n".join(lines).format_map(values)


REGISTRY: dict[str, Template] = {}


def register(template: Template) -> Template:
    """Add a template; its placeholders must be exactly its declared fields (checked here, so a
    typo in a text fails at import, in every test run)."""
    declared = set(template.fields) | set(template.send_time_fields)
    used = template.placeholders()
    if used != declared:
        raise TemplateFieldError(
            f"template {template.key!r}: text uses {sorted(used)}, declares {sorted(declared)}"
        )
    if not template.channels or set(template.channels) - set(Channel.values):
        raise ValueError(f"template {template.key!r}: channels {template.channels!r}")
    if template.key in REGISTRY:
        raise ValueError(f"template {template.key!r} is registered twice")
    REGISTRY[template.key] = template
    return template


def get(key: str) -> Template:
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownTemplate(f"no message template {key!r}") from None

"""The registry of task kinds: the built-in ones, plus those each domain registers at start-up.

The ``kind`` column takes its choices from ``kind_choices`` (a callable, so the migration stores a
reference, not the list): a domain adds a kind without a migration of this app, by calling
``register_kind`` in its ``AppConfig.ready`` — e.g. ``register_kind("tracing.dispatch",
_("dispatch (协查)"))``. Values are namespaced by the registering app to avoid collisions.
"""

import re

from django.utils.functional import Promise

from .choices import TaskKind

#: The longest kind the column holds (``Task.kind`` max_length).
MAX_KIND_LENGTH = 30
_VALID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$")
_KINDS: dict[str, str | Promise] = dict(TaskKind.choices)


def register_kind(value: str, label: str | Promise) -> None:
    """Add a kind of work item; registering the same value twice keeps the first label."""
    if len(value) > MAX_KIND_LENGTH or not _VALID.match(value):
        raise ValueError(
            f"task kind {value!r} must be a lower-case slug, optionally 'app.kind', "
            f"of at most {MAX_KIND_LENGTH} characters"
        )
    _KINDS.setdefault(value, label)


def kind_choices() -> list[tuple[str, str | Promise]]:
    return list(_KINDS.items())


def kind_label(value: str) -> str | Promise:
    return _KINDS.get(value, value)

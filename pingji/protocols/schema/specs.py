"""The building blocks of the rules schema: one ``Spec`` per kind of JSON value.

Each ``check`` appends what is wrong to ``errors`` (with the JSON path) and goes on, so a whole
document is reported in one pass; ``rule`` is an object with the citation every rule carries.
"""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

#: Longest period any regime or window may name; guards against typos like 140 for 14.
MAX_DAYS = 60


@dataclass(frozen=True)
class RuleError:
    """One problem in a rules document: where it is and why it is wrong."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


Errors = list[RuleError]


class Spec(ABC):
    """The expected shape of one JSON value; ``check`` appends what is wrong to ``errors``."""

    @abstractmethod
    def check(self, value, path: str, errors: Errors) -> None: ...


class Int(Spec):
    def __init__(self, minimum: int = 0, maximum: int | None = None):
        self.minimum, self.maximum = minimum, maximum

    def check(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(RuleError(path, _("must be a whole number")))
        elif value < self.minimum:
            errors.append(RuleError(path, _("must be at least %(n)s") % {"n": self.minimum}))
        elif self.maximum is not None and value > self.maximum:
            errors.append(RuleError(path, _("must be at most %(n)s") % {"n": self.maximum}))


class Percent(Spec):
    """A percentage above 0 and at most 100 (e.g. the 0.1 % pooling threshold)."""

    def check(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors.append(RuleError(path, _("must be a number")))
        elif not 0 < value <= 100:
            errors.append(RuleError(path, _("must be above 0 and at most 100")))


class Num(Spec):
    """A number (whole or not) within ``[minimum, maximum]``: a mean, a share, an index."""

    def __init__(self, minimum: float, maximum: float):
        self.minimum, self.maximum = minimum, maximum

    def check(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            errors.append(RuleError(path, _("must be a number")))
        elif not self.minimum <= value <= self.maximum:
            reason = _("must be between %(low)s and %(high)s")
            errors.append(RuleError(path, reason % {"low": self.minimum, "high": self.maximum}))


class Date(Spec):
    """A day written YYYY-MM-DD."""

    def check(self, value, path, errors):
        try:
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(RuleError(path, _("must be a date (YYYY-MM-DD)")))


class Str(Spec):
    def __init__(self, required: bool = True):
        self.required = required

    def check(self, value, path, errors):
        if not isinstance(value, str):
            errors.append(RuleError(path, _("must be text")))
        elif self.required and not value.strip():
            errors.append(RuleError(path, _("must not be empty")))


class Nullable(Spec):
    """``null`` or a value of the wrapped kind (an open-ended population band, say)."""

    def __init__(self, inner: Spec):
        self.inner = inner

    def check(self, value, path, errors):
        if value is not None:
            self.inner.check(value, path, errors)


class Bool(Spec):
    def check(self, value, path, errors):
        if not isinstance(value, bool):
            errors.append(RuleError(path, _("must be true or false")))


class Enum(Spec):
    """One of a vocabulary: a ``TextChoices`` class or a sequence of values."""

    def __init__(self, choices, nullable: bool = False):
        self.values, self.nullable = list(getattr(choices, "values", choices)), nullable

    def check(self, value, path, errors):
        if value is None and self.nullable:
            return
        if value not in self.values:
            errors.append(
                RuleError(
                    path, _("must be one of: %(values)s") % {"values": ", ".join(self.values)}
                )
            )


class Const(Spec):
    def __init__(self, value):
        self.value = value

    def check(self, value, path, errors):
        if value != self.value:
            errors.append(RuleError(path, _("must be %(value)s") % {"value": self.value}))


class Days(Spec):
    """Day numbers of a schedule (test days): whole numbers from 1, ascending, no repeats."""

    def check(self, value, path, errors):
        if not isinstance(value, list):
            errors.append(RuleError(path, _("must be a list of day numbers")))
            return
        for i, day in enumerate(value):
            Int(1, MAX_DAYS).check(day, f"{path}[{i}]", errors)
        numbers = [d for d in value if isinstance(d, int) and not isinstance(d, bool)]
        if numbers != sorted(set(numbers)):
            errors.append(RuleError(path, _("day numbers must be ascending without repeats")))


class ListOf(Spec):
    def __init__(self, item: Spec, min_items: int = 0):
        self.item, self.min_items = item, min_items

    def check(self, value, path, errors):
        if not isinstance(value, list):
            errors.append(RuleError(path, _("must be a list")))
            return
        if len(value) < self.min_items:
            errors.append(
                RuleError(path, _("needs at least %(n)s item(s)") % {"n": self.min_items})
            )
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]", errors)


@dataclass
class Obj(Spec):
    """An object with known keys; unknown keys are errors (they are usually typos)."""

    fields: dict[str, Spec]
    required: tuple[str, ...] = ()
    #: flag → keys required when the flag is true (``identified``, ``applies``, ``designated``).
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_check: Callable[[dict, str, Errors], None] | None = None

    def check(self, value, path, errors):
        if not isinstance(value, dict):
            errors.append(RuleError(path, _("must be an object")))
            return
        for key in value:
            if key not in self.fields:
                errors.append(RuleError(f"{path}.{key}", _("unknown key")))
        needed = list(self.required)
        for flag, keys in self.when.items():
            if value.get(flag) is True:
                needed += keys
        for key in needed:
            if key not in value:
                errors.append(RuleError(f"{path}.{key}", _("is required")))
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], f"{path}.{key}", errors)
        if self.extra_check is not None:
            self.extra_check(value, path, errors)


class MapOf(Spec):
    """An object whose keys come from a fixed vocabulary (regime categories, risk levels…)."""

    def __init__(self, keys, item: Spec):
        self.keys, self.item = list(keys.values), item

    def check(self, value, path, errors):
        if not isinstance(value, dict):
            errors.append(RuleError(path, _("must be an object")))
            return
        for key, item in value.items():
            if key not in self.keys:
                reason = _("unknown key (expected one of: %(keys)s)") % {
                    "keys": ", ".join(self.keys)
                }
                errors.append(RuleError(f"{path}.{key}", reason))
            else:
                self.item.check(item, f"{path}.{key}", errors)


def rule(fields: dict[str, Spec], required=(), when=None, extra_check=None) -> Obj:
    """A rule object: its own fields plus the citation every rule carries."""
    common = {"clause": Str(), "note": Str(required=False), "disputed": Bool()}
    return Obj({**common, **fields}, ("clause", *required), when or {}, extra_check)

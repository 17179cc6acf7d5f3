"""The shape of ``Protocol.rules`` (schema version 1), declared once and checked in one pass.

A protocol's rules are edited by hand (an administrator amends a copy for a province), so the
checker reports *every* problem at once, each with its JSON path (``$.regimes.close_contact
.centralized_days``) and the reason, instead of stopping at the first. The declaration below is
the reference for the format; ``data/README.md`` describes it in prose.

Every *rule* object carries a ``clause`` (the document, its number and the section a figure
comes from) and may carry a ``note`` (local remarks, disagreements between sources) and
``disputed: true`` where the sources disagree (PROTOCOLS.md: "keep such a value editable and say
in the UI which version and clause a decision used").
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import (
    ContactTier,
    CountedFrom,
    EstablishmentKind,
    LiftingScope,
    LookbackAnchor,
    ManagementRegime,
    PoolingMode,
    PoolingSetting,
    RegimeCategory,
    ReleaseTest,
    RiskLevel,
    TestingScope,
)

SCHEMA_VERSION = 1
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
    def __init__(self, choices, nullable: bool = False):
        self.values, self.nullable = list(choices.values), nullable

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


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_regime(value: dict, path: str, errors: Errors) -> None:
    """Test days must fall within the phase they belong to (skipped where a length is invalid)."""
    given = value.get("test_days")
    days: dict = given if isinstance(given, dict) else {}
    phases = {
        "centralized": [value.get("centralized_days", 0)],
        "home": [value.get("home_quarantine_days", 0), value.get("home_monitoring_days", 0)],
    }
    for phase, parts in phases.items():
        listed = days.get(phase)
        if not isinstance(listed, list) or not all(_whole(p) and p >= 0 for p in parts):
            continue
        length = sum(parts)
        if any(_whole(d) and d > length for d in listed):
            reason = _("a test day lies after the end of this phase (%(n)s days)") % {"n": length}
            errors.append(RuleError(f"{path}.test_days.{phase}", reason))


def _check_lookback(value: dict, path: str, errors: Errors) -> None:
    if value.get("days_before") in (value.get("alternatives") or []):
        errors.append(RuleError(f"{path}.alternatives", _("repeats the value in force")))


def _check_pooling_setting(value: dict, path: str, errors: Errors) -> None:
    if value.get("mode") == PoolingMode.POOLED and not value.get("ratios"):
        errors.append(RuleError(f"{path}.ratios", _("pooled samples need at least one ratio")))
    if value.get("mode") in (PoolingMode.SINGLE, PoolingMode.HOUSEHOLD) and value.get("ratios"):
        errors.append(RuleError(f"{path}.ratios", _("only pooled samples have ratios")))


def _check_deadlines(value: list, path: str, errors: Errors) -> None:
    if not isinstance(value, list):
        return
    caps = [d.get("max_population") for d in value if isinstance(d, dict)]
    bounded = [c for c in caps if isinstance(c, int)]
    if bounded != sorted(bounded) or None in caps[:-1]:
        reason = _("list deadlines by growing population, the open-ended one last")
        errors.append(RuleError(path, reason))


class Deadlines(ListOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_deadlines(value, path, errors)


def _check_risk_levels(value: dict, path: str, errors: Errors) -> None:
    """Every level a lifting step names (``to``, ``from_level``, ``when_lifted``) must exist."""
    if not isinstance(value, dict):
        return
    defined = set(value)
    for level, spec in value.items():
        steps = spec.get("lifting") if isinstance(spec, dict) else None
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict):
                continue
            here = f"{path}.{level}.lifting[{i}]"
            named = [("to", step.get("to")), ("from_level", step.get("from_level"))]
            lifted = step.get("when_lifted")
            if isinstance(lifted, dict) and isinstance(lifted.get("levels"), list):
                named += [(f"when_lifted.levels[{j}]", x) for j, x in enumerate(lifted["levels"])]
            for key, target in named:
                if isinstance(target, str) and target not in defined:
                    reason = _("names level %(level)s, which this protocol does not define")
                    errors.append(RuleError(f"{here}.{key}", reason % {"level": target}))
            if step.get("to") == level:
                errors.append(RuleError(f"{here}.to", _("a level cannot be lowered to itself")))
            if not any(k in step for k in ("days_without_new_infection", "when_lifted")):
                reason = _("give days_without_new_infection or when_lifted")
                errors.append(RuleError(here, reason))


class RiskLevels(MapOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_risk_levels(value, path, errors)


LOOKBACK = Obj(
    {"days_before": Int(0, 30), "anchor": Enum(LookbackAnchor), "alternatives": ListOf(Int(0, 30))},
    required=("days_before", "anchor"),
    extra_check=_check_lookback,
)

CONTACTS = Obj(
    {
        ContactTier.CLOSE_CONTACT: rule(
            {"identified": Bool(), "lookback": LOOKBACK},
            ("identified",),
            {"identified": ("lookback",)},
        ),
        ContactTier.SECONDARY_CONTACT: rule({"identified": Bool()}, ("identified",)),
        ContactTier.SPATIOTEMPORAL_COMPANION: rule(
            {
                "identified": Bool(),
                "cell_size_m": Int(1, 10_000),
                "min_minutes_in_cell": Int(1, 24 * 60),
                "min_total_hours": Int(1, 24 * MAX_DAYS),
                "window_days": Int(1, MAX_DAYS),
            },
            ("identified",),
            {
                "identified": (
                    "cell_size_m",
                    "min_minutes_in_cell",
                    "min_total_hours",
                    "window_days",
                )
            },
        ),
    },
    required=tuple(ContactTier.values),
)

REGIME = rule(
    {
        "centralized_days": Int(0, MAX_DAYS),
        "home_quarantine_days": Int(0, MAX_DAYS),
        "home_monitoring_days": Int(0, MAX_DAYS),
        "test_days": Obj({"centralized": Days(), "home": Days()}, ("centralized", "home")),
        "release_test": Enum(ReleaseTest),
        "counted_from": Enum(CountedFrom),
    },
    (
        "centralized_days",
        "home_quarantine_days",
        "home_monitoring_days",
        "test_days",
        "counted_from",
    ),
    extra_check=_check_regime,
)

LIFTING = Obj(
    {
        "to": Enum(RiskLevel, nullable=True),
        "from_level": Enum(RiskLevel),
        "days_without_new_infection": Int(1, MAX_DAYS),
        "screen": Obj(
            {
                "all_residents": Bool(),
                "on_day": Int(1, MAX_DAYS),
                "within_hours_before_lifting": Int(1, 24 * 7),
            },
            required=("all_residents",),
        ),
        "contacts_released": Obj(
            {"days_since_exposure": Int(1, MAX_DAYS), "all_negative": Bool()},
            required=("days_since_exposure", "all_negative"),
        ),
        "when_lifted": Obj(
            {"levels": ListOf(Enum(RiskLevel), 1), "scope": Enum(LiftingScope)},
            required=("levels", "scope"),
        ),
        "clause": Str(),
        "note": Str(required=False),
    },
    required=("to",),
)

RISK_LEVEL = Obj(
    {
        "order": Int(1, 10),
        "unit": Str(),
        "measures": Str(),
        "testing": Obj(
            {"nucleic_acid_days": Days(), "antigen_days": Days()}, required=("nucleic_acid_days",)
        ),
        "exit_test_hours": Int(1, 24 * 7),
        "lifting": ListOf(LIFTING),
        "clause": Str(),
        "note": Str(required=False),
    },
    required=("order", "measures", "lifting"),
)

POOLING_SETTING = Obj(
    {"mode": Enum(PoolingMode), "ratios": ListOf(Int(2, 50), 1), "note": Str(required=False)},
    required=("mode",),
    extra_check=_check_pooling_setting,
)


def _check_checklist(value: list, path: str, errors: Errors) -> None:
    """Item keys identify what an application ticked: they must be unique within a kind."""
    if not isinstance(value, list):
        return
    keys = [item.get("key") for item in value if isinstance(item, dict)]
    if len(keys) != len(set(keys)):
        errors.append(RuleError(path, _("item keys must be unique")))


class Checklist(ListOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_checklist(value, path, errors)


#: Optional section (older documents stay valid without it): the prevention measures an
#: establishment of each kind must have in place before it may resume (reopening).
RESUMPTION = rule(
    {
        "applies": Bool(),
        "checklists": MapOf(
            EstablishmentKind,
            Checklist(
                Obj(
                    {"key": Str(), "label": Str(), "clause": Str(required=False)},
                    required=("key", "label"),
                ),
                1,
            ),
        ),
    },
    ("applies",),
    {"applies": ("checklists",)},
)

#: Optional section (older documents stay valid without it): the reserve standard of emergency
#: supplies — how many days of peak daily use a store must hold (resources.reserves).
RESERVES = rule(
    {
        "applies": Bool(),
        "days_of_peak_use": Int(1, 365),
        "peak_window_days": Int(1, 366),
        "by_category": ListOf(
            Obj({"category": Str(), "days": Int(1, 365)}, required=("category", "days"))
        ),
    },
    ("applies",),
    {"applies": ("days_of_peak_use", "peak_window_days")},
)

RULES = Obj(
    {
        "schema_version": Const(SCHEMA_VERSION),
        "management": rule({"regime": Enum(ManagementRegime)}, ("regime",)),
        "contacts": CONTACTS,
        "regimes": MapOf(RegimeCategory, REGIME),
        "risk_areas": rule(
            {"designated": Bool(), "levels": RiskLevels(RiskLevel, RISK_LEVEL)},
            ("designated", "levels"),
        ),
        "mass_testing": rule(
            {
                "applies": Bool(),
                "deadlines": Deadlines(
                    Obj(
                        {
                            "scope": Enum(TestingScope),
                            "max_population": Nullable(Int(1)),
                            "within_hours": Int(1, 24 * 7),
                        },
                        required=("scope", "max_population", "within_hours"),
                    ),
                    1,
                ),
                "rounds_if_source_unknown": Int(1, 10),
            },
            ("applies",),
            {"applies": ("deadlines",)},
        ),
        "pooling": rule(
            {
                "applies": Bool(),
                "settings": MapOf(PoolingSetting, POOLING_SETTING),
                "max_positivity_percent": Percent(),
                "positive_pool_action": Str(),
                "not_for_key_groups": Bool(),
            },
            ("applies",),
            {"applies": ("settings", "max_positivity_percent")},
        ),
        "dispatch": rule(
            {
                "applies": Bool(),
                "locate_and_control_hours": Int(1, 24 * 7),
                "list_clearance_hours": Obj(
                    {"in_province": Int(1, 24 * 7), "out_of_province": Int(1, 24 * 7)},
                    required=("in_province", "out_of_province"),
                ),
                "investigation_dispatch_minutes": Int(1, 24 * 60),
            },
            ("applies",),
            {
                "applies": (
                    "locate_and_control_hours",
                    "list_clearance_hours",
                    "investigation_dispatch_minutes",
                )
            },
        ),
        "investigation": rule(
            {
                "applies": Bool(),
                "core_facts_hours": Int(1, 24 * 7),
                "full_report_hours": Int(1, 24 * 7),
            },
            ("applies",),
            {"applies": ("core_facts_hours", "full_report_hours")},
        ),
        "resumption": RESUMPTION,
        "reserves": RESERVES,
    },
    required=(
        "schema_version",
        "management",
        "contacts",
        "regimes",
        "risk_areas",
        "mass_testing",
        "pooling",
        "dispatch",
        "investigation",
    ),
)

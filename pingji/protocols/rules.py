"""Reading a protocol's rules: the validator and the typed accessors other domains use.

Tracing asks ``lookback(p)`` and ``investigation(p)``, quarantine asks ``regime(p, category)``,
areas ask ``lifting(p, level)``, testing asks ``pooling(p)`` and ``mass_testing(p)``. Each answer
carries the ``clause`` it comes from, so a decision can say which version and which clause it
applied (``data/README.md``). The accessors read a document that passed ``validate_rules``; on a
section a protocol switches off (the Class B end state) they answer "does not apply" rather than
raise, so callers need no special case for the end of the emergency.
"""

from dataclasses import dataclass, field

from .choices import ContactTier, CountedFrom, ManagementRegime, ReleaseTest, TestingScope
from .schema import RULES, RuleError

__all__ = [
    "RuleError",
    "validate_rules",
    "diff_paths",
    "management",
    "lookback",
    "secondary_contacts",
    "companion",
    "regime",
    "risk_levels",
    "risk_level",
    "lifting",
    "mass_testing",
    "pooling",
    "dispatch",
    "investigation",
    "resumption",
    "reserves",
]


def validate_rules(rules) -> list[RuleError]:
    """Every problem of a rules document, each with its JSON path; empty when valid."""
    errors: list[RuleError] = []
    RULES.check(rules, "$", errors)
    return errors


def diff_paths(before, after, path: str = "$") -> list[str]:
    """JSON paths whose values differ between two documents (what an amendment changed)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in sorted(set(before) | set(after)):
            out += diff_paths(before.get(key), after.get(key), f"{path}.{key}")
        return out
    return [] if before == after else [path]


def _rules(source) -> dict:
    return getattr(source, "rules", source) or {}


def raw_section(source, *keys) -> dict:
    """The raw JSON object at ``keys`` (``"regimes", "close_contact"``), or ``{}``."""
    value: object = _rules(source)
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Management:
    regime: str
    clause: str
    note: str = ""

    @property
    def emergency_measures(self) -> bool:
        """Quarantine, contact finding and risk areas exist only under class A management."""
        return self.regime == ManagementRegime.CLASS_B_MANAGED_AS_A


def management(source) -> Management:
    s = raw_section(source, "management")
    return Management(s.get("regime", ""), s.get("clause", ""), s.get("note", ""))


@dataclass(frozen=True)
class Lookback:
    """How far back contacts of a case are searched (密接判定的追溯起点)."""

    identified: bool
    days_before: int
    anchor: str
    alternatives: tuple[int, ...]
    disputed: bool
    clause: str
    note: str = ""


def lookback(source, tier: str = ContactTier.CLOSE_CONTACT) -> Lookback:
    s = raw_section(source, "contacts", tier)
    window = s.get("lookback") or {}
    return Lookback(
        identified=bool(s.get("identified")),
        days_before=window.get("days_before", 0),
        anchor=window.get("anchor", ""),
        alternatives=tuple(window.get("alternatives", ())),
        disputed=bool(s.get("disputed")),
        clause=s.get("clause", ""),
        note=s.get("note", ""),
    )


def secondary_contacts(source) -> bool:
    """Whether contacts of close contacts (次密接) are identified at all."""
    return bool(raw_section(source, "contacts", ContactTier.SECONDARY_CONTACT).get("identified"))


@dataclass(frozen=True)
class Companion:
    """The spatiotemporal companion (时空伴随) rule: same grid cell, minutes, cumulative hours."""

    identified: bool
    cell_size_m: int = 0
    min_minutes_in_cell: int = 0
    min_total_hours: int = 0
    window_days: int = 0
    clause: str = ""
    note: str = ""


def companion(source) -> Companion:
    s = raw_section(source, "contacts", ContactTier.SPATIOTEMPORAL_COMPANION)
    return Companion(
        identified=bool(s.get("identified")),
        cell_size_m=s.get("cell_size_m", 0),
        min_minutes_in_cell=s.get("min_minutes_in_cell", 0),
        min_total_hours=s.get("min_total_hours", 0),
        window_days=s.get("window_days", 0),
        clause=s.get("clause", ""),
        note=s.get("note", ""),
    )


@dataclass(frozen=True)
class Regime:
    """The quarantine and monitoring a category of people gets, with its test days.

    Days are counted from ``counted_from`` (last exposure in every published edition); home test
    days are numbered within the home phase, as the protocols number them ("home day 3").
    ``applies`` is false when the protocol sets no regime for the category.
    """

    category: str
    applies: bool
    centralized_days: int = 0
    home_quarantine_days: int = 0
    home_monitoring_days: int = 0
    test_days_centralized: tuple[int, ...] = ()
    test_days_home: tuple[int, ...] = ()
    release_test: str = ReleaseTest.NONE
    counted_from: str = CountedFrom.LAST_EXPOSURE
    clause: str = ""
    note: str = ""

    @property
    def home_days(self) -> int:
        return self.home_quarantine_days + self.home_monitoring_days

    @property
    def total_days(self) -> int:
        return self.centralized_days + self.home_days


def regime(source, category: str) -> Regime:
    s = raw_section(source, "regimes", category)
    if not s:
        why = management(source)
        return Regime(category, False, clause=why.clause, note=why.note)
    tests = s.get("test_days") or {}
    return Regime(
        category=category,
        applies=True,
        centralized_days=s.get("centralized_days", 0),
        home_quarantine_days=s.get("home_quarantine_days", 0),
        home_monitoring_days=s.get("home_monitoring_days", 0),
        test_days_centralized=tuple(tests.get("centralized", ())),
        test_days_home=tuple(tests.get("home", ())),
        release_test=s.get("release_test", ReleaseTest.NONE),
        counted_from=s.get("counted_from", CountedFrom.LAST_EXPOSURE),
        clause=s.get("clause", ""),
        note=s.get("note", ""),
    )


@dataclass(frozen=True)
class Lifting:
    """One way an area of ``level`` is lowered to ``to_level`` (``None``: lifted altogether)."""

    level: str
    to_level: str | None
    from_level: str | None = None
    days_without_new_infection: int = 0
    screen_all_residents: bool = False
    screen_on_day: int | None = None
    screen_within_hours_before_lifting: int | None = None
    contacts_released_days: int | None = None
    contacts_all_negative: bool = False
    when_lifted_levels: tuple[str, ...] = ()
    when_lifted_scope: str = ""
    clause: str = ""
    note: str = ""


@dataclass(frozen=True)
class RiskLevelRules:
    level: str
    order: int
    measures: str
    unit: str = ""
    nucleic_acid_days: tuple[int, ...] = ()
    antigen_days: tuple[int, ...] = ()
    exit_test_hours: int | None = None
    liftings: tuple[Lifting, ...] = field(default=())
    clause: str = ""
    note: str = ""


def _lifting(level: str, step: dict, clause: str) -> Lifting:
    screen = step.get("screen") or {}
    released = step.get("contacts_released") or {}
    lifted = step.get("when_lifted") or {}
    return Lifting(
        level=level,
        to_level=step.get("to"),
        from_level=step.get("from_level"),
        days_without_new_infection=step.get("days_without_new_infection", 0),
        screen_all_residents=bool(screen.get("all_residents")),
        screen_on_day=screen.get("on_day"),
        screen_within_hours_before_lifting=screen.get("within_hours_before_lifting"),
        contacts_released_days=released.get("days_since_exposure"),
        contacts_all_negative=bool(released.get("all_negative")),
        when_lifted_levels=tuple(lifted.get("levels", ())),
        when_lifted_scope=lifted.get("scope", ""),
        clause=step.get("clause", clause),
        note=step.get("note", ""),
    )


def risk_levels(source) -> list[RiskLevelRules]:
    """The levels a protocol designates, most severe first (empty when none are designated)."""
    s = raw_section(source, "risk_areas")
    if not s.get("designated"):
        return []
    out = []
    for level, spec in (s.get("levels") or {}).items():
        clause = spec.get("clause", s.get("clause", ""))
        testing = spec.get("testing") or {}
        out.append(
            RiskLevelRules(
                level=level,
                order=spec.get("order", 0),
                measures=spec.get("measures", ""),
                unit=spec.get("unit", ""),
                nucleic_acid_days=tuple(testing.get("nucleic_acid_days", ())),
                antigen_days=tuple(testing.get("antigen_days", ())),
                exit_test_hours=spec.get("exit_test_hours"),
                liftings=tuple(_lifting(level, step, clause) for step in spec.get("lifting", ())),
                clause=clause,
                note=spec.get("note", ""),
            )
        )
    return sorted(out, key=lambda r: r.order)


def risk_level(source, level: str) -> RiskLevelRules | None:
    return next((r for r in risk_levels(source) if r.level == level), None)


def lifting(source, level: str, came_from: str | None = None) -> Lifting | None:
    """How an area of ``level`` is lowered; ``came_from`` picks a rule for downgraded areas.

    Under the 9th edition a medium area needs 7 days and a day-7 screen, but one that was high
    before needs only 3 more days (the 9th edition's lifting of a medium area, ``data/README.md``);
    ``came_from="high"`` selects that.
    """
    rules = risk_level(source, level)
    if rules is None:
        return None
    general = [s for s in rules.liftings if s.from_level is None]
    special = [s for s in rules.liftings if came_from and s.from_level == came_from]
    chosen = special or general
    return chosen[0] if chosen else None


@dataclass(frozen=True)
class TestingDeadline:
    scope: str
    max_population: int | None
    within_hours: int


@dataclass(frozen=True)
class MassTesting:
    applies: bool
    deadlines: tuple[TestingDeadline, ...] = ()
    rounds_if_source_unknown: int | None = None
    clause: str = ""
    note: str = ""

    def deadline_hours(self, population: int, scope: str = TestingScope.CITY) -> int | None:
        """Hours allowed to test everyone: the first band of ``scope`` the population fits."""
        for d in self.deadlines:
            if d.scope == scope and (d.max_population is None or population <= d.max_population):
                return d.within_hours
        return None


def mass_testing(source) -> MassTesting:
    s = raw_section(source, "mass_testing")
    deadlines = tuple(
        TestingDeadline(d["scope"], d.get("max_population"), d["within_hours"])
        for d in s.get("deadlines", ())
    )
    return MassTesting(
        bool(s.get("applies")),
        deadlines,
        s.get("rounds_if_source_unknown"),
        s.get("clause", ""),
        s.get("note", ""),
    )


@dataclass(frozen=True)
class PoolingRule:
    mode: str
    ratios: tuple[int, ...] = ()


@dataclass(frozen=True)
class Pooling:
    """Sample pooling by setting, and when pooling stops (positivity at or above the threshold)."""

    applies: bool
    settings: dict = field(default_factory=dict)
    max_positivity_percent: float | None = None
    positive_pool_action: str = ""
    not_for_key_groups: bool = False
    clause: str = ""
    note: str = ""

    def for_setting(self, setting: str) -> PoolingRule | None:
        return self.settings.get(setting)

    def allowed_at(self, positivity_percent: float) -> bool:
        """Pooling runs only while positivity stays below the threshold (0.1 % published)."""
        limit = self.max_positivity_percent
        return self.applies and limit is not None and positivity_percent < limit


def pooling(source) -> Pooling:
    s = raw_section(source, "pooling")
    settings = {
        key: PoolingRule(spec.get("mode", ""), tuple(spec.get("ratios", ())))
        for key, spec in (s.get("settings") or {}).items()
    }
    return Pooling(
        bool(s.get("applies")),
        settings,
        s.get("max_positivity_percent"),
        s.get("positive_pool_action", ""),
        bool(s.get("not_for_key_groups")),
        s.get("clause", ""),
        s.get("note", ""),
    )


@dataclass(frozen=True)
class Dispatch:
    """Deadlines of 协查: locate and control pushed persons, clear lists, dispatch tasks."""

    applies: bool
    locate_and_control_hours: int | None = None
    list_in_province_hours: int | None = None
    list_out_of_province_hours: int | None = None
    investigation_dispatch_minutes: int | None = None
    clause: str = ""
    note: str = ""


def dispatch(source) -> Dispatch:
    s = raw_section(source, "dispatch")
    lists = s.get("list_clearance_hours") or {}
    return Dispatch(
        bool(s.get("applies")),
        s.get("locate_and_control_hours"),
        lists.get("in_province"),
        lists.get("out_of_province"),
        s.get("investigation_dispatch_minutes"),
        s.get("clause", ""),
        s.get("note", ""),
    )


@dataclass(frozen=True)
class Investigation:
    """Case investigation deadlines: the core facts first, then the full report."""

    applies: bool
    core_facts_hours: int | None = None
    full_report_hours: int | None = None
    clause: str = ""
    note: str = ""


def investigation(source) -> Investigation:
    s = raw_section(source, "investigation")
    return Investigation(
        bool(s.get("applies")),
        s.get("core_facts_hours"),
        s.get("full_report_hours"),
        s.get("clause", ""),
        s.get("note", ""),
    )


@dataclass(frozen=True)
class ChecklistItem:
    """One prevention measure an establishment must have in place (``key`` names it stably)."""

    key: str
    label: str
    clause: str = ""


@dataclass(frozen=True)
class Resumption:
    """Checklists of prevention measures per kind of establishment before it may resume.

    Optional section: a document without it (or one that switches it off) asks no checklist.
    """

    applies: bool
    checklists: dict = field(default_factory=dict)
    clause: str = ""
    note: str = ""

    def checklist(self, kind: str) -> tuple[ChecklistItem, ...]:
        return self.checklists.get(kind, ()) if self.applies else ()


def resumption(source) -> Resumption:
    s = raw_section(source, "resumption")
    clause = s.get("clause", "")
    checklists = {
        kind: tuple(
            ChecklistItem(i.get("key", ""), i.get("label", ""), i.get("clause") or clause)
            for i in items
            if isinstance(i, dict)
        )
        for kind, items in (s.get("checklists") or {}).items()
    }
    return Resumption(bool(s.get("applies")), checklists, clause, s.get("note", ""))


@dataclass(frozen=True)
class Reserves:
    """The reserve standard of emergency supplies: days of peak daily use a store must hold.

    Peak use is the largest daily issue within ``peak_window_days`` before the day; a category may
    ask more or fewer days (``days_for``). Optional section: without it nothing is under reserve.
    """

    applies: bool
    days_of_peak_use: int = 0
    peak_window_days: int = 0
    by_category: dict = field(default_factory=dict)
    disputed: bool = False
    clause: str = ""
    note: str = ""

    def days_for(self, category: str) -> int:
        return self.by_category.get(category, self.days_of_peak_use) if self.applies else 0


def reserves(source) -> Reserves:
    s = raw_section(source, "reserves")
    overrides = {
        o.get("category", ""): o.get("days", 0)
        for o in s.get("by_category") or ()
        if isinstance(o, dict)
    }
    return Reserves(
        bool(s.get("applies")),
        s.get("days_of_peak_use", 0),
        s.get("peak_window_days", 0),
        overrides,
        bool(s.get("disputed")),
        s.get("clause", ""),
        s.get("note", ""),
    )

"""A protocol's rules as readable tables, one per section, each row with its clause.

The detail page shows these above the raw JSON, so an administrator checks the figures in words
("14 consecutive days without a new infection → lifted") and sees the clause beside each.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from . import rules as r
from .choices import (
    ClusterLevel,
    ClusterSetting,
    ContactTier,
    CountedFrom,
    EstablishmentKind,
    LiftingScope,
    ManagementRegime,
    PoolingMode,
    PoolingSetting,
    RegimeCategory,
    ReleaseTest,
    RiskLevel,
    TestingScope,
    VectorIndex,
)


@dataclass
class Row:
    cells: list
    clause: str = ""
    note: str = ""
    disputed: bool = False


@dataclass
class Section:
    key: str
    title: str
    headers: list
    rows: list[Row] = field(default_factory=list)

    def table(self) -> list[tuple[Row, list]]:
        """Rows with each cell beside its heading (the phone layout labels every cell)."""
        return [(row, list(zip(self.headers, row.cells, strict=False))) for row in self.rows]


def _list(items) -> str:
    """Items joined the way the active language lists them (、 in Chinese, ", " in English)."""
    return pgettext("list separator", ", ").join(items)


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def _days(days) -> str:
    return _list(str(d) for d in days) if days else "—"


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _not_applicable(key: str, title: str, clause: str, note: str) -> Section:
    return Section(key, title, [""], [Row([_("Does not apply.")], clause, note)])


def lifting_text(step: r.Lifting) -> str:
    parts = []
    if step.from_level:
        parts.append(
            _("for an area lowered from %(level)s") % {"level": _label(RiskLevel, step.from_level)}
        )
    if step.days_without_new_infection:
        parts.append(
            _("%(n)s consecutive days without a new infection")
            % {"n": step.days_without_new_infection}
        )
    if step.contacts_released_days:
        if step.contacts_all_negative:
            text = _("every contact past %(n)s days since exposure and tested negative")
        else:
            text = _("every contact past %(n)s days since exposure")
        parts.append(text % {"n": step.contacts_released_days})
    if step.screen_on_day:
        parts.append(_("all residents screened negative on day %(n)s") % {"n": step.screen_on_day})
    if step.screen_within_hours_before_lifting:
        parts.append(
            _("all residents screened negative within %(n)s h before lifting")
            % {"n": step.screen_within_hours_before_lifting}
        )
    if step.when_lifted_levels:
        levels = _list(_label(RiskLevel, x) for x in step.when_lifted_levels)
        scope = _label(LiftingScope, step.when_lifted_scope)
        parts.append(
            _("once every %(levels)s in %(scope)s is lifted") % {"levels": levels, "scope": scope}
        )
    target = _label(RiskLevel, step.to_level) if step.to_level else _("lifted")
    return pgettext("clause separator", "; ").join(parts) + " → " + target


def _contacts(rules) -> Section:
    s = Section("contacts", _("Contacts"), [_("tier"), _("identified"), _("rule")])
    look = r.lookback(rules)
    window = ""
    if look.identified:
        window = _("from %(n)s days before symptom onset (before sampling, if asymptomatic)") % {
            "n": look.days_before
        }
        if look.alternatives:
            window += " " + _("(other sources: %(days)s days)") % {"days": _days(look.alternatives)}
    s.rows.append(
        Row(
            [_label(ContactTier, ContactTier.CLOSE_CONTACT), _yes(look.identified), window],
            look.clause,
            look.note,
            look.disputed,
        )
    )
    sec = r.raw_section(rules, "contacts", ContactTier.SECONDARY_CONTACT)
    s.rows.append(
        Row(
            [
                _label(ContactTier, ContactTier.SECONDARY_CONTACT),
                _yes(r.secondary_contacts(rules)),
                "",
            ],
            sec.get("clause", ""),
            sec.get("note", ""),
            bool(sec.get("disputed")),
        )
    )
    c = r.companion(rules)
    text = ""
    if c.identified:
        text = _(
            "same %(cell)s m × %(cell)s m cell for more than %(minutes)s minutes, and more than "
            "%(hours)s h in total within %(days)s days"
        ) % {
            "cell": c.cell_size_m,
            "minutes": c.min_minutes_in_cell,
            "hours": c.min_total_hours,
            "days": c.window_days,
        }
    s.rows.append(
        Row(
            [_label(ContactTier, ContactTier.SPATIOTEMPORAL_COMPANION), _yes(c.identified), text],
            c.clause,
            c.note,
        )
    )
    return s


def _regimes(rules) -> Section:
    s = Section(
        "regimes",
        _("Quarantine and monitoring"),
        [
            _("category"),
            _("centralized quarantine (days)"),
            _("home quarantine (days)"),
            _("home health monitoring (days)"),
            _("test days, centralized"),
            _("test days, at home"),
            _("release test"),
            _("counted from"),
        ],
    )
    for category in RegimeCategory.values:
        reg = r.regime(rules, category)
        if not reg.applies:
            continue
        raw = r.raw_section(rules, "regimes", category)
        s.rows.append(
            Row(
                [
                    _label(RegimeCategory, category),
                    reg.centralized_days,
                    reg.home_quarantine_days,
                    reg.home_monitoring_days,
                    _days(reg.test_days_centralized),
                    _days(reg.test_days_home),
                    _label(ReleaseTest, reg.release_test),
                    _label(CountedFrom, reg.counted_from),
                ],
                reg.clause,
                reg.note,
                bool(raw.get("disputed")),
            )
        )
    if not s.rows:
        why = r.management(rules)
        s.headers = [""]
        s.rows.append(Row([_("No one is quarantined.")], why.clause, why.note))
    return s


def _risk_areas(rules) -> Section:
    raw = r.raw_section(rules, "risk_areas")
    levels = r.risk_levels(rules)
    if not levels:
        return Section(
            "risk_areas",
            _("Risk areas"),
            [""],
            [Row([_("No risk areas are designated.")], raw.get("clause", ""), raw.get("note", ""))],
        )
    s = Section(
        "risk_areas",
        _("Risk areas"),
        [
            _("level"),
            pgettext("risk area", "unit"),
            _("measures"),
            _("area tests (day)"),
            _("lowering and lifting"),
        ],
    )
    for lv in levels:
        tests = _days(lv.nucleic_acid_days)
        if lv.antigen_days:
            tests += "; " + _("antigen: %(days)s") % {"days": _days(lv.antigen_days)}
        measures = lv.measures
        if lv.exit_test_hours:
            measures += "; " + _("test within %(n)s h to leave the city") % {
                "n": lv.exit_test_hours
            }
        lifting = " | ".join(lifting_text(step) for step in lv.liftings) or "—"
        notes = " ".join(x for x in [lv.note, *(st.note for st in lv.liftings)] if x)
        s.rows.append(
            Row(
                [_label(RiskLevel, lv.level), lv.unit or "—", measures, tests, lifting],
                lv.clause,
                notes,
            )
        )
    return s


def _mass_testing(rules) -> Section:
    mt = r.mass_testing(rules)
    if not mt.applies:
        return _not_applicable("mass_testing", _("Mass testing"), mt.clause, mt.note)
    s = Section(
        "mass_testing",
        _("Mass testing"),
        [_("scope"), _("population up to"), _("done within (hours)")],
    )
    for d in mt.deadlines:
        s.rows.append(
            Row(
                [_label(TestingScope, d.scope), d.max_population or _("any"), d.within_hours],
                mt.clause,
                mt.note,
            )
        )
    if mt.rounds_if_source_unknown:
        s.rows.append(
            Row(
                [_("rounds when the source is unknown"), "", mt.rounds_if_source_unknown], mt.clause
            )
        )
    return s


def _pooling(rules) -> Section:
    p = r.pooling(rules)
    if not p.applies:
        return _not_applicable("pooling", _("Sample pooling"), p.clause, p.note)
    raw = r.raw_section(rules, "pooling", "settings")
    s = Section("pooling", _("Sample pooling"), [_("setting"), _("sampling"), _("ratios")])
    for key, rule in p.settings.items():
        ratios = _list(f"{n}:1" for n in rule.ratios) or "—"
        s.rows.append(
            Row(
                [_label(PoolingSetting, key), _label(PoolingMode, rule.mode), ratios],
                p.clause,
                raw.get(key, {}).get("note", ""),
            )
        )
    s.rows.append(
        Row(
            [_("pool only while positivity is below"), f"{p.max_positivity_percent} %", ""],
            p.clause,
            p.note,
        )
    )
    if p.positive_pool_action:
        s.rows.append(Row([_("a positive pool"), p.positive_pool_action, ""], p.clause))
    s.rows.append(Row([_("key groups pooled"), _yes(not p.not_for_key_groups), ""], p.clause))
    return s


def _deadlines(key, title, applies, clause, note, items) -> Section:
    if not applies:
        return _not_applicable(key, title, clause, note)
    s = Section(key, title, [_("deadline"), _("value")])
    s.rows = [
        Row([label, value], clause, note if i == 0 else "")
        for i, (label, value) in enumerate(items)
    ]
    return s


#: The events a ``health_code`` section colours, in the order a person meets them.
HEALTH_CODE_RULES = (
    ("placed_centralised", _lazy("placed in centralised quarantine")),
    ("placed_home", _lazy("placed under home quarantine or monitoring")),
    ("released", _lazy("released to home health monitoring")),
    ("completed", _lazy("home health monitoring completed")),
    ("case", _lazy("reported as a case")),
    ("case_voided", _lazy("case voided")),
)
CODE_COLOURS = {
    "red": _lazy("red code"),
    "yellow": _lazy("yellow code"),
    "green": _lazy("green code"),
}


def _health_codes(rules) -> Section | None:
    """The code colour each event implies (optional section: absent, no table)."""
    section = r.raw_section(rules, "health_code")
    if not section:
        return None
    title, clause, note = _("Health codes"), section.get("clause", ""), section.get("note", "")
    if not section.get("applies"):
        return _not_applicable("health_code", title, clause, note)
    s = Section("health_code", title, [_("event"), _("code colour")])
    for i, (key, label) in enumerate(HEALTH_CODE_RULES):
        colour = section.get(key)
        cell = str(CODE_COLOURS.get(colour, colour)) if colour else _("no instruction")
        s.rows.append(Row([str(label), cell], clause, note if i == 0 else ""))
    return s


def _resumption(rules) -> Section | None:
    """The checklists per kind of establishment (optional section: absent, no table)."""
    if not r.raw_section(rules, "resumption"):
        return None
    res = r.resumption(rules)
    title = _("Resumption checklists")
    if not res.applies:
        return _not_applicable("resumption", title, res.clause, res.note)
    s = Section("resumption", title, [_("kind"), _("measure")])
    for kind, items in res.checklists.items():
        for i, item in enumerate(items):
            label = _label(EstablishmentKind, kind) if i == 0 else ""
            s.rows.append(Row([label, item.label], item.clause, res.note if not s.rows else ""))
    return s


def _peacetime(rules, key: str, title: str, headers: list, items: str, cells) -> Section | None:
    """A peacetime section as a table, one row per rule object with its own clause; ``items``
    names the list of rule objects ("" for a section that is one rule itself)."""
    s = r.raw_section(rules, key)
    if not s:
        return None
    if not s.get("applies"):
        return _not_applicable(key, title, s.get("clause", ""), s.get("note", ""))
    rows = [
        Row(cells(item), item.get("clause", ""), item.get("note", ""), bool(item.get("disputed")))
        for item in (s.get(items, []) if items else [s])
    ]
    return Section(key, title, headers, rows)


def _clusters(rules) -> Section | None:
    return _peacetime(
        rules,
        "clusters",
        _("Clusters and outbreaks"),
        [_("level"), _("where"), _("cases"), _("response")],
        "definitions",
        lambda d: [
            _label(ClusterLevel, d["level"]),
            _label(ClusterSetting, d["setting"]),
            _("%(n)s within %(days)s days") % {"n": d["cases"], "days": d["within_days"]},
            _list(d["response"]),
        ],
    )


def _closure(rules) -> Section | None:
    return _peacetime(
        rules,
        "closure",
        _("Closing classes and schools"),
        [_("where"), _("when"), _("closed for"), _("reopening")],
        "steps",
        lambda d: [
            _label(ClusterSetting, d["setting"]),
            _("%(n)s cases within %(days)s days") % {"n": d["cases"], "days": d["within_days"]}
            + (
                "; " + _("or %(n)s classes affected") % {"n": d["classes_affected"]}
                if d.get("classes_affected", 1) > 1
                else ""
            ),
            _("%(n)s days") % {"n": d["days_closed"]},
            _list(d["reopening"]),
        ],
    )


def _isolation(rules) -> Section | None:
    return _peacetime(rules, "isolation", _("Isolation of cases"), [""], "", lambda d: [d["until"]])


def _vector(rules) -> Section | None:
    s = r.raw_section(rules, "vector")
    if not s:
        return None
    title = _("Mosquito vector control")
    if not s.get("applies"):
        return _not_applicable("vector", title, s.get("clause", ""), s.get("note", ""))
    index = _label(VectorIndex, s["index"])
    section = Section("vector", title, [index, _("level"), _("response")])
    for level in s["levels"]:
        span = (
            f"{level['from']}–{level['below']}"
            if level.get("below") is not None
            else f"≥ {level['from']}"
        )
        section.rows.append(Row([span, level["name"], _list(level["response"])], s["clause"]))
    ends = s.get("days_without_case_to_end")
    target = _("control until below %(n)s") % {"n": s["target_below"]}
    if ends:
        target += "; " + _("control around a case ends after %(n)s days without a case") % {
            "n": ends
        }
    section.rows.append(Row([_("target"), "", target], s["clause"], s.get("note", "")))
    return section


def sections(rules) -> list[Section]:
    """Every section of a rules document, in reading order: the emergency sections a document
    holds (switched off or not), then the peacetime ones it holds."""
    m = r.management(rules)
    d, inv = r.dispatch(rules), r.investigation(rules)
    legal = Section(
        "management",
        _("Legal footing"),
        [""],
        [Row([_label(ManagementRegime, m.regime)], m.clause, m.note)],
    )
    peacetime = [_clusters(rules), _closure(rules), _isolation(rules), _vector(rules)]
    if not r.raw_section(rules, "contacts"):  # another disease's rule pack
        return [legal, *[x for x in peacetime if x is not None]]
    return [
        legal,
        _contacts(rules),
        _regimes(rules),
        _risk_areas(rules),
        _mass_testing(rules),
        _pooling(rules),
        _deadlines(
            "dispatch",
            _("Dispatch (协查)"),
            d.applies,
            d.clause,
            d.note,
            [
                (
                    _("locate and control a pushed person"),
                    _("%(n)s h") % {"n": d.locate_and_control_hours},
                ),
                (
                    _("clear a list from within the province"),
                    _("%(n)s h") % {"n": d.list_in_province_hours},
                ),
                (
                    _("clear a list from another province"),
                    _("%(n)s h") % {"n": d.list_out_of_province_hours},
                ),
                (
                    _("dispatch an investigation task"),
                    _("%(n)s min") % {"n": d.investigation_dispatch_minutes},
                ),
            ],
        ),
        _deadlines(
            "investigation",
            _("Case investigation"),
            inv.applies,
            inv.clause,
            inv.note,
            [
                (_("core facts"), _("%(n)s h") % {"n": inv.core_facts_hours}),
                (_("full report"), _("%(n)s h") % {"n": inv.full_report_hours}),
            ],
        ),
        *[x for x in (_health_codes(rules), _resumption(rules), *peacetime) if x is not None],
    ]

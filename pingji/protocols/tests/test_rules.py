"""The shipped rules hold the published figures (``data/README.md``); the validator names every
error by its path."""

import pytest

from pingji.protocols import rules as r
from pingji.protocols.loading import bundled_versions

from .factories import bundled_rules

EIGHTH, NINTH, TWENTY, CLASS_B = "cn-8th-edition", "cn-9th-edition", "cn-20-measures", "cn-class-b"


def errors_of(rules) -> dict[str, str]:
    return {e.path: e.reason for e in r.validate_rules(rules)}


# -- the shipped data -------------------------------------------------------------------------


def test_the_four_national_covid_versions_ship_with_their_effective_dates():
    versions = [v for v in bundled_versions() if v.disease == "covid-19"]
    assert [(v.code, v.effective_from.isoformat()) for v in versions] == [
        (EIGHTH, "2021-05-11"),
        (NINTH, "2022-06-28"),
        (TWENTY, "2022-11-11"),
        (CLASS_B, "2023-01-08"),
    ]


@pytest.mark.parametrize("code", [EIGHTH, NINTH, TWENTY, CLASS_B])
def test_every_shipped_version_validates_and_cites_its_clauses(code):
    rules = bundled_rules(code)
    assert r.validate_rules(rules) == []
    for section in ("management", "risk_areas", "mass_testing", "pooling", "dispatch"):
        assert rules[section]["clause"].strip(), section
    assert all(reg["clause"] for reg in rules["regimes"].values())


def test_8th_edition_figures():
    rules = bundled_rules(EIGHTH)
    close = r.regime(rules, "close_contact")
    assert (close.centralized_days, close.home_quarantine_days, close.home_monitoring_days) == (
        14,
        0,
        7,
    )
    assert close.test_days_centralized == (1, 4, 7, 14)
    assert close.release_test == "double_sampling" and close.counted_from == "last_exposure"
    assert "第八版" in close.clause and "51号" in close.clause
    assert r.regime(rules, "secondary_contact").centralized_days == 7
    sealed = r.regime(rules, "sealed_area_resident")
    assert (sealed.home_quarantine_days, sealed.home_monitoring_days) == (14, 7)
    assert sealed.test_days_home == (1, 4, 7, 10, 14)
    look = r.lookback(rules)
    assert (look.identified, look.days_before, look.anchor) == (True, 2, "onset_or_sampling")
    assert [lv.level for lv in r.risk_levels(rules)] == ["sealed", "controlled", "precaution"]
    lift = r.lifting(rules, "sealed")
    assert lift.to_level is None and lift.days_without_new_infection == 14
    assert (lift.contacts_released_days, lift.contacts_all_negative) == (14, True)
    assert lift.screen_all_residents and lift.screen_within_hours_before_lifting == 48
    assert r.lifting(rules, "precaution").when_lifted_levels == ("sealed", "controlled")
    testing = r.mass_testing(rules)
    assert testing.deadline_hours(5_000_000) == 48 and testing.deadline_hours(9_000_000) == 72
    assert testing.rounds_if_source_unknown == 3
    pool = r.pooling(rules)
    assert pool.for_setting("general").ratios == (5, 10)
    assert pool.for_setting("quarantine_site").mode == "single"
    assert pool.for_setting("sealed_area").mode == "household"
    assert pool.max_positivity_percent == 0.1 and pool.not_for_key_groups
    assert pool.allowed_at(0.05) and not pool.allowed_at(0.1)
    d = r.dispatch(rules)
    assert (d.locate_and_control_hours, d.list_in_province_hours) == (24, 24)
    assert (d.list_out_of_province_hours, d.investigation_dispatch_minutes) == (48, 30)
    inv = r.investigation(rules)
    assert (inv.core_facts_hours, inv.full_report_hours) == (4, 24)
    c = r.companion(rules)
    assert (c.cell_size_m, c.min_minutes_in_cell, c.min_total_hours, c.window_days) == (
        800,
        10,
        30,
        14,
    )


def test_9th_edition_figures_and_the_disputed_window():
    rules = bundled_rules(NINTH)
    close = r.regime(rules, "close_contact")
    assert (close.centralized_days, close.home_monitoring_days) == (7, 3)
    assert close.test_days_centralized == (1, 2, 3, 5, 7) and close.test_days_home == (3,)
    assert close.release_test == "none"
    second = r.regime(rules, "secondary_contact")
    assert (second.centralized_days, second.home_quarantine_days) == (0, 7)
    assert second.test_days_home == (1, 4, 7)
    look = r.lookback(rules)
    assert look.days_before == 2 and look.alternatives == (4,) and look.disputed and look.note
    assert r.lifting(rules, "high").to_level == "medium"
    assert r.lifting(rules, "high").screen_on_day == 7
    assert r.lifting(rules, "medium").days_without_new_infection == 7
    assert r.lifting(rules, "medium", came_from="high").days_without_new_infection == 3
    assert r.risk_level(rules, "high").unit == "居住小区（村）"
    assert r.risk_level(rules, "low").exit_test_hours == 48
    assert r.mass_testing(rules).deadline_hours(1_000, scope="delineated_area") == 24
    assert r.pooling(rules).for_setting("general").ratios == (20,)


def test_20_measures_figures():
    rules = bundled_rules(TWENTY)
    close = r.regime(rules, "close_contact")
    assert (close.centralized_days, close.home_quarantine_days, close.home_monitoring_days) == (
        5,
        3,
        0,
    )
    assert close.test_days_centralized == (1, 2, 3, 5) and close.test_days_home == (1, 3)
    assert not r.secondary_contacts(rules)
    assert not r.regime(rules, "secondary_contact").applies
    leaver = r.regime(rules, "high_risk_area_leaver")
    assert leaver.home_quarantine_days == 7 and leaver.test_days_home == (1, 3, 5, 7)
    assert [lv.level for lv in r.risk_levels(rules)] == ["high", "low"]
    high = r.risk_level(rules, "high")
    assert high.unit == "单元、楼栋"
    assert high.nucleic_acid_days == (1, 3) and high.antigen_days == (2,)
    lift = r.lifting(rules, "high")
    assert (lift.to_level, lift.days_without_new_infection) == ("low", 5)
    assert lift.screen_within_hours_before_lifting == 24
    assert r.lookback(rules).days_before == 2


def test_class_b_end_state_switches_everything_off():
    rules = bundled_rules(CLASS_B)
    assert r.management(rules).regime == "class_b" and not r.management(rules).emergency_measures
    assert not r.lookback(rules).identified and not r.secondary_contacts(rules)
    assert not r.companion(rules).identified
    close = r.regime(rules, "close_contact")
    assert not close.applies and close.total_days == 0 and "144号" in close.clause
    assert r.risk_levels(rules) == [] and r.lifting(rules, "high") is None
    for section in (r.mass_testing, r.pooling, r.dispatch, r.investigation):
        assert not section(rules).applies


# -- the validator ----------------------------------------------------------------------------


def test_a_wrong_figure_is_reported_at_its_path():
    rules = bundled_rules()
    rules["regimes"]["close_contact"]["centralized_days"] = "14"
    assert errors_of(rules) == {
        "$.regimes.close_contact.centralized_days": "must be a whole number"
    }


def test_every_error_is_reported_at_once():
    rules = bundled_rules()
    rules["regimes"]["close_contcat"] = rules["regimes"].pop("close_contact")
    del rules["pooling"]["clause"]
    rules["contacts"]["close_contact"].pop("lookback")
    rules["dispatch"]["locate_and_control_hours"] = True
    rules["surprise"] = 1
    errors = errors_of(rules)
    assert errors["$.regimes.close_contcat"].startswith(
        "unknown key (expected one of: close_contact"
    )
    assert errors["$.pooling.clause"] == "is required"
    assert errors["$.contacts.close_contact.lookback"] == "is required"
    assert errors["$.dispatch.locate_and_control_hours"] == "must be a whole number"
    assert errors["$.surprise"] == "unknown key"


def test_test_days_must_be_ordered_and_inside_their_phase():
    rules = bundled_rules()
    rules["regimes"]["close_contact"]["test_days"]["centralized"] = [1, 7, 4, 21]
    rules["regimes"]["sealed_area_resident"]["test_days"]["home"] = [0]
    found = {(e.path, e.reason) for e in r.validate_rules(rules)}
    path = "$.regimes.close_contact.test_days.centralized"
    assert (path, "day numbers must be ascending without repeats") in found
    assert (path, "a test day lies after the end of this phase (14 days)") in found
    assert ("$.regimes.sealed_area_resident.test_days.home[0]", "must be at least 1") in found


def test_lifting_may_only_name_levels_the_protocol_defines():
    rules = bundled_rules(NINTH)
    rules["risk_areas"]["levels"]["high"]["lifting"][0]["to"] = "sealed"
    rules["risk_areas"]["levels"]["medium"]["lifting"][0]["to"] = "medium"
    errors = errors_of(rules)
    assert "sealed" in errors["$.risk_areas.levels.high.lifting[0].to"]
    assert (
        errors["$.risk_areas.levels.medium.lifting[0].to"] == "a level cannot be lowered to itself"
    )


def test_pooling_and_deadlines_are_checked_for_sense():
    rules = bundled_rules()
    rules["pooling"]["settings"]["general"] = {"mode": "pooled"}
    rules["pooling"]["max_positivity_percent"] = 0
    rules["mass_testing"]["deadlines"].reverse()
    errors = errors_of(rules)
    assert errors["$.pooling.settings.general.ratios"] == "pooled samples need at least one ratio"
    assert errors["$.pooling.max_positivity_percent"] == "must be above 0 and at most 100"
    assert "$.mass_testing.deadlines" in errors


@pytest.mark.parametrize(
    "hostile", [None, [], "<script>alert(1)</script>", 14, {"schema_version": 2}]
)
def test_hostile_documents_are_refused_without_crashing(hostile):
    errors = r.validate_rules(hostile)
    assert errors and all(e.path.startswith("$") for e in errors)


def test_a_checklist_key_that_is_not_text_is_reported_not_a_crash():
    rules = bundled_rules("cn-20-measures")
    items = next(iter(rules["resumption"]["checklists"].values()))
    items[0]["key"], items[1]["key"] = ["a"], {"b": 1}
    errors = errors_of(rules)
    assert sum(reason == "must be text" for reason in errors.values()) == 2


def test_switching_a_section_off_needs_no_figures_but_on_needs_them():
    rules = bundled_rules()
    rules["dispatch"] = {"applies": False, "clause": "本省通知"}
    assert r.validate_rules(rules) == []
    rules["dispatch"]["applies"] = True
    assert "$.dispatch.locate_and_control_hours" in errors_of(rules)


def test_diff_paths_lists_what_an_amendment_changed():
    before, after = bundled_rules(), bundled_rules()
    after["regimes"]["secondary_contact"]["home_quarantine_days"] = 7
    after["contacts"]["close_contact"]["note"] = "本省口径"
    assert r.diff_paths(before, after) == [
        "$.contacts.close_contact.note",
        "$.regimes.secondary_contact.home_quarantine_days",
    ]
    assert r.diff_paths(before, bundled_rules()) == []

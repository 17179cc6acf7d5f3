"""Disease packs and each disease's line of versions (decision 0041): what ships validates and
cites its sources, a broken pack names every error with its path, a figure is read for the
variant dominant on a day, and one disease's versions never answer for another."""

import datetime
import json
import shutil

import pytest
from django.core.exceptions import ValidationError

from pingji.protocols import display
from pingji.protocols.actions.versions import do_copy_protocol
from pingji.protocols.diseases import figure, reserve_categories, variant_on
from pingji.protocols.loading import DATA_DIR, bundled_packs, bundled_versions, load_national
from pingji.protocols.models import COVID_19, Disease, Protocol
from pingji.protocols.rules import validate_rules
from pingji.protocols.schema.packs import validate_pack
from pingji.protocols.versions import NoProtocolInForce, explain, in_force_among, protocol_for
from pingji.users.choices import Role

from .factories import ProtocolFactory, national

PEACETIME = ("influenza", "dengue", "norovirus", "hfmd")


def _rule_objects(node, path="$"):
    """Every object of a rules document that states a figure with its citation (has a clause)."""
    if isinstance(node, dict):
        if "clause" in node:
            yield path, node
        for key, value in node.items():
            yield from _rule_objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _rule_objects(value, f"{path}[{i}]")


def test_every_disease_ships_a_pack_and_a_rule_pack_that_validate():
    packs = bundled_packs()
    assert set(packs) == {COVID_19, *PEACETIME}
    by_disease = {v.disease for v in bundled_versions()}
    assert by_disease == set(packs)
    for version in bundled_versions():
        assert validate_rules(version.rules) == [], version.code


@pytest.mark.parametrize("code", PEACETIME)
def test_every_rule_of_a_peacetime_pack_cites_its_clause_and_flags_what_is_to_verify(code):
    (version,) = [v for v in bundled_versions() if v.disease == code]
    found = list(_rule_objects(version.rules))
    assert len(found) >= 2  # the legal footing and at least one peacetime section
    for path, rule in found:
        assert rule["clause"].strip(), path
        if rule.get("disputed"):
            assert rule.get("note", "").startswith("待核"), path


@pytest.mark.parametrize("code", [COVID_19, *PEACETIME])
def test_every_pack_figure_has_a_citation_or_says_it_is_to_verify(code):
    pack = bundled_packs()[code]
    owners = [pack, *pack.get("variants", [])]
    figures = [
        f
        for o in owners
        for s in ("natural_history", "transmission")
        for f in o.get(s, {}).values()
    ]
    assert figures, code
    for f in figures:
        assert f.get("citation", "").strip() or f.get("to_verify") is True


def test_a_broken_pack_reports_every_error_with_its_path():
    pack = json.loads((DATA_DIR / "diseases" / "covid-19.json").read_text())
    pack["transmission"]["serial_interval"].pop("citation")
    pack["transmission"]["serial_interval"]["distribution"] = "poisson"
    pack["natural_history"]["incubation"]["mean"] = "five"
    pack["variants"][0]["dominant"][0]["from"] = "2021-13-40"
    pack["readiness"]["reserves"].append({"category": "masks"})
    pack["colour"] = "red"
    errors = {e.path: e.reason for e in validate_pack(pack)}
    assert errors == {
        "$.transmission.serial_interval.citation": "give a citation, or to_verify: true",
        "$.transmission.serial_interval.distribution": (
            "must be one of: gamma, lognormal, normal, weibull, point"
        ),
        "$.natural_history.incubation.mean": "must be a number",
        "$.variants[0].dominant[0].from": "must be a date (YYYY-MM-DD)",
        "$.readiness.reserves[6].item": "is required",
        "$.colour": "unknown key",
    }


def test_a_version_of_an_unknown_disease_or_a_broken_pack_loads_nothing(db, tmp_path):
    shutil.copytree(DATA_DIR / "diseases", tmp_path / "diseases")
    version = json.loads((DATA_DIR / "05-national-influenza.json").read_text())
    version["code"], version["disease"] = "cn-ebola", "ebola"
    (tmp_path / "09-ebola.json").write_text(json.dumps(version, ensure_ascii=False))
    with pytest.raises(ValidationError) as unknown:
        load_national(Protocol, Disease, directory=tmp_path)
    assert unknown.value.messages == ["09-ebola.json: $.disease: no pack 'ebola'"]
    (tmp_path / "09-ebola.json").unlink()
    (tmp_path / "diseases" / "dengue.json").write_text('{"code": "dengue", "name": 3}')
    with pytest.raises(ValidationError) as broken:
        load_national(Protocol, Disease, directory=tmp_path)
    assert "dengue.json: $.name: must be text" in broken.value.messages
    assert "dengue.json: $.english_name: is required" in broken.value.messages
    assert not Protocol.objects.filter(code="cn-ebola").exists()


def test_the_variant_dominant_on_a_day_gives_its_figure_else_the_disease_does(db):
    on_delta = figure(COVID_19, "natural_history", "incubation", on=datetime.date(2021, 9, 12))
    assert (on_delta.variant, on_delta.source) == (
        "delta",
        "covid-19/delta:natural_history.incubation",
    )
    assert on_delta.to_verify is True
    before = figure(COVID_19, "natural_history", "incubation", on=datetime.date(2020, 3, 1))
    assert before.variant == "" and before.citation.startswith("Li Q")
    # Delta gives no serial interval of its own: the disease's is used, and says so
    si = figure(COVID_19, "transmission", "serial_interval", on=datetime.date(2021, 9, 12))
    assert (si.variant, si.mean, si.sd) == ("", 4.7, 2.9)
    assert figure(COVID_19, "transmission", "generation_time") is None
    assert figure("no-such-disease", "transmission", "serial_interval") is None


def test_a_regional_period_wins_over_the_national_one():
    pack = {
        "variants": [
            {"code": "a", "dominant": [{"region": "", "from": "2021-01-01", "to": None}]},
            {
                "code": "b",
                "dominant": [{"region": "3503", "from": "2021-06-01", "to": "2021-12-31"}],
            },
        ]
    }
    day = datetime.date(2021, 9, 1)
    assert variant_on(pack, day, "350322")["code"] == "b"
    assert variant_on(pack, day, "350206")["code"] == "a"
    assert variant_on(pack, datetime.date(2020, 1, 1), "350322") is None


def test_each_disease_has_its_own_line_of_versions(db):
    day = datetime.date(2021, 9, 12)
    assert protocol_for("350322", day).code == "cn-8th-edition"
    assert protocol_for("350322", day, "dengue").code == "cn-dengue-2014"
    with pytest.raises(NoProtocolInForce):
        protocol_for("350322", datetime.date(2013, 1, 1), "dengue")
    choice = explain("350322", day, "influenza")
    assert choice.protocol.disease_id == "influenza"
    assert all(c.protocol.disease_id == "influenza" for c in choice.candidates)


def test_two_diseases_may_take_effect_the_same_day_in_one_area(make_user):
    admin = make_user(Role.ADMINISTRATOR, "35")
    covid = ProtocolFactory(jurisdiction_code="35", effective_from=datetime.date(2024, 5, 1))
    influenza = national("cn-influenza-2018")
    copy = do_copy_protocol(
        influenza,
        jurisdiction_code="35",
        effective_from=covid.effective_from,
        name="福建省流感方案",
        actor=admin,
    )
    assert copy.disease_id == "influenza" and copy.rules == influenza.rules
    with pytest.raises(ValidationError) as clash:
        do_copy_protocol(
            influenza,
            jurisdiction_code="35",
            effective_from=covid.effective_from,
            name="再一次",
            actor=admin,
        )
    assert "already has a version taking effect" in clash.value.message_dict["effective_from"][0]


def test_dengue_rules_read_as_tables_with_their_clauses():
    (version,) = [v for v in bundled_versions() if v.disease == "dengue"]
    shown = {s.key: s for s in display.sections(version.rules)}
    assert "contacts" not in shown  # no emergency section for a peacetime disease
    vector = shown["vector"]
    assert [row.cells[0] for row in vector.rows][:2] == ["0–5", "5–10"]
    assert all(row.clause for row in vector.rows)


def test_readiness_reserves_come_from_the_pack(db):
    assert reserve_categories("dengue") >= {"larvicide", "sprayers"}
    assert "antivirals" in reserve_categories("influenza")
    assert reserve_categories("no-such-disease") == set()


def test_in_force_among_read_versions_answers_as_protocol_for(db):
    local = ProtocolFactory(jurisdiction_code="3503", effective_from=datetime.date(2021, 9, 20))
    versions = list(Protocol.objects.filter(disease_id=COVID_19))
    for code in ("", "35", "3503", "350322100001001", "350206"):
        for day in (datetime.date(2021, 9, 19), local.effective_from, datetime.date(2023, 1, 8)):
            assert in_force_among(versions, code, day) == protocol_for(code, day), (code, day)
    assert in_force_among(versions, "35", datetime.date(2020, 1, 1)) is None

"""The protocol's optional ``resumption`` section: validated, read, shown."""

import copy

import pytest

from pingji.protocols import rules
from pingji.protocols.display import sections
from pingji.protocols.models import Protocol


@pytest.fixture
def eighth(db):
    return Protocol.objects.get(code="cn-8th-edition").rules


def test_the_shipped_versions_carry_it(eighth):
    assert not rules.validate_rules(eighth)
    school = rules.resumption(eighth).checklist("school")
    assert {"isolation_room", "health_teacher"} <= {i.key for i in school}
    assert all("第八版" in i.clause for i in school)
    class_b = Protocol.objects.get(code="cn-class-b").rules
    assert rules.resumption(class_b).checklist("school") == ()


def test_it_is_optional_and_checked_when_present(eighth):
    without = copy.deepcopy(eighth)
    del without["resumption"]
    assert not rules.validate_rules(without)
    assert rules.resumption(without).checklist("shop") == ()
    bad = copy.deepcopy(eighth)
    bad["resumption"]["checklists"]["shop"].append({"key": "masks", "label": "重复"})
    bad["resumption"]["checklists"]["factory"] = []
    del bad["resumption"]["clause"]
    paths = {e.path for e in rules.validate_rules(bad)}
    assert {
        "$.resumption.checklists.shop",
        "$.resumption.checklists.factory",
        "$.resumption.clause",
    } <= paths


def test_the_protocol_page_shows_it(eighth):
    section = next(s for s in sections(eighth) if s.key == "resumption")
    assert any("临时隔离室" in row.cells[1] for row in section.rows)

"""Sealing notices per household, the lifting announcement, and what a later level does to them."""

import re

import pytest

from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.notices.choices import NoticeStatus
from pingji.notices.handlers import on_area_published
from pingji.notices.models import Notice, NoticeCounter

from .conftest import GRID, GRID_2, at, change_level

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"仙游〔2021〕封第(\d{4})号")


def sealing_notices():
    return Notice.objects.filter(kind="sealing").order_by("sequence")


def test_a_sealed_area_gives_each_household_one_numbered_notice(sealed, households):
    notices = list(sealing_notices())
    # one per household, each to its household, worked by the household's own grid
    assert sorted(n.household_id for n in notices) == sorted(h.pk for h in households)
    assert {n.household_id: n.jurisdiction_id for n in notices} == {
        h.pk: h.jurisdiction_id for h in households
    }
    # numbered consecutively from 1 under one counter, issuer 仙游县
    sequences = [int(NUMBER.fullmatch(n.number).group(1)) for n in notices]
    assert sequences == list(range(1, len(households) + 1))
    assert NoticeCounter.objects.get(kind="sealing", issuer="350322").last == len(households)
    # what each says is frozen on the row: the area, its level and the household's address
    first = notices[0]
    assert first.content["title"] == "封控告知书" and first.content["number"] == first.number
    assert "东门花园封控区" in first.content["body"][0] and "封控区" in first.content["body"][0]
    assert first.content["to"].startswith(first.household.address)
    assert first.content["clause"] == sealed.transitions.get().clause
    assert all(n.status == NoticeStatus.VALID and len(n.token) == 22 for n in notices)
    assert len({n.token for n in notices}) == len(notices)
    # one event for the block, not one per notice
    issued = DomainEvent.objects.filter(kind="notices.issued")
    assert issued.count() == 1 and issued.get().payload["count"] == len(households)


def test_the_event_handled_twice_issues_nothing_new(sealed, households):
    before = list(sealing_notices().values_list("pk", "number", "token"))
    event = DomainEvent.objects.get(kind="areas.published")
    on_area_published(event)
    on_area_published(event)
    assert list(sealing_notices().values_list("pk", "number", "token")) == before
    assert NoticeCounter.objects.get(kind="sealing").last == len(households)
    assert DomainEvent.objects.filter(kind="notices.issued").count() == 1


def test_lifting_supersedes_every_household_notice_by_one_announcement(
    sealed, households, epi, commander, tree, evidence
):
    change_level(sealed, epi, commander, tree, "", at(9, 29))
    announcement = Notice.objects.get(kind="lifting")
    assert announcement.number == "仙游〔2021〕解第0001号"
    assert (
        announcement.content["title"] == "解封公告"
        and "解除封控区" in announcement.content["body"][0]
    )
    old = list(sealing_notices())
    assert len(old) == len(households)
    assert {(n.status, n.superseded_by_id) for n in old} == {
        (NoticeStatus.SUPERSEDED, announcement.pk)
    }
    lifted_event = DomainEvent.objects.filter(kind="areas.published").latest("recorded_at", "pk")
    assert {n.revoked_event_id for n in old} == {lifted_event.pk}
    assert all(n.revoked_at is not None for n in old)


def test_stepping_down_to_controlled_supersedes_each_household_notice_by_its_new_one(
    sealed, households, epi, commander, tree, evidence
):
    change_level(sealed, epi, commander, tree, "controlled", at(9, 29))
    new = {n.household_id: n for n in sealing_notices().filter(status="valid")}
    old = sealing_notices().exclude(status="valid")
    assert len(new) == len(households) == old.count()
    for notice in old:
        assert notice.status == NoticeStatus.SUPERSEDED
        assert notice.superseded_by == new[notice.household_id]
    assert "管控区" in next(iter(new.values())).content["body"][0]
    # the new block continues the county's sequence: no number reused
    numbers = list(sealing_notices().values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) == 2 * len(households)


def test_stepping_down_below_control_revokes_the_household_notices(
    epi, commander, tree, compound, households, evidence
):
    from .conftest import designate

    area = designate(epi, commander, tree, [compound], level="controlled")
    change_level(area, epi, commander, tree, "precaution", at(9, 29))
    assert set(sealing_notices().values_list("status", flat=True)) == {NoticeStatus.REVOKED}
    assert "防范区" in sealing_notices().first().reason


def test_a_precaution_area_notifies_nobody(epi, commander, tree, compound, households):
    from .conftest import designate

    designate(epi, commander, tree, [compound], level="precaution")
    assert not Notice.objects.exists()


def test_households_are_found_below_a_listed_jurisdiction_too(
    epi, commander, tree, compound, households
):
    from pingji.areas.actions import publishing, transitions

    area = transitions.do_designate_area(
        actor=epi,
        jurisdiction=tree["350322"],
        name="东门二网格管控区",
        level="controlled",
        legal_basis="仙防控指〔2021〕4号",
        decided_at=at(9, 14, 10),
        places=[],
        jurisdictions=[GRID_2],
    )
    transitions.do_approve_transition(area.transitions.get(), actor=commander)
    with clock.pinned(at(9, 14, 13)):
        publishing.do_publish(tree["350322"], actor=commander, at=at(9, 14, 12))
    assert [n.jurisdiction_id for n in sealing_notices()] == [GRID_2]
    assert GRID not in set(sealing_notices().values_list("jurisdiction_id", flat=True))

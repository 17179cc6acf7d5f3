"""Designation, proposals, approval at the required level, publication, overrides, the controls in
force (``lookup.controls_at``)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.areas.actions import publishing, transitions
from pingji.areas.choices import AreaStatus, TransitionStatus
from pingji.areas.lookup import controls_at
from pingji.areas.models import Publication, RiskArea, Transition
from pingji.areas.tests.factories import RiskAreaFactory
from pingji.core.events import events_for
from pingji.geo.tests.factories import PlaceFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def designate(epi, tree, places, level="sealed", **extra):
    return transitions.do_designate_area(
        actor=epi,
        jurisdiction=tree["350322"],
        name=extra.pop("name", "东门花园封控区"),
        level=level,
        legal_basis="仙防控指〔2021〕3号",
        decided_at=at(9, 14, 10),
        places=places,
        **extra,
    )


def test_a_designation_takes_effect_when_approved_and_published(
    epi, commander, tree, compound, building
):
    # Given an epidemiologist's proposal for a sealed compound
    area = designate(epi, tree, [compound])
    assert area.status == AreaStatus.PROPOSED
    assert area.measures == "区域封闭、足不出户、服务上门"  # from the 8th edition
    assert area.protocol.code == "cn-8th-edition"
    t = area.transitions.get()
    # Then nothing is in force before publication
    assert controls_at(place=building, at=at(9, 15)) == []
    # When the county commander approves and publishes it
    transitions.do_approve_transition(t, actor=commander)
    pub = publishing.do_publish(tree["350322"], actor=commander, at=at(9, 14, 12))
    # Then the area is in force, listed in publication 1, and controls_at finds it at the building
    area.refresh_from_db()
    assert area.status == AreaStatus.ACTIVE and area.effective_from == at(9, 14, 10)
    assert pub.number == 1 and [a["name"] for a in pub.areas] == ["东门花园封控区"]
    assert pub.areas[0]["extent"] == ["东门花园"]
    [control] = controls_at(place=building, at=at(9, 15))
    assert (control.area, control.level, control.order, control.restricts_opening) == (
        area,
        "sealed",
        1,
        True,
    )
    # Recorded in the order it was done; each dated when it happened (decision 0030): the
    # designation by its order, the publication by when the area took effect.
    recorded = sorted(events_for(area), key=lambda e: (e.recorded_at, e.pk))
    assert [e.kind for e in recorded] == ["areas.proposed", "areas.approved", "areas.published"]
    assert recorded[0].time == at(9, 14, 10) and recorded[2].time == area.effective_from


def test_bad_designations_are_refused_and_nothing_is_saved(epi, tree, compound, outsider):
    huli_place = PlaceFactory(jurisdiction=tree["350206001001001"])
    cases = [
        ({"places": []}, "places"),
        ({"places": [999999]}, "places"),
        ({"places": [huli_place]}, "places"),
        ({"places": [compound], "level": "high"}, "level"),  # a 9th edition level in 2021
        ({"places": [compound], "effective_at": at(9, 13)}, "effective_at"),
        ({"places": [compound], "name": " "}, "name"),
        ({"places": [compound], "jurisdictions": ["350206"]}, "jurisdictions"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as exc:
            designate(epi, tree, **extra)
        assert field in exc.value.message_dict, extra
    with pytest.raises(PermissionDenied):
        designate(outsider, tree, [compound])
    assert not RiskArea.objects.exists() and not Transition.objects.exists()


@pytest.fixture
def sealed(tree, compound):
    return RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound])


def test_lifting_without_the_criteria_needs_a_justification_and_the_city(
    epi, commander, city_commander, tree, sealed, evidence
):
    # Given a sealed area designated on 14 September (no infection inside)
    # When it is proposed for lifting on the 20th without a justification
    with pytest.raises(ValidationError) as exc:
        transitions.do_propose_transition(sealed, actor=epi, to_level="", effective_at=at(9, 20))
    # Then it is refused, saying why the criteria are not met
    assert "5 of 14 days" in exc.value.message_dict["justification"][0]
    assert not Transition.objects.filter(kind="lift").exists()
    # When it is proposed with a justification
    t = transitions.do_propose_transition(
        sealed, actor=epi, to_level="", effective_at=at(9, 20), justification="误划，经复核无病例"
    )
    # Then it is an override, which the county may not approve and the city may
    assert t.override and not t.criteria_met and t.evidence["verdict"] == "not_yet"
    with pytest.raises(PermissionDenied):
        transitions.do_approve_transition(t, actor=commander)
    with pytest.raises(PermissionDenied):  # nor its proposer, whatever their level
        transitions.do_approve_transition(t, actor=epi)
    transitions.do_approve_transition(t, actor=city_commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 20, 12))
    sealed.refresh_from_db()
    assert sealed.status == AreaStatus.LIFTED and sealed.lifted_at == at(9, 20)
    assert controls_at(place=sealed.places.get(), at=at(9, 21)) == []
    assert controls_at(place=sealed.places.get(), at=at(9, 19))[0].level == "sealed"


def test_lifting_with_the_criteria_met_is_approved_at_the_county(
    epi, commander, tree, sealed, evidence
):
    t = transitions.do_propose_transition(sealed, actor=epi, to_level="", effective_at=at(9, 29))
    assert t.criteria_met and not t.override and t.evidence["verdict"] in ("eligible", "held")
    assert transitions.do_approve_transition(t, actor=commander).status == TransitionStatus.APPROVED


def test_a_second_proposal_and_a_date_before_the_level_are_refused(epi, sealed, evidence):
    with pytest.raises(ValidationError) as exc:
        transitions.do_propose_transition(sealed, actor=epi, to_level="", effective_at=at(9, 13))
    assert "effective_at" in exc.value.message_dict
    transitions.do_propose_transition(
        sealed, actor=epi, to_level="controlled", effective_at=at(9, 29), justification="x"
    )
    with pytest.raises(ValidationError) as exc:
        transitions.do_propose_transition(sealed, actor=epi, to_level="", effective_at=at(9, 30))
    assert exc.value.error_dict["to_level"][0].code == "pending"
    with pytest.raises(ValidationError):
        transitions.do_propose_transition(
            sealed, actor=epi, to_level="sealed", effective_at=at(9, 30)
        )


def test_overlapping_areas_answer_strictest_first(tree, compound, building):
    controlled = RiskAreaFactory(jurisdiction=tree["350322"], level="controlled", extent=[])
    controlled.jurisdictions.set(["350322100001"])
    sealed = RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound])
    found = controls_at(place=building, at=at(9, 20))
    assert [(c.area, c.level, c.order) for c in found] == [
        (sealed, "sealed", 1),
        (controlled, "controlled", 2),
    ]
    grid = controls_at(jurisdiction_code="350322100001002", at=at(9, 20))
    assert [c.area for c in grid] == [controlled]
    assert controls_at(jurisdiction_code="350206", at=at(9, 20)) == []
    with pytest.raises(ValueError):
        controls_at(at=at(9, 20))


def test_publication_numbers_and_order(commander, tree, sealed):
    first = publishing.do_publish(tree["350322"], actor=commander, at=at(9, 15))
    second = publishing.do_publish(tree["350322"], actor=commander, at=at(9, 16))
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError):
        publishing.do_publish(tree["350322"], actor=commander, at=at(9, 15, 8))
    assert Publication.objects.count() == 2
    assert [a["id"] for a in second.areas] == [sealed.pk]


def test_rejecting_a_designation_withdraws_the_area(epi, commander, tree, compound):
    area = designate(epi, tree, [compound])
    with pytest.raises(ValidationError):
        transitions.do_reject_transition(area.transitions.get(), actor=commander, note="")
    transitions.do_reject_transition(area.transitions.get(), actor=commander, note="范围过大")
    area.refresh_from_db()
    assert area.status == AreaStatus.WITHDRAWN


def test_stepping_down_closes_the_over_control_item(epi, commander, tree, sealed, evidence):
    from pingji.areas.evaluation import evaluate
    from pingji.tasks.models import Task

    evaluate(datetime.date(2021, 9, 28))
    evaluate(datetime.date(2021, 9, 29))
    assert Task.objects.for_source(sealed).open().count() == 1
    t = transitions.do_propose_transition(sealed, actor=epi, to_level="", effective_at=at(9, 30))
    transitions.do_approve_transition(t, actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 30, 10))
    assert Task.objects.for_source(sealed).open().count() == 0


def test_stepping_down_part_of_the_way_is_within_the_criteria(epi, sealed, evidence):
    t = transitions.do_propose_transition(
        sealed, actor=epi, to_level="controlled", effective_at=at(9, 29)
    )
    assert t.kind == "step_down" and t.criteria_met and not t.override

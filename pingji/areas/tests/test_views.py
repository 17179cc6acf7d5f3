"""Pages, the public list and the API: scoped, bad input refused with nothing saved."""

import datetime

import pytest
from django.urls import reverse

from pingji.areas.actions import checkpoints, publishing, transitions
from pingji.areas.models import Checkpoint, CheckpointDay, RiskArea, Transition
from pingji.areas.tests.factories import CheckpointFactory, RiskAreaFactory
from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(tree, compound):
    return RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound], name="东门花园封控区")


def test_pages_are_scoped(client, epi, outsider, sealed):
    client.force_login(epi)
    assert client.get(reverse("areas:area_list")).status_code == 200
    page = client.get(sealed.get_absolute_url())
    assert page.status_code == 200 and "东门花园" in page.content.decode()
    client.force_login(outsider)
    assert client.get(sealed.get_absolute_url()).status_code == 404
    assert "东门花园封控区" not in client.get(reverse("areas:area_list")).content.decode()


def test_designating_without_an_extent_is_refused(client, epi, tree):
    client.force_login(epi)
    data = {
        "jurisdiction": "350322",
        "name": "空区",
        "level": "sealed",
        "legal_basis": "仙防控指〔2021〕9号",
        "decided_at": "2021-09-14T10:00",
    }
    page = client.post(reverse("areas:area_create"), data)
    assert page.status_code == 400
    assert "at least one place or jurisdiction" in page.content.decode()
    bad = client.post(reverse("areas:area_create"), {**data, "places": ["999999"]})
    assert bad.status_code == 400 and "Unknown place" in bad.content.decode()
    assert not RiskArea.objects.exists()
    ok = client.post(reverse("areas:area_create"), {**data, "jurisdictions": [GRID]})
    assert ok.status_code == 302 and RiskArea.objects.get().status == "proposed"


def test_an_override_needs_its_justification_on_the_page(client, epi, sealed, evidence):
    client.force_login(epi)
    url = reverse("areas:area_propose", args=[sealed.pk])
    page = client.post(url, {"to_level": "", "effective_at": "2021-09-20T10:00"})
    assert page.status_code == 400 and "An override needs a justification" in page.content.decode()
    assert not Transition.objects.filter(kind="lift").exists()
    ok = client.post(
        url, {"to_level": "", "effective_at": "2021-09-20T10:00", "justification": "复核误划"}
    )
    assert ok.status_code == 302 and Transition.objects.get(kind="lift").override


def test_approval_page_offers_the_form_only_at_the_required_level(
    client, epi, commander, city_commander, sealed, evidence
):
    t = transitions.do_propose_transition(
        sealed, actor=epi, to_level="", effective_at=at(9, 20), justification="复核误划"
    )
    client.force_login(commander)
    assert 'id="approve"' not in client.get(t.get_absolute_url()).content.decode()
    refused = client.post(reverse("areas:transition_approve", args=[t.pk]), {"note": ""})
    assert refused.status_code == 302
    assert Transition.objects.get(pk=t.pk).status == "proposed"
    client.force_login(city_commander)
    assert 'id="approve"' in client.get(t.get_absolute_url()).content.decode()
    client.post(reverse("areas:transition_approve", args=[t.pk]), {"note": "同意"})
    assert Transition.objects.get(pk=t.pk).status == "approved"


def test_the_public_page_shows_only_published_lists(client, epi, commander, tree, compound):
    transitions.do_designate_area(
        actor=epi,
        jurisdiction=tree["350322"],
        name="未公布区",
        level="sealed",
        legal_basis="x",
        decided_at=at(9, 14),
        places=[compound],
    )
    published = RiskAreaFactory(jurisdiction=tree["350322"], name="已公布区")
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 15))
    page = client.get(reverse("areas:public")).content.decode()  # anonymous
    assert "已公布区" in page and "未公布区" not in page
    assert "350322-epidemiologist" not in page and "logout" not in page.lower()
    archive = client.get(reverse("areas:public_archive"))
    assert archive.status_code == 200 and "仙游县" in archive.content.decode()
    export = client.get(reverse("areas:public_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    for name in ("area_list", "transition_list", "evaluation_list", "publication_list"):
        assert client.get(reverse(f"areas:{name}")).status_code == 302  # login first
    assert client.get(published.get_absolute_url()).status_code == 302


def test_api_refuses_places_outside_and_saves_nothing(api, epi, tree):
    from pingji.geo.tests.factories import PlaceFactory

    huli = PlaceFactory(jurisdiction=tree["350206001001001"])
    body = {
        "jurisdiction": "350322",
        "name": "区",
        "level": "sealed",
        "legal_basis": "x",
        "decided_at": "2021-09-14T10:00:00+08:00",
        "places": [huli.pk],
    }
    answer = api(epi).post("/api/areas/risk-areas/", body, format="json")
    assert answer.status_code == 400 and "places" in answer.json()
    answer = api(epi).post("/api/areas/risk-areas/", {**body, "places": []}, format="json")
    assert answer.status_code == 400 and "places" in answer.json()
    answer = api(epi).post(
        "/api/areas/risk-areas/",
        {**body, "places": [], "jurisdictions": ["350322100"]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert RiskArea.objects.count() == 1


def test_api_proposal_and_approval(api, epi, commander, sealed, evidence):
    answer = api(epi).post(
        f"/api/areas/risk-areas/{sealed.pk}/propose/",
        {"to_level": "", "effective_at": "2021-09-29T10:00:00+08:00"},
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["criteria_met"] is True
    tid = answer.json()["id"]
    assert (
        api(epi).post(f"/api/areas/transitions/{tid}/approve/", {}, format="json").status_code
        == 404
    )
    done = api(commander).post(f"/api/areas/transitions/{tid}/approve/", {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    pub = api(commander).post("/api/areas/publications/", {"jurisdiction": "350322"}, format="json")
    assert pub.status_code == 201 and pub.json()["areas"][0]["status"] == "lifted"


def test_checkpoint_days_refuse_bad_counts_and_duplicates(tree, county_user):
    cp = checkpoints.do_create_checkpoint(
        actor=county_user,
        jurisdiction=tree["350322"],
        name="仙游收费站",
        kind="highway_exit",
        rules="查验48小时核酸阴性证明",
        since=at(9, 12),
    )
    day = datetime.date(2021, 9, 13)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        checkpoints.do_record_checkpoint_day(
            cp, actor=county_user, day=day, vehicles=1, persons=5, turned_back=6
        )
    assert "turned_back" in exc.value.message_dict
    with pytest.raises(ValidationError):
        checkpoints.do_record_checkpoint_day(
            cp,
            actor=county_user,
            day=datetime.date(2021, 9, 1),
            vehicles=1,
            persons=5,
            turned_back=0,
        )
    checkpoints.do_record_checkpoint_day(
        cp, actor=county_user, day=day, vehicles=1, persons=5, turned_back=1
    )
    with pytest.raises(ValidationError) as exc:
        checkpoints.do_record_checkpoint_day(
            cp, actor=county_user, day=day, vehicles=1, persons=5, turned_back=1
        )
    assert exc.value.error_dict["day"][0].code == "duplicate"
    assert CheckpointDay.objects.count() == 1


def test_a_checkpoint_plan_follows_its_areas(tree, county_user, commander, sealed):
    cp = CheckpointFactory(jurisdiction=tree["350322"])
    cp.areas.set([sealed])
    relax = checkpoints.do_plan_lifting_step(
        cp, actor=county_user, to_status="relaxed", condition="no_strictest"
    )
    lift = checkpoints.do_plan_lifting_step(
        cp, actor=county_user, to_status="lifted", condition="all_lifted"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # backwards
        checkpoints.do_plan_lifting_step(
            cp, actor=county_user, to_status="relaxed", condition="date"
        )
    assert checkpoints.step_readiness(relax, at(9, 20))[0] is False
    assert "earlier step" in checkpoints.step_readiness(lift, at(9, 20))[1]
    sealed.status = "lifted"
    sealed.save()
    from pingji.areas.tests.factories import TransitionFactory

    TransitionFactory(area=sealed, kind="lift", to_level="", effective_at=at(9, 25))
    checkpoints.do_take_lifting_step(relax, actor=commander, at=at(9, 26))
    checkpoints.do_take_lifting_step(lift, actor=commander, at=at(9, 27))
    assert Checkpoint.objects.get(pk=cp.pk).status == "lifted"


def test_indicator_and_map(client, epi, tree, sealed):
    grid = tree[GRID]
    CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)), reported_at=at(9, 12)
    )
    CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)),
        reported_at=at(9, 20),
        channel="centralised_quarantine",
    )
    client.force_login(epi)
    page = client.get(reverse("areas:indicator") + "?on=2021-09-20").content.decode()
    assert "community transmission basically blocked" in page
    early = client.get(reverse("areas:indicator") + "?on=2021-09-13").content.decode()
    assert "community cases in the window" in early
    data = client.get(reverse("areas:map_data") + "?on=2021-09-20").json()
    assert data["on"] == "2021-09-20" and "boundaries" in data
    before = client.get(reverse("areas:map_data") + "?on=2021-09-10").json()
    assert before["areas"] == []

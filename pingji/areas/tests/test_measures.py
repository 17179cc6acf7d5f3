"""Society-wide measures (docs/decisions/0047-society-wide-measures.md): designated, made stricter,
stepped down and lifted through propose → approve → publish, with the situation frozen on the
proposal, shown on the public list and read by ``lookup.measures_at``; bad input refused, never a
500.
"""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingji.areas.actions import measures, publishing
from pingji.areas.choices import MeasureStatus, TransitionStatus
from pingji.areas.lookup import measures_at
from pingji.areas.measure_settings import LESS, MIXED, STRICTER, clean_setting, closes, compare
from pingji.areas.models import Measure, MeasureChange
from pingji.areas.tests.factories import RiskAreaFactory
from pingji.cases.tests.factories import CaseFactory
from pingji.core import clock
from pingji.core.actions import Conflict
from pingji.core.events import events_for
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

from .conftest import GRID, at

pytestmark = pytest.mark.django_db

#: The clock of these tests: ten days into the September 2021 outbreak.
NOW = at(9, 20, 10)


@pytest.fixture(autouse=True)
def september():
    with clock.pinned(NOW):
        yield


def designate(actor, tree, kind="school_mode", setting=None, code="350322", **extra):
    return measures.do_designate_measure(
        actor=actor,
        jurisdiction=tree[code],
        kind=kind,
        setting={"mode": "closed"} if setting is None else setting,
        legal_basis=extra.pop("legal_basis", "仙防控指〔2021〕9号"),
        decided_at=extra.pop("decided_at", at(9, 19, 18)),
        **extra,
    )


def in_force(epi, commander, tree, **kwargs) -> Measure:
    m = designate(epi, tree, **kwargs)
    measures.do_approve_measure_change(m.changes.get(), actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 19, 20))
    m.refresh_from_db()
    return m


def test_a_measure_takes_effect_when_approved_and_published(epi, commander, tree, client):
    # Given a proposal to close the county's schools from tomorrow
    m = designate(epi, tree, effective_at=at(9, 20, 0))
    change = m.changes.get()
    assert m.status == MeasureStatus.PROPOSED and change.kind == "designate"
    # Then nothing is in force before publication, approved or not
    assert measures_at(GRID, at(9, 20, 9)) == []
    measures.do_approve_measure_change(change, actor=commander)
    assert measures_at(GRID, at(9, 20, 9)) == []
    # When it is published with the list
    pub = publishing.do_publish(tree["350322"], actor=commander, at=at(9, 19, 20))
    m.refresh_from_db()
    assert m.status == MeasureStatus.ACTIVE and m.effective_from == at(9, 20, 0)
    # Then the list holds it, and every jurisdiction below the county reads it from its time on
    assert [(r["kind"], r["setting"]) for r in pub.measures] == [
        ("school_mode", {"mode": "closed"})
    ]
    assert measures_at(GRID, at(9, 19, 23)) == []
    [found] = measures_at(GRID, at(9, 20, 9))
    assert (found.kind, found.setting, found.since) == (
        "school_mode",
        {"mode": "closed"},
        at(9, 20, 0),
    )
    assert found.closes("school") and found.closes("kindergarten") and not found.closes("shop")
    assert measures_at("350206001001001", at(9, 20, 9)) == []  # not in another city
    # And the public page shows it, anonymous, from the snapshot
    page = client.get(reverse("areas:public")).content.decode()
    assert "school mode" in page and 'data-kind="school_mode"' in page
    kinds = [e.kind for e in sorted(events_for(m), key=lambda e: (e.recorded_at, e.pk))]
    assert kinds == ["areas.measure_proposed", "areas.measure_approved", "areas.measure_published"]


def test_step_down_and_lifting_follow_the_same_path(epi, commander, tree, client):
    m = in_force(epi, commander, tree, kind="workplace_attendance", setting={"share": 0})
    down = measures.do_propose_measure_change(
        m,
        actor=epi,
        kind="step_down",
        setting={"share": 0.5},
        decided_at=at(9, 20, 8),
        effective_at=at(9, 21, 0),
    )
    assert down.from_setting == {"share": 0.0} and down.to_setting == {"share": 0.5}
    measures.do_approve_measure_change(down, actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 20, 9))
    assert measures_at(GRID, at(9, 20, 12))[0].setting == {"share": 0.0}  # as it was then
    assert measures_at(GRID, at(9, 21, 1))[0].setting == {"share": 0.5}
    m.refresh_from_db()
    lift = measures.do_propose_measure_change(
        m, actor=epi, kind="lift", decided_at=at(9, 20, 9), effective_at=at(9, 22, 0)
    )
    measures.do_approve_measure_change(lift, actor=commander)
    pub = publishing.do_publish(tree["350322"], actor=commander, at=at(9, 20, 10))
    m.refresh_from_db()
    assert m.status == MeasureStatus.LIFTED and m.lifted_at == at(9, 22, 0)
    assert measures_at(GRID, at(9, 22, 1)) == []
    assert [r["status"] for r in pub.measures] == ["lifted"]  # shown lifted on this list only
    page = client.get(reverse("areas:public")).content.decode()
    assert 'data-status="lifted"' in page
    export = client.get(reverse("areas:public_export"))
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book["Society-wide measures"].values)
    assert rows[1][3] == "workplace attendance" and rows[1][4] == "lifted"
    client.force_login(commander)
    staff = client.get(pub.get_absolute_url()).content.decode()
    assert 'data-kind="workplace_attendance"' in staff


def test_the_evidence_is_the_situation_recorded_by_the_decision(epi, tree):
    # Given a sealed area in force in the county and two local cases, one entered only later
    RiskAreaFactory(jurisdiction=tree["350322"], name="东门封控区")
    household = HouseholdFactory(jurisdiction=tree[GRID])
    with clock.pinned(at(9, 16, 10)):  # entered the day it was reported
        CaseFactory(person=PersonFactory(household=household), reported_at=at(9, 16, 9))
    # reported on the 18th, but entered only after the decision below
    CaseFactory(person=PersonFactory(household=household), reported_at=at(9, 18, 9))
    m = designate(epi, tree, decided_at=at(9, 19, 18))
    evidence = m.changes.get().evidence
    assert evidence["areas_in_force"] == 1 and evidence["areas"][0]["name"] == "东门封控区"
    assert evidence["areas_by_level"] == {"sealed": 1}
    # the late entry was not known at the decision: the last case is the one of the 16th
    assert evidence["last_local_infection_on"] == "2021-09-16"
    assert evidence["days_since_last_local_infection"] == 3
    assert evidence["local_infections_14_days"] == 1


def test_a_change_published_late_is_not_in_force_before_its_publication(epi, commander, tree):
    # Given a measure decided on the 18th to take effect at once, but published only on the 19th
    m = designate(epi, tree, decided_at=at(9, 18, 9), effective_at=at(9, 18, 10))
    measures.do_approve_measure_change(m.changes.get(), actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 19, 20))
    # Then, as recorded (decision 0030), nothing was in force on the 18th or the 19th's morning
    assert measures_at(GRID, at(9, 18, 23)) == []
    assert measures_at(GRID, at(9, 19, 19)) == []
    # and from its publication on, it is, since the time it took effect
    [found] = measures_at(GRID, at(9, 19, 21))
    assert found.since == at(9, 18, 10)


def test_a_townships_evidence_counts_the_county_areas_lying_in_it(epi, tree, compound):
    # Given three areas the county decided: one on a compound of the township's grid, one over
    # the whole county, and one on a place the county holds outside the township
    RiskAreaFactory(jurisdiction=tree["350322"], name="东门封控区", extent=[compound])
    whole = RiskAreaFactory(jurisdiction=tree["350322"], name="全县管控区", level="controlled")
    whole.places.clear()
    whole.jurisdictions.set([tree["350322"]])
    RiskAreaFactory(jurisdiction=tree["350322"], name="县城封控区")
    # When the township proposes a measure
    m = designate(epi, tree, code="350322100", decided_at=at(9, 19, 18))
    evidence = m.changes.get().evidence
    # Then the compound's area and the county-wide one lie in it, the third does not
    assert {a["name"] for a in evidence["areas"]} == {"全县管控区", "东门封控区"}
    assert evidence["areas_by_level"] == {"sealed": 1, "controlled": 1}
    # and the county's own evidence still counts all three
    county = designate(epi, tree, kind="gatherings", setting={"max_size": 50})
    assert county.changes.get().evidence["areas_in_force"] == 3


@pytest.mark.parametrize(
    ("kind", "setting", "field"),
    [
        ("curfew", {"hours": 1}, "kind"),
        ("gatherings", {"max_size": 50, "extra": 1}, "setting"),
        ("gatherings", {}, "setting"),
        ("gatherings", {"max_size": -1}, "setting"),
        ("gatherings", {"max_size": 10**9}, "setting"),
        ("gatherings", {"max_size": "50"}, "setting"),
        ("gatherings", {"max_size": True}, "setting"),
        ("gatherings", [50], "setting"),
        ("workplace_attendance", {"share": 1.5}, "setting"),
        ("workplace_attendance", {"share": -0.1}, "setting"),
        ("workplace_attendance", {"share": float("nan")}, "setting"),
        ("public_transport", {"mode": "reduced"}, "setting"),
        ("public_transport", {"mode": "reduced", "share": 1}, "setting"),
        ("public_transport", {"mode": "normal", "share": 0.5}, "setting"),
        ("public_transport", {"mode": "rocket"}, "setting"),
        ("school_mode", {"mode": "hybrid"}, "setting"),
        ("venue_closure", {"venue_kinds": []}, "setting"),
        ("venue_closure", {"venue_kinds": ["casino"]}, "setting"),
        ("venue_closure", {"venue_kinds": "shop"}, "setting"),
        ("mass_testing", {"cadence_days": 0, "pooling": "pooled"}, "setting"),
        ("mass_testing", {"cadence_days": 2, "pooling": "mixed"}, "setting"),
        ("mass_testing", {"cadence_days": 2}, "setting"),
        ("exit_test", {"hours": -48}, "setting"),
        ("exit_test", {"hours": 100000}, "setting"),
        ("exit_test", {"hours": 48.5}, "setting"),
    ],
)
def test_a_setting_that_does_not_fit_its_kind_is_refused(epi, tree, kind, setting, field):
    with pytest.raises(ValidationError) as err:
        designate(epi, tree, kind=kind, setting=setting)
    assert field in err.value.message_dict
    assert not Measure.objects.exists() and not MeasureChange.objects.exists()


def test_settings_are_normalised_and_compared():
    assert clean_setting("venue_closure", {"venue_kinds": ["shop", "market", "shop"]}) == {
        "venue_kinds": ["market", "shop"]
    }
    assert clean_setting("exit_test", {"hours": 48}) == {"hours": 48}
    assert compare("gatherings", {"max_size": 10}, {"max_size": 50}) == LESS
    assert compare("school_mode", {"mode": "online"}, {"mode": "closed"}) == STRICTER
    relaxed_cadence_tighter_pooling = compare(
        "mass_testing",
        {"cadence_days": 1, "pooling": "pooled"},
        {"cadence_days": 3, "pooling": "single"},
    )
    assert relaxed_cadence_tighter_pooling == MIXED
    assert compare("venue_closure", {"venue_kinds": ["shop"]}, {"venue_kinds": ["market"]}) == MIXED
    assert (
        compare("public_transport", {"mode": "suspended"}, {"mode": "reduced", "share": 0.3})
        == LESS
    )
    assert closes("venue_closure", {"venue_kinds": ["market"]}, "market")
    assert closes("workplace_attendance", {"share": 0.0}, "enterprise")
    assert not closes("workplace_attendance", {"share": 0.0}, "school")
    assert not closes("workplace_attendance", {"share": 0.2}, "enterprise")
    assert not closes("school_mode", {"mode": "staggered"}, "school")


def test_a_step_down_must_be_less_strict_and_a_raise_stricter(epi, commander, tree):
    m = in_force(epi, commander, tree, kind="gatherings", setting={"max_size": 50})
    for kind, setting in [
        ("step_down", {"max_size": 50}),
        ("step_down", {"max_size": 10}),
        ("raise", {"max_size": 100}),
        ("step_down", {"max_size": 100, "extra": 1}),
        ("lift", {"max_size": 100}),
    ]:
        with pytest.raises(ValidationError) as err:
            measures.do_propose_measure_change(
                m, actor=epi, kind=kind, setting=setting, decided_at=at(9, 20, 8)
            )
        assert "setting" in err.value.message_dict, (kind, setting)
    with pytest.raises(ValidationError) as err:
        measures.do_propose_measure_change(m, actor=epi, kind="designate", decided_at=at(9, 20, 8))
    assert "kind" in err.value.message_dict
    raised = measures.do_propose_measure_change(
        m, actor=epi, kind="raise", setting={"max_size": 10}, decided_at=at(9, 20, 8)
    )
    assert raised.kind == "raise" and m.changes.count() == 2


def test_only_a_measure_in_force_is_changed_or_lifted_and_one_change_at_a_time(
    epi, commander, tree
):
    proposed = designate(epi, tree)
    with pytest.raises(Conflict):
        measures.do_propose_measure_change(proposed, actor=epi, kind="lift", decided_at=at(9, 20))
    with pytest.raises(Conflict):  # a second measure of the same kind in the same county
        designate(epi, tree, setting={"mode": "online"})
    m = in_force(epi, commander, tree, kind="exit_test", setting={"hours": 48})
    measures.do_propose_measure_change(m, actor=epi, kind="lift", decided_at=at(9, 20))
    with pytest.raises(Conflict):
        measures.do_propose_measure_change(m, actor=epi, kind="lift", decided_at=at(9, 20))


def test_times_out_of_bounds_are_refused(epi, commander, tree):
    cases = [
        ({"decided_at": at(9, 20, 12)}, "decided_at"),  # after the clock's now
        ({"decided_at": at(8, 1)}, "decided_at"),  # months before it: a typing error
        ({"decided_at": at(9, 19), "effective_at": at(9, 18)}, "effective_at"),
        ({"decided_at": at(9, 19), "effective_at": at(12, 1)}, "effective_at"),
        ({"decided_at": None}, "decided_at"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as err:
            designate(epi, tree, **extra)
        assert field in err.value.message_dict, extra
    m = in_force(epi, commander, tree, kind="exit_test", setting={"hours": 24})
    with pytest.raises(ValidationError) as err:  # before the setting in force took effect
        measures.do_propose_measure_change(
            m,
            actor=epi,
            kind="step_down",
            setting={"hours": 48},
            decided_at=at(9, 19, 12),
            effective_at=at(9, 19, 12),
        )
    assert "effective_at" in err.value.message_dict
    assert not Measure.objects.exclude(pk=m.pk).exists()


def test_outside_the_jurisdiction_or_the_deciding_levels_is_refused(epi, make_user, tree):
    huli = make_user(Role.EPIDEMIOLOGIST, "350206", username="huli-epi")
    with pytest.raises(PermissionDenied):
        designate(huli, tree)
    with pytest.raises(ValidationError) as err:  # a grid decides no measure
        designate(epi, tree, code=GRID)
    assert "jurisdiction" in err.value.message_dict
    auditor = make_user(Role.AUDITOR, "350322", username="auditor")
    with pytest.raises(PermissionDenied):
        designate(auditor, tree)
    assert not Measure.objects.exists()


def test_four_eyes_at_the_county_or_above(epi, commander, make_user, tree):
    township = make_user(Role.COMMANDER, "350322100", username="township-commander")
    m = designate(township, tree, code="350322100")
    change = m.changes.get()
    with pytest.raises(PermissionDenied):  # its own proposal
        measures.do_approve_measure_change(change, actor=township)
    with pytest.raises(PermissionDenied):  # an epidemiologist holds no approval
        measures.do_approve_measure_change(change, actor=epi)
    measures.do_approve_measure_change(change, actor=commander)
    with pytest.raises(Conflict):
        measures.do_approve_measure_change(change, actor=commander)
    with pytest.raises(Conflict):
        measures.do_reject_measure_change(change, actor=commander, note="late")
    other = designate(epi, tree, kind="gatherings", setting={"max_size": 0})
    with pytest.raises(ValidationError):
        measures.do_reject_measure_change(other.changes.get(), actor=commander, note=" ")
    measures.do_reject_measure_change(other.changes.get(), actor=commander, note="not needed")
    other.refresh_from_db()
    assert other.status == MeasureStatus.WITHDRAWN


def test_api_designate_propose_approve_reject(api, epi, commander, make_user, tree):
    body = {
        "jurisdiction": "350322",
        "kind": "mass_testing",
        "setting": {"cadence_days": 1, "pooling": "pooled"},
        "legal_basis": "仙防控指〔2021〕10号",
        "decided_at": "2021-09-19T18:00:00+08:00",
    }
    bad = [
        {**body, "kind": "curfew"},
        {**body, "setting": {"cadence_days": 1}},
        {**body, "setting": {"cadence_days": 10**12, "pooling": "pooled"}},
        {**body, "setting": "daily"},
        {**body, "decided_at": "2031-01-01T00:00:00+08:00"},
        {**body, "decided_at": "2021-09-19T18:00:00+08:00", "effective_at": "2099-01-01T00:00"},
        {**body, "jurisdiction": "350206"},  # another city's county does not exist for epi
        {**body, "jurisdiction": "999999"},
    ]
    for wrong in bad:
        answer = api(epi).post("/api/areas/measures/", wrong, format="json")
        assert answer.status_code == 400, (wrong, answer.content)
    assert not Measure.objects.exists()
    made = api(epi).post("/api/areas/measures/", body, format="json")
    assert made.status_code == 201, made.json()
    [change] = api(epi).get("/api/areas/measure-changes/").json()["results"]
    cid = change["id"]
    url = f"/api/areas/measure-changes/{cid}/"
    assert change["evidence"]["as_of"].startswith("2021-09-19T")
    assert api(epi).post(f"{url}approve/", {}, format="json").status_code == 404  # its proposer
    done = api(commander).post(f"{url}approve/", {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert api(commander).post(f"{url}approve/", {}, format="json").status_code == 409
    assert api(commander).post(f"{url}reject/", {"note": "x"}, format="json").status_code == 409
    pub = api(commander).post("/api/areas/publications/", {"jurisdiction": "350322"}, format="json")
    assert pub.status_code == 201 and pub.json()["measures"][0]["kind"] == "mass_testing"
    mid = made.json()["id"]
    propose = f"/api/areas/measures/{mid}/propose/"
    day = "2021-09-20T08:00:00+08:00"
    for wrong in [
        {
            "kind": "step_down",
            "setting": {"cadence_days": 1, "pooling": "single"},
            "decided_at": day,
        },
        {
            "kind": "step_down",
            "setting": {"cadence_days": 3, "pooling": "single"},
            "decided_at": day,
        },
        {
            "kind": "sideways",
            "setting": {"cadence_days": 3, "pooling": "pooled"},
            "decided_at": day,
        },
        {"kind": "lift", "setting": {"cadence_days": 3, "pooling": "pooled"}, "decided_at": day},
        {"kind": "lift"},  # no decision time
        {"kind": "lift", "decided_at": "yesterday"},
        {"kind": "lift", "decided_at": "2021-09-20T08:00:00+08:00", "effective_at": "2021-01-01"},
    ]:
        answer = api(epi).post(propose, wrong, format="json")
        assert answer.status_code == 400, (wrong, answer.content)
    down = api(epi).post(
        propose,
        {
            "kind": "step_down",
            "setting": {"cadence_days": 3, "pooling": "pooled"},
            "decided_at": "2021-09-20T08:00:00+08:00",
        },
        format="json",
    )
    assert down.status_code == 201, down.json()
    again = api(epi).post(
        propose, {"kind": "lift", "decided_at": "2021-09-20T08:00:00+08:00"}, format="json"
    )
    assert again.status_code == 409
    outsider = api(make_user(Role.COMMANDER, "350206", username="huli-commander"))
    assert outsider.post(propose, {"kind": "lift"}, format="json").status_code == 404
    rid = down.json()["id"]
    rejected = api(commander).post(
        f"/api/areas/measure-changes/{rid}/reject/", {"note": "too early"}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_pages_list_propose_detail_and_decide(client, epi, commander, tree):
    client.force_login(epi)
    assert client.get(reverse("areas:measure_list")).status_code == 200
    new = reverse("areas:measure_create")
    assert client.get(new).status_code == 200
    form = {
        "jurisdiction": "350322",
        "kind": "venue_closure",
        "venue_kinds": ["shop", "market"],
        "legal_basis": "仙防控指〔2021〕11号",
        "decided_at": "2021-09-19T18:00",
    }
    assert client.post(new, {**form, "kind": "no-such"}).status_code == 400
    assert client.post(new, {**form, "venue_kinds": []}).status_code == 400
    assert client.post(new, {**form, "decided_at": "2030-01-01T00:00"}).status_code == 400
    assert not Measure.objects.exists()
    done = client.post(new, form)
    assert done.status_code == 302
    m = Measure.objects.get()
    assert m.setting == {"venue_kinds": ["market", "shop"]}
    change = m.changes.get()
    page = client.get(change.get_absolute_url()).content.decode()
    assert 'id="evidence"' in page and 'id="approve"' not in page  # the proposer may not decide
    client.force_login(commander)
    page = client.get(change.get_absolute_url()).content.decode()
    assert 'id="approve"' in page
    approve = reverse("areas:measure_change_approve", args=[change.pk])
    assert client.post(approve, {"note": ""}).status_code == 302
    assert client.post(approve, {"note": ""}).status_code == 409
    change.refresh_from_db()
    assert change.status == TransitionStatus.APPROVED
    page = client.get(change.get_absolute_url()).content.decode()
    assert 'id="publish"' in page
    assert client.post(reverse("areas:publish"), {"jurisdiction": "350322"}).status_code == 302
    m.refresh_from_db()
    assert m.status == MeasureStatus.ACTIVE
    client.force_login(epi)
    propose = reverse("areas:measure_propose", args=[m.pk])
    wider = {"kind": "step_down", "venue_kinds": ["shop", "market", "venue"]}
    assert client.post(propose, {**wider, "decided_at": "2021-09-20T08:00"}).status_code == 400
    narrower = {"kind": "step_down", "venue_kinds": ["shop"], "decided_at": "2021-09-20T08:00"}
    assert client.post(propose, narrower).status_code == 302
    assert client.post(propose, narrower).status_code == 409
    assert client.get(m.get_absolute_url()).status_code == 200


def test_pages_outside_are_404_and_a_kept_past_day_refuses_writes(client, epi, make_user, tree):
    m = designate(epi, tree)
    huli = make_user(Role.COMMANDER, "350206", username="huli-commander")
    client.force_login(huli)
    assert client.get(m.get_absolute_url()).status_code == 404
    assert client.get(m.changes.get().get_absolute_url()).status_code == 404
    approve = reverse("areas:measure_change_approve", args=[m.changes.get().pk])
    assert client.post(approve, {}).status_code == 404
    client.force_login(epi)
    client.get(reverse("areas:measure_list") + "?as_of=2021-09-18")  # viewing a past day
    answer = client.post(
        reverse("areas:measure_create"),
        {"jurisdiction": "350322", "kind": "gatherings", "max_size": 10},
    )
    assert answer.status_code == 409
    assert Measure.objects.count() == 1


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    ["venue_kinds", "mode", "share", "max_size", "cadence_days", "pooling", "hours"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    kind=st.sampled_from(
        [
            "venue_closure",
            "school_mode",
            "gatherings",
            "public_transport",
            "workplace_attendance",
            "mass_testing",
            "exit_test",
            "",
            "x" * 40,
        ]
    ),
    setting=JSON | st.dictionaries(KEYS, JSON, max_size=3),
)
def test_no_setting_makes_a_server_error(api, epi, kind, setting):
    body = {
        "jurisdiction": "350322100",
        "kind": kind,
        "setting": setting,
        "legal_basis": "x",
        "decided_at": "2021-09-19T18:00:00+08:00",
    }
    answer = api(epi).post("/api/areas/measures/", body, format="json")
    assert answer.status_code in (201, 400, 409), answer.content
    if answer.status_code == 201:
        mid = answer.json()["id"]
        step = api(epi).post(
            f"/api/areas/measures/{mid}/propose/",
            {"kind": "step_down", "setting": setting, "decided_at": "2021-09-20T08:00:00+08:00"},
            format="json",
        )
        assert step.status_code in (400, 409), step.content  # not in force: refused

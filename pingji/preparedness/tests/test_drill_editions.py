"""A drill runs under the protocol version it names, bound to its sandboxes only (decision 0020).

Dated today, with no 2021 dates: the version in force is the Class B end state, which no longer
traces or dispatches contacts, so a county practising the next outbreak chooses the 9th edition.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction
from pingji.preparedness.actions.drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_plan_drill,
    do_remove_drill_data,
    do_set_drill_protocol,
    do_start_drill,
)
from pingji.preparedness.models import Drill
from pingji.protocols import rules
from pingji.protocols.models import Protocol
from pingji.protocols.tests.factories import ProtocolFactory, bundled_rules, national
from pingji.protocols.versions import protocol_for
from pingji.quarantine.actions.sites import do_create_site
from pingji.tracing.actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_record_dispatch_outcome,
)
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

CLASS_B, NINTH = "cn-class-b", "cn-9th-edition"


@pytest.fixture
def planner(make_user):
    return make_user(Role.ADMINISTRATOR, "35", username="province-admin")


@pytest.fixture
def receiver(make_user):
    return make_user(Role.OPERATOR, "350206")


def plan(tree, actor, partner="350206", **extra) -> Drill:
    return do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "partner": tree[partner] if partner else None,
            "title": "Next outbreak drill",
            "kind": "functional",
            "scenario": "A confirmed case in community screening; a contact lives in Huli.",
            "planned_for": timezone.now(),
            **extra,
        },
        actor=actor,
    )


def bound(code: str) -> Protocol:
    """The version every domain applies in the sandbox today."""
    return protocol_for(f"{code}001001")


def test_a_drill_dated_today_practises_the_9th_edition_while_the_real_counties_stay_class_b(
    tree, planner, admin, receiver
):
    drill = plan(tree, planner, protocol=national(NINTH))
    do_start_drill(drill, actor=admin)
    # the 9th edition rules both sandboxes, the real counties keep the version in force
    for sandbox in (drill.sandbox_code, drill.partner_sandbox_code):
        assert bound(sandbox).based_on == national(NINTH)
        assert bound(sandbox).rules == national(NINTH).rules
    for county in ("350322", "350206", "350322100001001"):
        assert protocol_for(county).code == CLASS_B
    events = DomainEvent.objects.filter(kind="protocols.drill_sandbox_bound")
    assert sorted(events.values_list("jurisdiction_code", "actor")) == [
        ("350206", admin.pk),
        ("350322", admin.pk),
    ]

    # case → investigation → contact → dispatch, all under the 9th edition
    case = do_inject_case(drill, actor=admin)
    investigation = do_open_investigation(case, actor=admin)
    assert investigation.protocol.based_on == national(NINTH)
    contact = do_inject_contact(drill, actor=admin)
    dispatch = Dispatch.objects.get()
    assert dispatch.source == contact and dispatch.jurisdiction_id == drill.partner_sandbox_code
    do_acknowledge_dispatch(dispatch, actor=receiver)
    site = do_create_site(  # the 9th edition starts close contacts in centralised quarantine
        actor=receiver,
        name="湖里区演练隔离点",
        kind="hotel",
        jurisdiction=Jurisdiction.objects.get(code=drill.partner_sandbox_code),
        rooms=10,
    )
    do_record_dispatch_outcome(
        dispatch, actor=receiver, outcome="controlled", control={"site": site.pk}
    )

    # the report judges against the 9th edition's deadlines
    do_finish_drill(drill, actor=admin)
    steps = {s["step"]: s for s in drill.report["steps"]}
    hours = rules.investigation(national(NINTH)).core_facts_hours
    due = timezone.localtime(case.reported_at + datetime.timedelta(hours=hours))
    assert steps["core_facts"]["due_at"] == due.isoformat(timespec="minutes")
    assert steps["dispatch"]["done_at"] and steps["controlled"]["met"] is True

    # removal takes the bindings too; the real counties never had one
    do_remove_drill_data(drill, actor=admin)
    assert not Protocol.objects.filter(jurisdiction_code__contains="901").exists()
    assert protocol_for(f"{drill.sandbox_code}001001").code == CLASS_B
    unbound = DomainEvent.objects.filter(kind="protocols.drill_sandbox_unbound")
    assert sorted(unbound.values_list("jurisdiction_code", flat=True)) == ["350206", "350322"]
    drill.refresh_from_db()
    assert drill.protocol == national(NINTH) and drill.status == "removed"


def test_by_default_a_drill_runs_under_the_version_in_force_which_no_longer_dispatches(
    tree, planner, admin
):
    drill = plan(tree, planner)
    assert drill.protocol is None
    do_start_drill(drill, actor=admin)
    assert drill.protocol.code == CLASS_B and bound(drill.sandbox_code).based_on == drill.protocol
    do_open_investigation(do_inject_case(drill, actor=admin), actor=admin)
    with pytest.raises(ValidationError):
        do_inject_contact(drill, actor=admin)
    assert not Dispatch.objects.exists()


def test_a_version_chosen_before_the_start_and_not_after(tree, admin):
    drill = plan(tree, admin, partner=None)
    do_set_drill_protocol(drill, protocol=national(NINTH), actor=admin)
    assert Drill.objects.get(pk=drill.pk).protocol == national(NINTH)
    do_set_drill_protocol(drill, protocol=None, actor=admin)  # back to the one in force
    assert Drill.objects.get(pk=drill.pk).protocol is None
    do_start_drill(drill, actor=admin)
    with pytest.raises(ValidationError) as exc:
        do_set_drill_protocol(drill, protocol=national(NINTH), actor=admin)
    assert "chosen before the drill starts" in exc.value.message_dict["protocol"][0]
    drill.refresh_from_db()
    assert drill.protocol.code == CLASS_B
    assert bound(drill.sandbox_code).based_on.code == CLASS_B


def _broken() -> Protocol:
    """A version whose rules fail validation (written around the actions, as an import could)."""
    broken = bundled_rules(NINTH)
    del broken["dispatch"]["clause"]
    return Protocol.objects.create(
        code="broken",
        name="损坏的方案",
        jurisdiction_code="35",
        effective_from=datetime.date(2022, 7, 1),
        rules=broken,
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: ProtocolFactory(
                jurisdiction_code="35",
                effective_from=timezone.localdate() + datetime.timedelta(days=30),
            ),
            "choose a published version",
        ),
        (_broken, "invalid rules"),
        (lambda: ProtocolFactory(jurisdiction_code="3502"), "does not apply"),
        # the drilling county's own version rules nothing in the receiving county's tree
        (lambda: ProtocolFactory(jurisdiction_code="350322"), "does not apply"),
    ],
    ids=["not yet published", "invalid rules", "another city's", "the county's own, two counties"],
)
def test_a_version_the_drill_cannot_run_under_is_refused_and_nothing_saved(
    tree, planner, make, message
):
    version = make()
    with pytest.raises(ValidationError) as exc:
        plan(tree, planner, protocol=version)
    assert message in exc.value.message_dict["protocol"][0]
    assert not Drill.objects.exists()
    drill = plan(tree, planner)
    with pytest.raises(ValidationError):
        do_set_drill_protocol(drill, protocol=version, actor=planner)
    assert Drill.objects.get(pk=drill.pk).protocol is None


def test_a_version_amended_to_broken_rules_after_planning_stops_the_start(tree, admin):
    version = ProtocolFactory(jurisdiction_code="35", effective_from=datetime.date(2022, 7, 1))
    drill = plan(tree, admin, partner=None, protocol=version)
    broken = bundled_rules()
    del broken["dispatch"]["clause"]
    Protocol.objects.filter(pk=version.pk).update(rules=broken)
    with pytest.raises(ValidationError) as exc:
        do_start_drill(drill, actor=admin)
    assert "invalid rules" in str(exc.value)
    assert drill.status == "planned" and not drill.sandbox_code
    assert Drill.objects.get(pk=drill.pk).status == "planned"
    assert not Protocol.objects.filter(based_on=version).exists()


def test_a_sandbox_binding_cannot_be_chosen_and_is_scoped_to_its_counties(
    tree, planner, admin, receiver
):
    drill = plan(tree, planner, protocol=national(NINTH))
    do_start_drill(drill, actor=admin)
    mine, theirs = bound(drill.sandbox_code), bound(drill.partner_sandbox_code)
    with pytest.raises(ValidationError):
        plan(tree, planner, protocol=mine)
    # each county sees its own sandbox's binding, never the other's
    assert Protocol.objects.restrict(admin).filter(pk=mine.pk).exists()
    assert not Protocol.objects.restrict(admin).filter(pk=theirs.pk).exists()
    assert Protocol.objects.restrict(receiver).filter(pk=theirs.pk).exists()
    assert not Protocol.objects.restrict(receiver).filter(pk=mine.pk).exists()
    other = plan(tree, planner, title="Second drill")
    with pytest.raises(PermissionDenied):  # the receiving county never sees the drill itself
        do_set_drill_protocol(other, protocol=national(NINTH), actor=receiver)
    assert Drill.objects.get(pk=other.pk).protocol is None


def test_the_version_on_the_page(client, tree, admin):
    drill = plan(tree, admin, partner=None)
    client.force_login(admin)
    page = client.get(drill.get_absolute_url()).content.decode()
    assert 'id="protocol-form"' in page and national(NINTH).name in page
    assert national(CLASS_B).name in page
    url = f"/preparedness/drills/{drill.pk}/protocol/"
    assert client.post(url, {"protocol": "999999"}).status_code == 400  # unknown
    assert Drill.objects.get(pk=drill.pk).protocol is None
    assert client.post(url, {"protocol": national(NINTH).pk}).status_code == 302
    assert Drill.objects.get(pk=drill.pk).protocol == national(NINTH)
    client.post(f"/preparedness/drills/{drill.pk}/start/")
    refused = client.post(url, {"protocol": national(CLASS_B).pk})
    assert refused.status_code == 400
    assert "chosen before the drill starts" in refused.content.decode()
    page = client.get(drill.get_absolute_url()).content.decode()
    assert 'id="protocol-form"' not in page
    assert national(NINTH).name in page
    assert Drill.objects.get(pk=drill.pk).protocol == national(NINTH)


def test_the_version_through_the_api(api, tree, admin, outsider):
    body = {
        "jurisdiction": "350322",
        "title": "API drill",
        "kind": "functional",
        "scenario": "x",
        "planned_for": timezone.now().isoformat(),
    }
    unknown = api(admin).post("/api/preparedness/drills/", {**body, "protocol": 999999})
    assert unknown.status_code == 400 and "protocol" in unknown.json()
    future = ProtocolFactory(effective_from=timezone.localdate() + datetime.timedelta(days=1))
    refused = api(admin).post("/api/preparedness/drills/", {**body, "protocol": future.pk})
    assert refused.status_code == 400 and "published" in refused.json()["protocol"][0]
    assert not Drill.objects.exists()
    made = api(admin).post("/api/preparedness/drills/", {**body, "protocol": national(NINTH).pk})
    assert made.status_code == 201, made.json()
    assert made.json()["protocol"] == national(NINTH).pk
    assert made.json()["protocol_name"] == str(national(NINTH))
    url = f"/api/preparedness/drills/{made.json()['id']}/"
    assert (
        api(outsider).post(f"{url}protocol/", {"protocol": None}, format="json").status_code == 404
    )
    cleared = api(admin).post(f"{url}protocol/", {"protocol": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["protocol"] is None
    assert api(admin).post(f"{url}start/").status_code == 200
    late = api(admin).post(f"{url}protocol/", {"protocol": national(NINTH).pk}, format="json")
    assert late.status_code == 400 and "protocol" in late.json()
    assert api(admin).get(url).json()["protocol"] == national(CLASS_B).pk

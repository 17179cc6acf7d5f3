"""Drill mode: a sandbox of its own, the real workflow timed, never mixed, removable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pingji.cases.models import Case
from pingji.core.models import DomainEvent
from pingji.geo.drills import real_only
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.preparedness.actions.drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_plan_drill,
    do_record_drill_step,
    do_record_finding,
    do_remove_drill_data,
    do_start_drill,
)
from pingji.preparedness.models import Drill
from pingji.tasks.models import Task
from pingji.tracing.actions.contacts import do_add_contact
from pingji.tracing.actions.dispatch import do_dispatch_person
from pingji.tracing.actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_record_dispatch_outcome,
)
from pingji.tracing.actions.investigations import do_complete_core, do_open_investigation
from pingji.tracing.models import Contact, Dispatch
from pingji.users.choices import Role

from .factories import DrillFactory

T0 = timezone.make_aware(datetime.datetime(2021, 8, 20, 9))
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def drill(tree, admin):
    return do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "title": "Delta drill",
            "kind": "functional",
            "scenario": "A confirmed case in community screening.",
            "planned_for": T0,
        },
        actor=admin,
    )


def test_a_drill_runs_in_a_flagged_sandbox_and_real_figures_exclude_it(drill, admin):
    do_start_drill(drill, actor=admin, at=T0)
    assert drill.sandbox_code == "350322901" and drill.status == "running"
    sandbox = Jurisdiction.objects.filter(code__startswith="350322901")
    assert sandbox.count() == 3 and all(j.drill for j in sandbox)
    assert not Jurisdiction.objects.real().filter(code__startswith="350322901").exists()
    assert Jurisdiction.objects.real().filter(code="350322").exists()
    case = do_inject_case(drill, actor=admin, at=T0)
    assert case.jurisdiction_id.startswith("350322901")
    assert not Case.objects.filter(jurisdiction__drill=False).exists()


def test_the_report_times_each_step_against_the_protocol(drill, admin):
    do_start_drill(drill, actor=admin, at=T0)
    case = do_inject_case(drill, actor=admin, at=T0 + HOUR)
    investigation = do_open_investigation(case, actor=admin)
    do_complete_core(investigation, actor=admin, summary="core facts")
    do_record_drill_step(drill, step="dispatch", done_at=T0 + 2 * HOUR, actor=admin)
    with pytest.raises(ValidationError):  # once per step
        do_record_drill_step(drill, step="dispatch", done_at=T0 + 3 * HOUR, actor=admin)
    do_finish_drill(drill, actor=admin)
    times = dict(DomainEvent.objects.filter(object_id=str(drill.pk)).values_list("kind", "time"))
    # each event is dated when it happened, not when it was typed in (the record time)
    assert times["preparedness.drill_started"] == T0
    assert times["preparedness.drill_step_recorded"] == T0 + 2 * HOUR
    steps = {s["step"]: s for s in drill.report["steps"]}
    assert steps["case_reported"]["minutes"] == 0
    # opened and core facts recorded now (2026), long after the 2021 report: both late
    assert steps["investigation_opened"]["met"] is False and steps["core_facts"]["met"] is False
    assert steps["core_facts"]["due_at"] == "2021-08-20T14:00+08:00"
    assert steps["full_report"]["done_at"] is None and steps["full_report"]["met"] is False
    assert steps["dispatch"]["minutes"] == 60 and steps["dispatch"]["met"] is None
    # located and controlled due 24 h after the dispatch, never done
    assert steps["controlled"]["met"] is False
    assert steps["controlled"]["due_at"] == "2021-08-21T11:00+08:00"
    assert steps["quarantine"]["met"] is None
    assert drill.score == 0


def test_drill_data_touching_real_records_is_refused(tree, drill, admin):
    do_start_drill(drill, actor=admin, at=T0)
    case = do_inject_case(drill, actor=admin, at=T0)
    investigation = do_open_investigation(case, actor=admin)
    real = PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001001"]))
    before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        do_add_contact(
            investigation,
            person=real,
            tier="close_contact",
            setting="household",
            last_exposure_at=T0 - HOUR,
            actor=admin,
        )
    assert "Drill data cannot touch real records" in str(exc.value)
    assert not investigation.contacts.exists() and Person.objects.count() == before


def test_removal_deletes_the_sandbox_and_keeps_the_report(tree, drill, admin):
    do_start_drill(drill, actor=admin, at=T0)
    case = do_inject_case(drill, actor=admin, at=T0)
    do_open_investigation(case, actor=admin)
    with pytest.raises(ValidationError):  # only a finished drill's data are removed
        do_remove_drill_data(drill, actor=admin)
    do_finish_drill(drill, actor=admin)
    finding = do_record_finding(
        drill, text="Investigation opened late", actor=admin, deadline=T0 + 240 * HOUR
    )
    removed = do_remove_drill_data(drill, actor=admin)
    assert removed > 0
    assert not Jurisdiction.objects.filter(code__startswith="350322901").exists()
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not DomainEvent.objects.filter(jurisdiction_code__startswith="350322901").exists()
    drill.refresh_from_db()
    assert drill.status == "removed" and drill.report["steps"]
    assert Task.objects.filter(pk=finding.task_id).exists()  # the improvement stays with the county
    assert Jurisdiction.objects.filter(code="350322").exists()


def test_a_drill_is_run_by_a_county_and_outsiders_are_refused(tree, admin, outsider):
    with pytest.raises(ValidationError):
        do_plan_drill(
            {
                "jurisdiction": tree["3503"],
                "title": "x",
                "kind": "full",
                "scenario": "x",
                "planned_for": T0,
            },
            actor=admin,
        )
    drill = DrillFactory(jurisdiction=tree["350322"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_start_drill(drill, actor=outsider)
    assert Drill.objects.get(pk=drill.pk).status == "planned"


def test_drill_pages(client, drill, admin):
    client.force_login(admin)
    assert client.post(f"/preparedness/drills/{drill.pk}/start/").status_code == 302
    assert client.post(f"/preparedness/drills/{drill.pk}/inject/").status_code == 302
    page = client.get(drill.get_absolute_url())
    assert page.status_code == 200 and "case reported" in page.content.decode()
    bad = client.post(f"/preparedness/drills/{drill.pk}/step/", {"step": "nope", "done_at": "x"})
    assert bad.status_code == 400
    assert client.post(f"/preparedness/drills/{drill.pk}/finish/").status_code == 302
    drill.refresh_from_db()
    assert drill.status == "finished"


@pytest.fixture
def planner(make_user):
    """The province: a drill of two counties is planned by a level that sees both."""
    return make_user(Role.ADMINISTRATOR, "35", username="province-admin")


@pytest.fixture
def receiver(make_user):
    """An operator of 湖里区, the receiving county: answers dispatches (协查)."""
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def joint(tree, planner):
    return do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "partner": tree["350206"],
            "title": "Joint dispatch drill",
            "kind": "functional",
            "scenario": "A close contact lives in Huli.",
            "planned_for": T0,
        },
        actor=planner,
    )


def _dispatched(joint, admin):
    do_start_drill(joint, actor=admin, at=T0)
    case = do_inject_case(joint, actor=admin, at=T0)
    do_open_investigation(case, actor=admin)
    contact = do_inject_contact(joint, actor=admin)
    return contact, Dispatch.objects.get()


def test_a_joint_drill_dispatches_for_real_and_times_the_receiving_side(
    joint, admin, receiver, tree
):
    contact, dispatch = _dispatched(joint, admin)
    assert joint.partner_sandbox_code == "350206901"
    assert all(j.drill for j in Jurisdiction.objects.filter(code__startswith="350206901"))
    assert contact.person.jurisdiction_id == "350206901001001"
    # the dispatch lives in the receiving sandbox, sent from the drill's own
    assert dispatch.jurisdiction_id == "350206901" and dispatch.to_region == "350206"
    assert dispatch.sender_id.startswith("350322901") and dispatch.source == contact
    assert Task.objects.filter(jurisdiction_id="350206901", kind="tracing.dispatch").exists()

    # the receiving county works it in its real inbox, and sees only its own side
    assert Dispatch.objects.restrict(receiver, "respond").filter(pk=dispatch.pk).exists()
    assert not Case.objects.restrict(receiver).exists()
    assert not Contact.objects.restrict(receiver).exists()
    assert not Jurisdiction.objects.restrict(receiver).filter(code__startswith="350322").exists()
    # the sender watches, never answers
    assert not Dispatch.objects.restrict(admin, "respond").exists()
    do_acknowledge_dispatch(dispatch, actor=receiver)
    do_record_dispatch_outcome(dispatch, actor=receiver, outcome="controlled")

    # never counted for the real county
    assert not Dispatch.objects.filter(jurisdiction__drill=False).exists()
    assert not real_only(DomainEvent.objects.filter(kind__startswith="tracing.")).exists()

    do_finish_drill(joint, actor=admin)
    steps = {s["step"]: s for s in joint.report["steps"]}
    dispatch.refresh_from_db()
    assert steps["dispatch"]["done_at"] == timezone.localtime(dispatch.sent_at).isoformat(
        timespec="minutes"
    )
    assert steps["controlled"]["done_at"] == timezone.localtime(dispatch.closed_at).isoformat(
        timespec="minutes"
    )
    due = timezone.localtime(dispatch.sent_at + 24 * HOUR).isoformat(timespec="minutes")
    assert steps["controlled"]["due_at"] == due and steps["controlled"]["met"] is True

    # removal takes both sandboxes and everything in them, the real counties stay
    do_remove_drill_data(joint, actor=admin)
    assert not Jurisdiction.objects.filter(drill=True).exists()
    assert not Dispatch.objects.exists() and not Person.objects.exists()
    assert not Task.objects.filter(kind="tracing.dispatch").exists()
    assert not DomainEvent.objects.filter(jurisdiction_code__startswith="350206901").exists()
    assert Jurisdiction.objects.filter(code__in=["350322", "350206"]).count() == 2


def test_a_dispatch_from_the_sandbox_to_the_real_county_is_still_refused(joint, admin, tree):
    do_start_drill(joint, actor=admin, at=T0)
    case = do_inject_case(joint, actor=admin, at=T0)
    with pytest.raises(ValidationError) as exc:
        do_dispatch_person(
            case.person, to_jurisdiction=tree["350206"], reason="drill", actor=admin, at=T0
        )
    assert "Drill data cannot touch real records" in str(exc.value)
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(
    ("partner", "who"),
    [("350322", "planner"), ("3502", "planner"), ("350206", "admin")],
    ids=["own county", "a city", "a county the planner cannot see"],
)
def test_a_bad_receiving_county_is_refused(tree, request, partner, who):
    with pytest.raises(ValidationError) as exc:
        do_plan_drill(
            {
                "jurisdiction": tree["350322"],
                "partner": tree[partner],
                "title": "x",
                "kind": "functional",
                "scenario": "x",
                "planned_for": T0,
            },
            actor=request.getfixturevalue(who),
        )
    assert "partner" in exc.value.message_dict
    assert not Drill.objects.exists()


def test_the_scripted_contact_needs_a_receiving_county_an_open_investigation_and_a_dispatcher(
    drill, joint, admin, commander
):
    do_start_drill(drill, actor=admin, at=T0)
    with pytest.raises(ValidationError) as exc:
        do_inject_contact(drill, actor=admin)
    assert "no receiving county" in str(exc.value)
    do_start_drill(joint, actor=admin, at=T0)
    do_inject_case(joint, actor=admin, at=T0)
    with pytest.raises(ValidationError) as exc:
        do_inject_contact(joint, actor=admin)
    assert "Open the investigation" in str(exc.value)
    do_open_investigation(Case.objects.get(), actor=admin)
    with pytest.raises(ValidationError) as exc:  # runs drills, does not dispatch
        do_inject_contact(joint, actor=commander)
    assert "cannot dispatch" in str(exc.value)
    assert not Contact.objects.exists() and not Dispatch.objects.exists()


def test_the_joint_drill_through_the_pages_and_api(client, api, joint, admin, receiver):
    client.force_login(admin)
    assert client.post(f"/preparedness/drills/{joint.pk}/start/").status_code == 302
    page = client.get(joint.get_absolute_url()).content.decode()
    assert 'id="contact"' in page and "湖里区" in page
    joint.refresh_from_db()
    # the contact before the investigation: said on the page, nothing written
    do_inject_case(joint, actor=admin, at=T0)  # under the 8th edition, which dispatches
    answer = client.post(f"/preparedness/drills/{joint.pk}/contact/", follow=True)
    assert "Open the investigation" in answer.content.decode()
    do_open_investigation(Case.objects.get(), actor=admin)
    made = api(admin).post(f"/api/preparedness/drills/{joint.pk}/contact/")
    assert made.status_code == 201, made.json()
    assert Dispatch.objects.get().source_id == str(made.json()["contact"])
    # the receiving county cannot see the drill itself
    assert api(receiver).post(f"/api/preparedness/drills/{joint.pk}/contact/").status_code == 404


def test_a_joint_drill_is_planned_through_the_api_by_a_level_that_sees_both(api, planner, admin):
    body = {
        "jurisdiction": "350322",
        "partner": "350206",
        "title": "Joint drill",
        "kind": "functional",
        "scenario": "A contact lives in Huli.",
        "planned_for": T0.isoformat(),
    }
    refused = api(admin).post("/api/preparedness/drills/", body, format="json")
    assert refused.status_code == 400 and "partner" in refused.json()
    assert not Drill.objects.exists()
    made = api(planner).post("/api/preparedness/drills/", body, format="json")
    assert made.status_code == 201 and made.json()["partner"] == "350206"
    assert made.json()["partner_sandbox_code"] == ""

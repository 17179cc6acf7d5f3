"""Drill mode: a sandbox of its own, the real workflow timed, never mixed, removable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pingji.cases.models import Case
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.preparedness import actions
from pingji.preparedness.models import Drill
from pingji.tasks.models import Task
from pingji.tracing.actions import do_add_contact, do_complete_core, do_open_investigation

from .factories import DrillFactory

T0 = timezone.make_aware(datetime.datetime(2021, 8, 20, 9))
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def drill(tree, admin):
    return actions.do_plan_drill(
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
    actions.do_start_drill(drill, actor=admin, at=T0)
    assert drill.sandbox_code == "350322901" and drill.status == "running"
    sandbox = Jurisdiction.objects.filter(code__startswith="350322901")
    assert sandbox.count() == 3 and all(j.drill for j in sandbox)
    assert not Jurisdiction.objects.real().filter(code__startswith="350322901").exists()
    assert Jurisdiction.objects.real().filter(code="350322").exists()
    case = actions.do_inject_case(drill, actor=admin, at=T0)
    assert case.jurisdiction_id.startswith("350322901")
    assert not Case.objects.filter(jurisdiction__drill=False).exists()


def test_the_report_times_each_step_against_the_protocol(drill, admin):
    actions.do_start_drill(drill, actor=admin, at=T0)
    case = actions.do_inject_case(drill, actor=admin, at=T0 + HOUR)
    investigation = do_open_investigation(case, actor=admin)
    do_complete_core(investigation, actor=admin, summary="core facts")
    actions.do_record_drill_step(drill, step="dispatch", done_at=T0 + 2 * HOUR, actor=admin)
    with pytest.raises(ValidationError):  # once per step
        actions.do_record_drill_step(drill, step="dispatch", done_at=T0 + 3 * HOUR, actor=admin)
    actions.do_finish_drill(drill, actor=admin)
    steps = {s["step"]: s for s in drill.report["steps"]}
    assert steps["case_reported"]["minutes"] == 0
    # opened and core facts recorded now (2026), long after the 2021 report: both late
    assert steps["investigation_opened"]["met"] is False and steps["core_facts"]["met"] is False
    assert steps["core_facts"]["due_at"] == "2021-08-20T14:00+08:00"
    assert steps["full_report"]["done_at"] is None and steps["full_report"]["met"] is False
    assert steps["dispatch"]["minutes"] == 60 and steps["dispatch"]["met"] is None
    assert steps["quarantine"]["met"] is False  # due 24 h after the dispatch, never done
    assert drill.score == 0


def test_drill_data_touching_real_records_is_refused(tree, drill, admin):
    actions.do_start_drill(drill, actor=admin, at=T0)
    case = actions.do_inject_case(drill, actor=admin, at=T0)
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
    actions.do_start_drill(drill, actor=admin, at=T0)
    case = actions.do_inject_case(drill, actor=admin, at=T0)
    do_open_investigation(case, actor=admin)
    with pytest.raises(ValidationError):  # only a finished drill's data are removed
        actions.do_remove_drill_data(drill, actor=admin)
    actions.do_finish_drill(drill, actor=admin)
    finding = actions.do_record_finding(
        drill, text="Investigation opened late", actor=admin, deadline=T0 + 240 * HOUR
    )
    removed = actions.do_remove_drill_data(drill, actor=admin)
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
        actions.do_plan_drill(
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
        actions.do_start_drill(drill, actor=outsider)
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

"""Registration, survey, resumption steps, plans and problems: given / when / then."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.models import DomainEvent
from pingji.reopening.actions.liaison import do_raise_problem, do_save_plan
from pingji.reopening.actions.registry import do_close_establishment, do_register_establishment
from pingji.reopening.actions.resumption import (
    checklist_for,
    do_apply,
    do_decide,
    do_inspect,
    do_pause,
)
from pingji.reopening.actions.surveys import do_answer_survey, do_open_survey
from pingji.reopening.choices import AlertStatus, Kind, OperatingState, Status
from pingji.reopening.models import Application, Establishment, Problem, StatusChange
from pingji.tasks.models import Task
from pingji.tasks.supervision import supervise
from pingji.tasks.tests.factories import TaskFactory

from .conftest import StandIn, at
from .factories import EstablishmentFactory, SchoolFactory, credit_code

ALL_DONE_SCHOOL = {
    "staff_testing": True,
    "health_monitoring": True,
    "venue_code": True,
    "ventilation_disinfection": True,
    "morning_check": True,
    "isolation_room": True,
    "health_teacher": True,
    "contingency_plan": True,
}


def register(operator, grid, **extra):
    fields = {
        "kind": Kind.ENTERPRISE,
        "name": "仙游鞋业",
        "credit_code": credit_code(1),
        "sector": "manufacturing",
        "jurisdiction": grid,
        **extra,
    }
    return do_register_establishment(actor=operator, **fields)


class TestRegistration:
    def test_registers_with_a_valid_credit_code(self, operator, grid):
        est = register(operator, grid, credit_code=credit_code(1).lower())
        assert est.credit_code == credit_code(1)
        assert DomainEvent.objects.filter(kind="reopening.registered").count() == 1

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"credit_code": credit_code(1)[:-1] + "Z"}, "credit_code"),
            ({"credit_code": ""}, "credit_code"),  # an enterprise needs one
            ({"pupils": 30}, "pupils"),
            ({"name": ""}, "name"),
            ({"sector": "mining"}, "sector"),
            ({"workforce": -3}, "workforce"),
        ],
    )
    def test_bad_input_is_refused_by_field_and_nothing_saved(self, operator, grid, extra, field):
        with pytest.raises(ValidationError) as err:
            register(operator, grid, **extra)
        assert field in err.value.message_dict
        assert not Establishment.objects.exists()

    def test_a_duplicate_is_refused(self, operator, grid):
        register(operator, grid)
        with pytest.raises(ValidationError) as err:
            register(operator, grid, name="another name")
        assert "credit_code" in err.value.message_dict
        with pytest.raises(ValidationError):
            register(operator, grid, credit_code=credit_code(2))  # same name, grid and kind
        assert Establishment.objects.count() == 1

    def test_outside_the_area_is_refused_and_rolled_back(self, huli, grid):
        with pytest.raises(PermissionDenied):
            register(huli, grid)
        assert not Establishment.objects.exists()


class TestResumption:
    def closed_school(self, operator, grid):
        school = SchoolFactory(jurisdiction=grid)
        return do_close_establishment(school, actor=operator, reason="停课", at=at(9, 12))

    def test_the_full_path_keeps_a_status_history(self, operator, grid):
        school = self.closed_school(operator, grid)
        app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=at(10, 8))
        assert app.protocol == "cn-8th-edition" and "第八版" in app.clause
        do_inspect(app, actor=operator, passed=True, at=at(10, 9))
        do_decide(app, actor=operator, approve=True, at=at(10, 10))
        school.refresh_from_db()
        assert school.status == Status.RESUMED
        history = list(school.status_changes.order_by("at").values_list("status", flat=True))
        assert history == [Status.CLOSED, Status.APPLIED, Status.INSPECTED, Status.RESUMED]

    def test_each_step_is_dated_when_it_happened_and_recorded_now(self, operator, grid):
        school = self.closed_school(operator, grid)
        app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=at(10, 8))
        do_inspect(app, actor=operator, passed=True, at=at(10, 9))
        do_decide(app, actor=operator, approve=True, at=at(10, 10))
        do_pause(school, actor=operator, reason="校内发现病例", at=at(10, 12))
        times = dict(
            DomainEvent.objects.filter(object_id=str(school.pk)).values_list("kind", "time")
        )
        assert times["reopening.applied"] == at(10, 8)
        assert times["reopening.inspected"] == at(10, 9)
        assert times["reopening.resumed"] == at(10, 10)
        assert times["reopening.paused"] == at(10, 12)
        recorded = DomainEvent.objects.get(kind="reopening.paused").recorded_at
        assert recorded > at(10, 12)

    def test_checklist_items_come_from_the_protocol_in_force(self, operator, grid):
        school = self.closed_school(operator, grid)
        with pytest.raises(ValidationError) as err:
            do_apply(school, actor=operator, checklist={"capacity_limit": True})
        assert "checklist" in err.value.message_dict
        items, _code, _clause = checklist_for(school, at(10, 8))
        assert {"isolation_room", "health_teacher"} <= {i.key for i in items}

    def test_missing_items_block_approval(self, operator, grid):
        school = self.closed_school(operator, grid)
        checklist = {**ALL_DONE_SCHOOL, "isolation_room": False}
        app = do_apply(school, actor=operator, checklist=checklist, at=at(10, 8))
        do_inspect(app, actor=operator, passed=True, at=at(10, 9))
        with pytest.raises(ValidationError) as err:
            do_decide(app, actor=operator, approve=True, at=at(10, 10))
        assert "isolation_room" in str(err.value)
        school.refresh_from_db()
        assert school.status == Status.INSPECTED

    def test_approval_inside_a_sealed_area_is_refused_with_the_reason(
        self, operator, grid, areas_in_force
    ):
        school = self.closed_school(operator, grid)
        app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=at(10, 8))
        do_inspect(app, actor=operator, passed=True, at=at(10, 9))
        areas_in_force["350322100"] = StandIn("鲤城街道封控区", "sealed", 1, True)
        with pytest.raises(ValidationError) as err:
            do_decide(app, actor=operator, approve=True, at=at(10, 10))
        assert "鲤城街道封控区" in str(err.value) and "sealed" in str(err.value)
        app.refresh_from_db()
        assert app.decided_at is None
        # a precaution area does not restrict opening
        areas_in_force["350322100"] = StandIn("防范区", "precaution", 3, False)
        do_decide(app, actor=operator, approve=True, at=at(10, 10))

    def test_a_failed_inspection_needs_a_note_and_closes_the_application(self, operator, grid):
        school = self.closed_school(operator, grid)
        app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=at(10, 8))
        with pytest.raises(ValidationError):
            do_inspect(app, actor=operator, passed=False)
        do_inspect(app, actor=operator, passed=False, note="无隔离室", at=at(10, 9))
        school.refresh_from_db()
        assert school.status == Status.CLOSED
        with pytest.raises(ValidationError):
            do_decide(app, actor=operator, approve=True)

    def test_a_working_establishment_cannot_apply(self, operator, grid):
        est = EstablishmentFactory(jurisdiction=grid)
        with pytest.raises(ValidationError):
            do_apply(est, actor=operator, checklist={})
        assert not Application.objects.exists()


class TestSurvey:
    def test_answers_and_unanswered(self, operator, grid, tree):
        a, b = EstablishmentFactory(jurisdiction=grid), EstablishmentFactory(jurisdiction=grid)
        survey = do_open_survey(
            actor=operator,
            title="摸排",
            jurisdiction=tree["350322"],
            due_at=at(9, 16),
            at=at(9, 14),
        )
        do_answer_survey(
            survey,
            a,
            actor=operator,
            state=OperatingState.CLOSED,
            staff_in_quarantine=4,
            at=at(9, 15),
        )
        assert list(survey.unanswered()) == [b]
        a.refresh_from_db()
        assert a.status == Status.CLOSED

    def test_an_establishment_outside_the_survey_is_refused(self, operator, tree):
        survey = do_open_survey(
            actor=operator,
            title="学校摸排",
            jurisdiction=tree["350322"],
            kind=Kind.SCHOOL,
            due_at=at(9, 16),
            at=at(9, 14),
        )
        factory_ = EstablishmentFactory(jurisdiction=tree["350322100001001"])
        with pytest.raises(ValidationError) as err:
            do_answer_survey(survey, factory_, actor=operator, state="closed")
        assert "establishment" in err.value.message_dict
        with pytest.raises(ValidationError):
            do_open_survey(
                actor=operator,
                title="x",
                jurisdiction=tree["350322"],
                due_at=at(9, 1),
                at=at(9, 14),
            )


class TestPlansAndProblems:
    def test_a_problem_becomes_a_county_task_with_the_deadline(self, operator, liaison, grid, tree):
        est = EstablishmentFactory(jurisdiction=grid)
        do_save_plan(est, actor=operator, measures="专班驻企", liaison=liaison)
        deadline = datetime.datetime(2031, 1, 1, 12, 0, tzinfo=datetime.UTC)
        problem = do_raise_problem(
            est,
            actor=liaison,
            category="workers",
            department="hr",
            description="30 名员工滞留管控区",
            deadline=deadline,
        )
        task = Task.objects.get(pk=problem.task_id)
        assert task.jurisdiction_id == "350322" and task.kind == "reopening.problem"
        assert task.deadline == deadline and task.source == problem
        assert "human resources" in task.title

    def test_supervision_counts_a_problem_under_its_department(self, operator, liaison, grid):
        est = EstablishmentFactory(jurisdiction=grid)
        do_save_plan(est, actor=operator, measures="专班驻企", liaison=liaison)
        for department in ("hr", "hr", "transport"):
            do_raise_problem(
                est,
                actor=liaison,
                category="workers",
                department=department,
                description="员工返岗受阻",
                deadline=at(12, 31),
                at=at(9, 1),
            )
        assert sorted(Task.objects.values_list("department", flat=True)) == [
            "hr",
            "hr",
            "transport",
        ]
        (county,) = supervise("3503").owners
        assert county.code == "350322" and county.by_department == {"hr": 2, "transport": 1}

    def test_problems_raised_before_get_their_department_on_migration(
        self, operator, liaison, grid
    ):
        migration = importlib.import_module(
            "pingji.reopening.migrations.0003_problem_tasks_carry_department"
        )
        est = EstablishmentFactory(jurisdiction=grid)
        do_save_plan(est, actor=operator, measures="专班驻企", liaison=liaison)
        problem = do_raise_problem(
            est,
            actor=liaison,
            category="workers",
            department="hr",
            description="员工返岗受阻",
            deadline=at(12, 31),
            at=at(9, 1),
        )
        Task.objects.filter(pk=problem.task_id).update(department="")  # as raised before
        directive = TaskFactory(jurisdiction=grid)  # whole-government work stays so
        migration.carry_departments(django_apps, None)
        assert Task.objects.get(pk=problem.task_id).department == "hr"
        assert Task.objects.get(pk=directive.pk).department == ""

    def test_bad_problem_input_saves_nothing(self, operator, grid):
        est = EstablishmentFactory(jurisdiction=grid)
        with pytest.raises(ValidationError) as err:
            do_raise_problem(
                est,
                actor=operator,
                category="weather",
                department="hr",
                description="",
                deadline=at(1, 1),
            )
        assert {"category", "description", "deadline"} <= set(err.value.message_dict)
        assert not Problem.objects.exists() and not Task.objects.exists()

    def test_a_liaison_from_elsewhere_is_refused(self, operator, make_user, grid):
        est = EstablishmentFactory(jurisdiction=grid)
        other = make_user("liaison", "350206", username="liaison-huli")
        with pytest.raises(ValidationError) as err:
            do_save_plan(est, actor=operator, measures="x", liaison=other)
        assert "liaison" in err.value.message_dict


def test_pausing_records_the_reason(operator, grid):
    est = EstablishmentFactory(jurisdiction=grid)
    with pytest.raises(ValidationError):
        do_pause(est, actor=operator, reason="")
    do_pause(est, actor=operator, reason="员工确诊", at=at(9, 20))
    change = StatusChange.objects.get(establishment=est)
    assert (change.previous, change.status, change.working_delta) == ("open", "paused", -1)
    assert AlertStatus.PROPOSED  # the alert path is in test_handlers

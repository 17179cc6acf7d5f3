"""/api/tasks/tasks/: list with filters, detail, create, and the step actions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.tasks.actions.work import do_submit_evidence
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Task
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

from .conftest import COMMUNITY, COUNTY, GRID, GRID2

URL = "/api/tasks/tasks/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def step(task, name):
    return f"{URL}{task.pk}/{name}/"


class TestCreate:
    def body(self, **changes):
        data = {
            "title": "密接协查 身份核实",
            "kind": TaskKind.DOOR_CHECK,
            "jurisdiction": GRID,
            "deadline": (timezone.now() + timedelta(hours=24)).isoformat(),
        }
        return {**data, **changes}

    def test_it_creates_through_the_action(self, api, county_cmd, grid_worker):
        response = api(county_cmd).post(URL, self.body(assignee=grid_worker.pk), format="json")
        assert response.status_code == 201, response.json()
        row = response.json()
        assert row["status"] == "open" and row["assignee"] == grid_worker.username
        assert row["created_by"] == county_cmd.username
        assert DomainEvent.objects.filter(kind="tasks.created", object_id=str(row["id"])).exists()

    def test_a_source_object_is_attached_by_type_and_id(self, api, tree, county_cmd):
        body = self.body(source_type="geo.jurisdiction", source_id=GRID)
        row = api(county_cmd).post(URL, body, format="json").json()
        assert (row["source_type"], row["source_id"]) == ("geo.jurisdiction", GRID)

    @pytest.mark.parametrize("owner", [COUNTY, "350206"], ids=["upward", "sideways"])
    def test_an_owner_outside_the_area_does_not_exist(self, api, community_op, owner):
        response = api(community_op).post(URL, self.body(jurisdiction=owner), format="json")
        absent = api(community_op).post(URL, self.body(jurisdiction="999999"), format="json")
        assert response.status_code == absent.status_code == 400
        assert response.json().keys() == absent.json().keys() == {"jurisdiction"}
        assert not Task.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": ""}, "title"),
            ({"deadline": "2021-09-10T08:00:00+08:00"}, "deadline"),
            ({"kind": "nonsense"}, "kind"),
            ({"jurisdiction": "999999"}, "jurisdiction"),
            ({"source_type": "geo.place", "source_id": "0"}, "source"),
        ],
    )
    def test_bad_input_is_400_naming_the_field(self, api, county_cmd, changes, field):
        response = api(county_cmd).post(URL, self.body(**changes), format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not Task.objects.exists()

    def test_an_assignee_outside_the_owner_subtree_is_400(self, api, county_cmd, make_user):
        elsewhere = make_user(Role.GRID_WORKER, GRID2)
        response = api(county_cmd).post(URL, self.body(assignee=elsewhere.pk), format="json")
        assert response.status_code == 400 and "assignee" in response.json()

    def test_a_role_that_cannot_create_is_403(self, api, grid_worker):
        assert api(grid_worker).post(URL, self.body(), format="json").status_code == 403


class TestRead:
    def test_filters(self, api, tree, county_cmd, grid_worker):
        late = TaskFactory(jurisdiction=tree[GRID], deadline=timezone.now() - timedelta(hours=1))
        mine = TaskFactory(jurisdiction=tree[GRID], assignee=grid_worker)
        directive = TaskFactory(jurisdiction=tree[COMMUNITY], kind=TaskKind.DIRECTIVE)
        done = TaskFactory(jurisdiction=tree[GRID2], status=TaskStatus.DONE)
        client = api(county_cmd)
        assert ids(client.get(URL)) == {late.pk, mine.pk, directive.pk, done.pk}
        assert ids(client.get(URL, {"overdue": "true"})) == {late.pk}
        assert ids(client.get(URL, {"status": "done"})) == {done.pk}
        assert ids(client.get(URL, {"kind": "directive"})) == {directive.pk}
        assert ids(client.get(URL, {"within": GRID2})) == {done.pk}
        assert ids(api(grid_worker).get(URL, {"mine": "true"})) == {late.pk, mine.pk}

    def test_writes_other_than_the_steps_are_not_offered(self, api, tree, county_cmd):
        task = TaskFactory(jurisdiction=tree[GRID])
        assert api(county_cmd).patch(f"{URL}{task.pk}/", {"title": "x"}).status_code == 405
        assert api(county_cmd).delete(f"{URL}{task.pk}/").status_code == 405


class TestSteps:
    @pytest.fixture
    def task(self, county_cmd, grid_worker, issue):
        return issue(county_cmd, GRID, assignee=grid_worker)

    def test_submit_with_a_file_then_verify(self, api, task, county_cmd, grid_worker):
        photo = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
        response = api(grid_worker).post(
            step(task, "submit"), {"evidence": "已落实管控", "file": photo}, format="multipart"
        )
        assert response.status_code == 200, response.json()
        row = response.json()
        assert row["status"] == "submitted" and row["submitted_by"] == grid_worker.username
        assert row["evidence_file"].endswith(f"/tasks/{task.pk}/evidence/")
        response = api(county_cmd).post(step(task, "verify"), {"note": "核实无误"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "done"

    def test_the_owner_verifying_is_403_with_the_reason(self, api, task, grid_worker, make_user):
        do_submit_evidence(task, actor=grid_worker, evidence="ok")
        grid_op = make_user(Role.OPERATOR, GRID)
        response = api(grid_op).post(step(task, "verify"), {}, format="json")
        assert response.status_code == 403 and "not its owner" in response.json()["detail"]
        assert Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED

    def test_return_needs_a_note_then_the_owner_resubmits(self, api, task, county_cmd, grid_worker):
        do_submit_evidence(task, actor=grid_worker, evidence="ok")
        response = api(county_cmd).post(step(task, "return"), {"note": ""}, format="json")
        assert response.status_code == 400 and "note" in response.json()
        response = api(county_cmd).post(step(task, "return"), {"note": "补充"}, format="json")
        assert response.json()["status"] == "returned"
        response = api(grid_worker).post(
            step(task, "submit"), {"evidence": "已补充"}, format="json"
        )
        assert response.json()["status"] == "submitted"

    def test_submit_without_evidence_is_400(self, api, task, grid_worker):
        response = api(grid_worker).post(step(task, "submit"), {"evidence": " "}, format="json")
        assert response.status_code == 400 and "evidence" in response.json()

    def test_a_step_the_status_no_longer_allows_is_409(self, api, task, county_cmd, grid_worker):
        response = api(county_cmd).post(step(task, "verify"), {}, format="json")
        assert response.status_code == 409 and "status" in response.json()
        do_submit_evidence(task, actor=grid_worker, evidence="ok")
        assert api(county_cmd).post(step(task, "verify"), {}, format="json").status_code == 200
        again = api(county_cmd).post(step(task, "verify"), {}, format="json")
        assert again.status_code == 409
        assert again.json() == {
            "status": ["Only submitted evidence can be checked; this task is verified and closed."]
        }
        late = api(grid_worker).post(step(task, "submit"), {"evidence": "x"}, format="json")
        assert late.status_code == 409

    def test_cancel(self, api, task, county_cmd):
        response = api(county_cmd).post(step(task, "cancel"), {"note": "重复"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "cancelled"

    @pytest.mark.parametrize("name", ["submit", "verify", "return", "cancel"])
    def test_steps_outside_the_area_are_404(self, api, task, outsider, name):
        response = api(outsider).post(step(task, name), {"evidence": "x", "note": "x"})
        assert response.status_code == 404
        assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN

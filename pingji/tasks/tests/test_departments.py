"""Directives to departments (各成员单位): the issuer's own or a lower level's, one task each."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.tasks.actions.directives import do_issue_directive
from pingji.tasks.actions.work import do_create_task
from pingji.tasks.choices import Department, TaskKind
from pingji.tasks.models import Directive, Task
from pingji.tasks.supervision import supervise
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

LATER = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def boss(make_user):
    return make_user(Role.COMMANDER, "35")


def issue(actor, receivers, **fields):
    fields.setdefault("title", "落实国庆假期疫情防控措施")
    fields.setdefault("text", "压实部门责任")
    fields.setdefault("deadline", timezone.now() + timedelta(days=5))
    return do_issue_directive(actor=actor, receivers=receivers, **fields)


def test_departments_of_the_issuer_and_of_a_lower_level_each_get_a_task(tree, boss):
    directive = issue(
        boss,
        [(tree["35"], Department.HEALTH), (tree["3503"], Department.CDC), tree["3502"]],
    )
    tasks = {(t.jurisdiction_id, t.department) for t in directive.tasks()}
    assert tasks == {("35", "health"), ("3503", "cdc"), ("3502", "")}
    assert {t.kind for t in directive.tasks()} == {TaskKind.DIRECTIVE}
    rows = {(r["jurisdiction_id"], r["department"]): r for r in directive.progress()}
    assert str(rows[("3503", "cdc")]["department_label"]) == str(Department.CDC.label)
    assert rows[("3502", "")]["department_label"] == ""
    event = DomainEvent.objects.get(kind="tasks.directive_issued")
    assert event.payload["receivers"] == ["35", "3503", "3502"]
    assert event.payload["departments"] == [["35", "health"], ["3503", "cdc"]]


def test_departments_apply_to_every_plain_receiver_and_duplicates_collapse(tree, boss):
    directive = issue(
        boss,
        [tree["3503"], tree["3502"], tree["3503"], (tree["3503"], "health")],
        departments=["health", "transport", "health"],
    )
    pairs = sorted((t.jurisdiction_id, t.department) for t in directive.tasks())
    assert pairs == [
        ("3502", "health"), ("3502", "transport"), ("3503", "health"), ("3503", "transport"),
    ]  # fmt: skip


def test_plain_receivers_keep_the_old_behaviour(tree, boss):
    directive = issue(boss, [tree["3503"], tree["3502"]])
    assert {t.department for t in directive.tasks()} == {""}
    assert len(directive.progress()) == 2


@pytest.mark.parametrize(
    "receivers, departments, field",
    [
        ([("3503", "army")], (), "receivers"),
        ([("3503", "<script>")], (), "receivers"),
        (["3503"], ["nope"], "departments"),
        ([("3502", "health"), ("3503", "cdc")], (), "receivers"),  # 3502 is outside Putian
    ],
)
def test_bad_departments_are_field_errors_and_nothing_is_saved(
    tree, make_user, receivers, departments, field
):
    putian = make_user(Role.COMMANDER, "3503")
    resolved = [(tree[r[0]], r[1]) if isinstance(r, tuple) else tree[r] for r in receivers]
    with pytest.raises(ValidationError) as exc:
        issue(putian, resolved, departments=departments)
    assert field in exc.value.message_dict
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_a_task_with_an_unknown_department_is_refused(tree, boss):
    with pytest.raises(ValidationError) as exc:
        do_create_task(
            actor=boss,
            title="x",
            jurisdiction=tree["3503"],
            deadline=timezone.now() + timedelta(days=1),
            department="army",
        )
    assert "department" in exc.value.message_dict
    assert not Task.objects.exists()


def test_the_form_sends_to_departments_and_shows_them(client, tree, boss):
    client.force_login(boss)
    url = reverse("tasks:directive_create")
    response = client.post(
        url,
        {"title": "落实国庆防控", "text": "压实部门责任", "receivers": ["35", "3503"],
         "departments": ["health", "police"], "deadline": LATER},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    directive = Directive.objects.get()
    pairs = sorted((t.jurisdiction_id, t.department) for t in directive.tasks())
    assert pairs == [("35", "health"), ("35", "police"), ("3503", "health"), ("3503", "police")]
    page = client.get(directive.get_absolute_url()).content.decode()
    assert 'data-department="police"' in page
    task = directive.tasks().get(jurisdiction_id="3503", department="police")
    assert (
        str(Department.PUBLIC_SECURITY.label)
        in client.get(task.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"receivers": ["35"]},  # the issuer itself needs a department
        {"receivers": ["3503"], "departments": ["army"]},
        {"receivers": ["3503"], "departments": ["health", "<b>x</b>"]},
    ],
)
def test_the_form_refuses_bad_departments_and_saves_nothing(client, tree, boss, extra):
    client.force_login(boss)
    data = {"title": "落实国庆防控", "text": "压实部门责任", "deadline": LATER, **extra}
    response = client.post(reverse("tasks:directive_create"), data)
    assert response.status_code == 400
    assert "departments" in response.context["form"].errors
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_the_api_sends_to_departments(api, tree, boss):
    response = api(boss).post(
        "/api/tasks/directives/",
        {"title": "落实国庆防控", "text": "压实责任", "receivers": ["3503"],
         "departments": ["cdc"], "deadline": (timezone.now() + timedelta(days=3)).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    [row] = response.json()["progress"]
    assert (row["jurisdiction_id"], row["department"]) == ("3503", "cdc")
    task = Task.objects.get()
    assert api(boss).get(f"/api/tasks/tasks/{task.pk}/").json()["department"] == "cdc"


@pytest.mark.parametrize("departments", [["army"], "cdc", [None], [{"x": 1}]])
def test_the_api_refuses_bad_departments_and_saves_nothing(api, tree, boss, departments):
    response = api(boss).post(
        "/api/tasks/directives/",
        {"title": "x", "text": "y", "receivers": ["3503"], "departments": departments,
         "deadline": (timezone.now() + timedelta(days=3)).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert "departments" in response.json()
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_supervision_shows_departments_under_each_owner(tree, api, boss):
    TaskFactory(jurisdiction=tree["350322"], department=Department.HEALTH)
    TaskFactory(jurisdiction=tree["3503"], department=Department.HEALTH)
    TaskFactory(jurisdiction=tree["3503"])
    TaskFactory(jurisdiction=tree["350206"], department=Department.TRANSPORT)
    view = supervise("35")
    owners = {o.code: o for o in view.owners}
    assert owners["3503"].open == 3 and owners["3503"].by_department == {"health": 2}
    assert owners["3502"].departments == [(str(Department.TRANSPORT.label), 1)]
    body = api(boss).get("/api/tasks/supervision/").json()
    assert {o["code"]: o["by_department"] for o in body["owners"]}["3503"] == {"health": 2}

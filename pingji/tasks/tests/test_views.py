"""The pages: inbox, list with filters, detail with its forms, create, and the step posts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pingji.core.views.base import FOCUS_SESSION_KEY
from pingji.tasks.actions.work import do_escalate_overdue, do_submit_evidence
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Task
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

from .conftest import COMMUNITY, COUNTY, GRID, GRID2

HOSTILE = '<script>alert("x")</script>'


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def ids_in(response, key="work"):
    return [t.pk for t in response.context[key]]


class TestInbox:
    def test_it_holds_my_work_overdue_first_and_nothing_else(
        self, client, tree, grid_worker, make_user
    ):
        now = timezone.now()
        soon = TaskFactory(
            jurisdiction=tree[GRID], assignee=grid_worker, deadline=now + timedelta(hours=2)
        )
        late = TaskFactory(
            jurisdiction=tree[GRID], assignee=grid_worker, deadline=now - timedelta(hours=1)
        )
        unassigned = TaskFactory(jurisdiction=tree[GRID], deadline=now + timedelta(hours=1))
        other = make_user(Role.GRID_WORKER, GRID, username="other")
        TaskFactory(jurisdiction=tree[GRID], assignee=other)  # someone else's
        TaskFactory(jurisdiction=tree[GRID2])  # the neighbouring grid's
        TaskFactory(jurisdiction=tree[GRID], assignee=grid_worker, status=TaskStatus.DONE)
        response = page(client, grid_worker, reverse("tasks:inbox"))
        assert response.status_code == 200
        assert ids_in(response) == [late.pk, unassigned.pk, soon.pk]
        html = response.content.decode()
        assert 'class="badge overdue"' in html and "assigned to you" in html

    def test_each_card_says_its_state_and_escapes_what_people_typed(
        self, client, tree, grid_worker
    ):
        """The cards are written in Python (``templatetags.task_cards``): every value is text."""
        late = TaskFactory(
            jurisdiction=tree[GRID],
            assignee=grid_worker,
            title=HOSTILE,
            deadline=timezone.now() - timedelta(hours=1),
        )
        html = page(client, grid_worker, reverse("tasks:inbox")).content.decode()
        card = html[html.index(f'id="task-{late.pk}"') :].split("</article>")[0]
        assert HOSTILE not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in card
        assert f'href="{reverse("tasks:task_detail", args=[late.pk])}"' in card
        assert card.count('class="badge overdue"') == 1 and "assigned to you" in card
        assert tree[GRID].name in card and grid_worker.username in card

    def test_an_escalated_task_reaches_the_parent_inbox(self, client, tree, community_op):
        task = TaskFactory(
            jurisdiction=tree[GRID],
            created_at=timezone.now() - timedelta(days=2),
            deadline=timezone.now() - timedelta(days=1),
        )
        assert task.pk not in ids_in(page(client, community_op, reverse("tasks:inbox")))
        do_escalate_overdue()
        response = page(client, community_op, reverse("tasks:inbox"))
        assert task.pk in ids_in(response)
        assert "escalated to your level" in response.content.decode()

    def test_submitted_work_waits_in_the_issuer_inbox(self, client, county_cmd, grid_worker, issue):
        task = do_submit_evidence(
            issue(county_cmd, GRID, assignee=grid_worker), actor=grid_worker, evidence="ok"
        )
        assert ids_in(page(client, county_cmd, reverse("tasks:inbox")), "to_verify") == [task.pk]
        assert ids_in(page(client, grid_worker, reverse("tasks:inbox")), "to_verify") == []


class TestList:
    def test_filters_by_status_kind_overdue_and_within(self, client, tree, county_cmd):
        late = TaskFactory(jurisdiction=tree[GRID], deadline=timezone.now() - timedelta(hours=1))
        other_kind = TaskFactory(jurisdiction=tree[GRID2], kind=TaskKind.DIRECTIVE)
        done = TaskFactory(jurisdiction=tree[COMMUNITY], status=TaskStatus.DONE)
        url = reverse("tasks:task_list")

        def listed(**query):
            response = page(client, county_cmd, url, **query)
            return {t.pk for t in response.context["object_list"]}

        assert listed() == {late.pk, other_kind.pk, done.pk}
        assert listed(overdue="true") == {late.pk}
        assert listed(status="done") == {done.pk}
        assert listed(kind="directive") == {other_kind.pk}
        assert listed(within=GRID2) == {other_kind.pk}

    def test_the_list_follows_the_focus(self, client, tree, county_cmd):
        mine = TaskFactory(jurisdiction=tree[GRID])
        TaskFactory(jurisdiction=tree[COUNTY])
        client.force_login(county_cmd)
        session = client.session
        session[FOCUS_SESSION_KEY] = COMMUNITY
        session.save()
        response = client.get(reverse("tasks:task_list"))
        assert [t.pk for t in response.context["object_list"]] == [mine.pk]


class TestDetail:
    def test_each_user_gets_the_forms_of_their_part(self, client, county_cmd, grid_worker, issue):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        worker_page = page(client, grid_worker, task.get_absolute_url()).content.decode()
        assert 'id="evidence-form"' in worker_page and 'id="verify-form"' not in worker_page
        do_submit_evidence(task, actor=grid_worker, evidence="已完成")
        boss_page = page(client, county_cmd, task.get_absolute_url()).content.decode()
        assert 'id="verify-form"' in boss_page and 'id="return-form"' in boss_page
        assert 'id="evidence-form"' not in boss_page
        assert 'data-kind="tasks.submitted"' in boss_page and "已完成" in boss_page

    def test_hostile_text_is_shown_as_text(self, client, county_cmd, grid_worker, issue):
        task = issue(county_cmd, GRID, assignee=grid_worker, title=HOSTILE, description=HOSTILE)
        do_submit_evidence(task, actor=grid_worker, evidence=HOSTILE)
        for url in (task.get_absolute_url(), reverse("tasks:task_list")):
            html = page(client, county_cmd, url).content.decode()
            assert HOSTILE not in html and "&lt;script&gt;" in html
        html = page(client, grid_worker, reverse("tasks:inbox")).content.decode()
        assert HOSTILE not in html


class TestSteps:
    def test_a_worker_submits_evidence_with_a_photo_from_the_phone(
        self, client, county_cmd, grid_worker, outsider, issue
    ):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        client.force_login(grid_worker)
        photo = SimpleUploadedFile("门牌.jpg", b"\xff\xd8jpegdata", content_type="image/jpeg")
        response = client.post(
            reverse("tasks:task_submit", args=[task.pk]), {"evidence": "已上门", "file": photo}
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.status == TaskStatus.SUBMITTED and task.evidence_file
        # the file is a download for those who see the task, and not found for anyone else
        download = page(client, county_cmd, reverse("tasks:evidence_file", args=[task.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert b"".join(download.streaming_content) == b"\xff\xd8jpegdata"
        assert (
            page(client, outsider, reverse("tasks:evidence_file", args=[task.pk])).status_code
            == 404
        )

    def test_missing_evidence_shows_the_form_again_with_the_reason(
        self, client, county_cmd, grid_worker, issue
    ):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        client.force_login(grid_worker)
        bad = SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")
        response = client.post(
            reverse("tasks:task_submit", args=[task.pk]), {"evidence": "x", "file": bad}
        )
        assert response.status_code == 400
        assert "only jpg" in response.content.decode()
        assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN

    def test_the_owner_trying_to_verify_gets_the_reason_and_nothing_changes(
        self, client, county_cmd, community_op, make_user, issue
    ):
        task = do_submit_evidence(issue(county_cmd, COMMUNITY), actor=community_op, evidence="ok")
        colleague = make_user(Role.OPERATOR, COMMUNITY, username="colleague")
        client.force_login(colleague)
        response = client.post(reverse("tasks:task_verify", args=[task.pk]), follow=True)
        assert "not its owner" in response.content.decode()
        assert Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED

    def test_verify_and_return_from_the_overseeing_level(
        self, client, county_cmd, grid_worker, issue
    ):
        task = do_submit_evidence(
            issue(county_cmd, GRID, assignee=grid_worker), actor=grid_worker, evidence="ok"
        )
        client.force_login(county_cmd)
        response = client.post(reverse("tasks:task_return", args=[task.pk]), {"return-note": ""})
        assert response.status_code == 400
        assert (
            client.post(
                reverse("tasks:task_return", args=[task.pk]), {"return-note": "补照片"}
            ).status_code
            == 302
        )
        assert Task.objects.get(pk=task.pk).status == TaskStatus.RETURNED

    def test_steps_outside_the_area_are_not_found(self, client, county_cmd, outsider, issue):
        task = issue(county_cmd, GRID)
        client.force_login(outsider)
        for name in ("task_submit", "task_verify", "task_return", "task_cancel"):
            response = client.post(reverse(f"tasks:{name}", args=[task.pk]), {"evidence": "x"})
            assert response.status_code == 404, name
        assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


class TestCreate:
    def deadline(self, **delta):
        return (timezone.localtime() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")

    def test_owners_offered_are_the_focus_and_two_levels_below(self, client, community_op):
        form = page(client, community_op, reverse("tasks:task_create")).context["form"]
        codes = {j.code for j in form.fields["jurisdiction"].queryset}
        assert codes == {COMMUNITY, GRID, GRID2}

    def test_a_task_is_issued_from_the_form(self, client, community_op, grid_worker):
        client.force_login(community_op)
        response = client.post(
            reverse("tasks:task_create"),
            {
                "title": "核酸未检人员排查",
                "kind": "door-check",
                "jurisdiction": GRID,
                "assignee": grid_worker.pk,
                "deadline": self.deadline(hours=6),
            },
        )
        task = Task.objects.get()
        assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
        assert task.assignee == grid_worker and task.created_by == community_op

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"title": ""}, "title", "required"),
            ({"deadline": "PAST"}, "deadline", "future"),
            ({"jurisdiction": COUNTY}, "jurisdiction", "No such jurisdiction"),  # upward, tampered
            ({"jurisdiction": "350206"}, "jurisdiction", "No such jurisdiction"),  # sideways
        ],
    )
    def test_bad_input_is_refused_by_field_and_saves_nothing(
        self, client, community_op, change, field, message
    ):
        data = {
            "title": "排查",
            "kind": "general",
            "jurisdiction": GRID,
            "deadline": self.deadline(hours=1),
        }
        data.update(change)
        if data["deadline"] == "PAST":
            data["deadline"] = self.deadline(hours=-1)
        client.force_login(community_op)
        response = client.post(reverse("tasks:task_create"), data)
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert not Task.objects.exists()

    def test_roles_that_cannot_issue_are_forbidden(self, client, grid_worker):
        assert page(client, grid_worker, reverse("tasks:task_create")).status_code == 403

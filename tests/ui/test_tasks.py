"""A task's whole life in the browser: issued at a desk, done on a phone, verified upstairs."""

import base64
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pingji.tasks.models import Task
from pingji.users.choices import Role

from .browser import login, no_page_scroll, pick, shot, switch_focus

GRID = "350322100001001"
TITLE = "入户排查 东门路3号"
#: The smallest valid PNG (one transparent pixel): a stand-in for the photo taken at the door.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def test_a_task_is_issued_done_on_a_phone_and_verified(new_page, make_user):
    operator = make_user(Role.OPERATOR, "350322")
    worker = make_user(Role.GRID_WORKER, GRID)
    commander = make_user(Role.COMMANDER, "350322")

    # given the county operator, focused down on the township so that its grids can be chosen
    desk = login(new_page(), operator, to="/tasks/")
    switch_focus(desk, "鲤城街道")

    # when they issue a door check to the grid
    desk.get_by_role("link", name="New task").click()
    desk.fill("#id_title", TITLE)
    desk.select_option("#id_kind", "door-check")
    pick(desk, "jurisdiction", "东门一")
    expect(desk.locator("#id_jurisdiction_key")).to_have_value(GRID)
    deadline = timezone.localtime(timezone.now() + timedelta(days=2))
    desk.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_description", "核查3户居家监测情况")
    desk.get_by_role("button", name="Issue task").click()

    # then the task's page shows it open, owned by the grid
    expect(desk.locator(".msg-success")).to_contain_text("Task issued.")
    expect(desk.locator("#task-badges")).to_have_attribute("data-status", "open")
    expect(desk.locator("main dl.fields")).to_contain_text("东门一网格")
    task = Task.objects.get(title=TITLE)
    assert task.jurisdiction_id == GRID and task.created_by == operator

    # when the grid worker opens their inbox on a phone
    phone = login(new_page(phone=True), worker, to="/tasks/")

    # then the task is there, open, and the page fits the phone
    card = phone.locator(f"#work #task-{task.pk}")
    expect(card).to_have_attribute("data-status", "open")
    expect(card).to_contain_text(TITLE)
    assert no_page_scroll(phone)
    shot(phone, "inbox-phone")

    # when they open it and report the work done, with a photo
    card.get_by_role("link", name=TITLE).click()
    phone.fill("#id_evidence", "已上门，3户均在家，无异常")
    phone.set_input_files(
        "#id_file", files=[{"name": "door.png", "mimeType": "image/png", "buffer": PIXEL}]
    )
    assert no_page_scroll(phone)
    shot(phone, "task-evidence-phone")
    phone.get_by_role("button", name="Submit for verification").click()

    # then the task waits for verification, and the worker can no longer submit
    expect(phone.locator(".msg-success")).to_contain_text("Evidence submitted")
    expect(phone.locator("#task-badges")).to_have_attribute("data-status", "submitted")
    expect(phone.locator("#evidence-form")).to_have_count(0)
    phone.goto("/tasks/")
    expect(phone.locator(f"#task-{task.pk}")).to_have_attribute("data-status", "submitted")

    # when the county commander opens their inbox
    boss = login(new_page(), commander, to="/tasks/")

    # then the task awaits their verification, with the evidence and the photo
    waiting = boss.locator(f"#to-verify #task-{task.pk}")
    expect(waiting).to_contain_text(TITLE)
    waiting.get_by_role("link", name=TITLE).click()
    expect(boss.locator("#evidence")).to_contain_text("3户均在家")
    expect(boss.get_by_role("link", name="download")).to_be_visible()

    # when they verify it
    boss.fill("#id_verify-note", "核实无误")
    boss.get_by_role("button", name="Verify and close").click()

    # then it is done, and its timeline tells the whole story in order
    expect(boss.locator("#task-badges")).to_have_attribute("data-status", "done")
    expect(boss.locator("#timeline li")).to_have_count(3)
    kinds = boss.locator("#timeline li").evaluate_all("items => items.map(li => li.dataset.kind)")
    assert kinds == ["tasks.created", "tasks.submitted", "tasks.verified"]
    expect(boss.locator("#timeline")).to_contain_text("核实无误")

    # and it has left both inboxes
    boss.goto("/tasks/")
    expect(boss.locator(f"#task-{task.pk}")).to_have_count(0)
    phone.goto("/tasks/")
    expect(phone.locator(f"#task-{task.pk}")).to_have_count(0)
    expect(phone.locator("#work")).to_contain_text("Nothing to do")

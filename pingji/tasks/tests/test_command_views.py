"""The command pages: issue a directive, import a problem list, write a plan, review, supervise."""

import datetime
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pingji.command.tests.factories import MeetingFactory
from pingji.core.views.base import FOCUS_SESSION_KEY
from pingji.tasks.actions.plans import do_create_plan_template
from pingji.tasks.actions.reviews import do_create_review
from pingji.tasks.models import Directive, ProblemList, Task, WorkPlan
from pingji.tasks.tests.factories import SECTIONS, TaskFactory
from pingji.users.choices import Role

LATER = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def boss(make_user):
    return make_user(Role.COMMANDER, "35")


def login(client, user, focus=None):
    client.force_login(user)
    if focus:
        session = client.session
        session[FOCUS_SESSION_KEY] = focus
        session.save()
    return client


def test_a_meeting_issues_a_directive_to_the_cities(client, tree, boss):
    meeting = MeetingFactory(jurisdiction=tree["35"])
    login(client, boss)
    url = reverse("tasks:directive_create") + f"?meeting={meeting.pk}"
    form = client.get(url)
    assert form.status_code == 200 and "莆田市" in form.content.decode()
    response = client.post(
        url,
        {"title": "落实国庆防控", "text": "压实属地责任", "receivers": ["3503", "3502"],
         "deadline": LATER, "meeting": meeting.pk},
    )  # fmt: skip
    directive = Directive.objects.get()
    assert response.status_code == 302 and directive.meeting == meeting
    page = client.get(directive.get_absolute_url()).content.decode()
    assert 'data-code="3503"' in page and 'data-code="3502"' in page
    assert "落实国庆防控" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_directive_form_with_bad_input_saves_nothing(client, tree, make_user):
    login(client, make_user(Role.COMMANDER, "3503"))
    response = client.post(
        reverse("tasks:directive_create"),
        {"title": "", "text": "x", "receivers": ["3502"], "deadline": "2020-01-01T10:00"},
    )
    assert response.status_code == 400
    assert not Directive.objects.exists() and not Task.objects.exists()


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["问题", "责任单位", "整改措施", "整改时限"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("list.xlsx", out.getvalue())


def test_importing_a_list_with_a_bad_row_shows_every_error_and_saves_nothing(client, tree, boss):
    login(client, boss)
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    data = {"title": "问题清单", "inspection": "国务院工作组", "inspected_on": "2021-09-25"}
    bad = client.post(
        reverse("tasks:problemlist_import"),
        {
            **data,
            "file": xlsx([("隔离点不规范", "仙游县", "排查", due), ("漏项", "", "核查", due)]),
        },
    )
    assert bad.status_code == 400 and 'id="row-errors"' in bad.content.decode()
    assert not ProblemList.objects.exists() and not Task.objects.exists()
    good = client.post(
        reverse("tasks:problemlist_import"),
        {**data, "file": xlsx([("隔离点不规范", "仙游县", "排查", due)])},
    )
    plist = ProblemList.objects.get()
    assert good.status_code == 302
    ledger = client.get(reverse("tasks:problemlist_ledger", args=[plist.pk]))
    assert ledger.status_code == 200 and ledger["Content-Type"].startswith("application/vnd")


def test_not_an_excel_file_is_a_field_error(client, tree, boss):
    login(client, boss)
    response = client.post(
        reverse("tasks:problemlist_import"),
        {"title": "x", "inspection": "x", "inspected_on": "2021-09-25",
         "file": SimpleUploadedFile("list.xlsx", b"<html>")},
    )  # fmt: skip
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()


def test_a_city_writes_and_submits_its_plan(client, tree, boss, make_user):
    template = do_create_plan_template(
        actor=boss, title="国庆方案", level="city", sections=SECTIONS,
        due=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    putian = make_user(Role.OPERATOR, "3503")
    login(client, putian)
    url = reverse("tasks:workplan_edit", args=[template.pk, "3503"])
    assert client.get(url).status_code == 200
    due = (timezone.localdate() + timedelta(days=4)).isoformat()
    missing = client.post(
        url, {"section_situation": "风险高", "measures": f"落地检 | 350322 | {due}", "submit": "1"}
    )
    assert missing.status_code == 400 and "防控措施" in missing.content.decode()
    assert WorkPlan.objects.get().status == "draft"  # the draft was kept, not submitted
    done = client.post(
        url,
        {"section_situation": "风险高", "section_measures": "测温扫码",
         "measures": f"落地检 | 350322 | {due}", "submit": "1"},
    )  # fmt: skip
    assert done.status_code == 302 and WorkPlan.objects.get().status == "submitted"
    login(client, boss)
    page = client.get(template.get_absolute_url()).content.decode()
    assert 'data-code="3502" data-submitted="0"' in page
    assert 'data-code="3503" data-submitted="1"' in page
    login(client, make_user(Role.OPERATOR, "3502"))
    assert client.get(url).status_code == 404  # Putian's plan is not Xiamen's to write


def test_the_review_page_and_an_improvement(client, tree, make_user):
    cmd = make_user(Role.COMMANDER, "3503")
    review = do_create_review(
        actor=cmd, title="总结反思", period_start=datetime.date(2021, 9, 10),
        period_end=datetime.date(2021, 9, 30),
    )  # fmt: skip
    login(client, cmd)
    assert client.get(review.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("tasks:review_improve", args=[review.pk]),
        {"title": "完善晨午检", "owner": "350322", "deadline": LATER},
    )
    assert response.status_code == 302 and review.tasks().count() == 1
    outside = client.post(
        reverse("tasks:review_improve", args=[review.pk]),
        {"title": "x", "owner": "350206", "deadline": LATER},
    )
    assert outside.status_code == 400 and review.tasks().count() == 1


def test_supervision_page_lists_owners_overdue_first(client, tree, boss, make_user):
    TaskFactory(jurisdiction=tree["350206"])
    TaskFactory(jurisdiction=tree["350322"], deadline=timezone.now() - timedelta(hours=2))
    html = login(client, boss).get(reverse("tasks:supervision")).content.decode()
    assert html.index('data-code="3503"') < html.index('data-code="3502"')
    putian = login(client, make_user(Role.COMMANDER, "3503")).get(reverse("tasks:supervision"))
    assert 'data-code="3502"' not in putian.content.decode()
    assert 'data-code="350322"' in putian.content.decode()

"""The command API: directives, list import, supervision; bad input saves nothing."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from pingji.command.tests.factories import MeetingFactory
from pingji.tasks.models import Directive, EvidenceFile, ProblemList, Task
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role


def later(days=3):
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_issue_a_directive_through_the_api(api, tree, make_user):
    boss = make_user(Role.COMMANDER, "35")
    meeting = MeetingFactory(jurisdiction=tree["35"])
    response = api(boss).post(
        "/api/tasks/directives/",
        {"title": "落实国庆防控", "text": "压实责任", "receivers": ["3503", "3502"],
         "deadline": later(), "meeting": meeting.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert {r["jurisdiction_id"] for r in response.json()["progress"]} == {"3502", "3503"}


def test_bad_directives_are_400_and_save_nothing(api, tree, make_user):
    putian = api(make_user(Role.COMMANDER, "3503"))
    cases = [
        {"title": "x", "text": "y", "receivers": ["3502"], "deadline": later()},  # sideways
        {"title": "x", "text": "y", "receivers": ["350322"], "deadline": "2020-01-01T00:00"},
        {"title": "x", "text": "y", "receivers": ["nope"], "deadline": later()},
        {"title": "x", "text": "y", "receivers": [], "deadline": later()},
        {"title": "<script>", "receivers": ["350322"], "deadline": later()},  # no text
    ]
    for body in cases:
        response = putian.post("/api/tasks/directives/", body, format="json")
        assert response.status_code == 400, (body, response.content)
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_a_meeting_of_another_city_is_not_found(api, tree, make_user):
    xiamen = MeetingFactory(jurisdiction=tree["3502"])
    response = api(make_user(Role.COMMANDER, "3503")).post(
        "/api/tasks/directives/",
        {"title": "x", "text": "y", "receivers": ["350322"], "deadline": later(),
         "meeting": xiamen.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 404 and not Directive.objects.exists()


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["责任单位", "问题", "整改措施", "整改时限"])
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("list.xlsx", out.getvalue())


def test_problem_list_import_answers_row_errors(api, tree, make_user):
    client = api(make_user(Role.COMMANDER, "35"))
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {"title": "问题清单", "inspection": "工作组", "inspected_on": "2021-09-25"}
    bad = client.post(
        "/api/tasks/problem-lists/import/",
        {**data, "file": workbook([("仙游县", "问题", "措施", due), ("", "问题二", "措施", due)])},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["rows"][0]["row"] == 3
    assert not ProblemList.objects.exists() and not Task.objects.exists()
    good = client.post(
        "/api/tasks/problem-lists/import/",
        {**data, "file": workbook([("仙游县", "问题", "措施", due)])},
        format="multipart",
    )
    assert good.status_code == 201 and ProblemList.objects.get().items.count() == 1


def test_problem_list_import_over_its_limit_or_exploding_is_a_400(api, tree, make_user):
    from pingji.core.tests.test_uploads import expanding_workbook
    from pingji.tasks.ledger import MAX_UPLOAD_BYTES

    client = api(make_user(Role.COMMANDER, "35"))
    data = {"title": "问题清单", "inspection": "工作组", "inspected_on": "2021-09-25"}
    big = SimpleUploadedFile("list.xlsx", b"x" * (MAX_UPLOAD_BYTES + 1))
    answer = client.post("/api/tasks/problem-lists/import/", {**data, "file": big}, "multipart")
    assert answer.status_code == 400 and "larger than" in str(answer.json())
    bomb = SimpleUploadedFile("list.xlsx", expanding_workbook(3_000_000))
    answer = client.post("/api/tasks/problem-lists/import/", {**data, "file": bomb}, "multipart")
    assert answer.status_code == 400 and "expands" in str(answer.json())
    assert not ProblemList.objects.exists()


def test_supervision_api_is_scoped(api, tree, make_user):
    TaskFactory(jurisdiction=tree["350322"], deadline=timezone.now() - timedelta(hours=1))
    TaskFactory(jurisdiction=tree["350206"])
    putian = api(make_user(Role.COMMANDER, "3503"))
    body = putian.get("/api/tasks/supervision/").json()
    assert (body["open"], body["overdue"]) == (1, 1)
    assert [o["code"] for o in body["owners"]] == ["350322"]
    assert putian.get("/api/tasks/supervision/?jurisdiction=3502").status_code == 404


def test_several_evidence_files_through_the_api(api, tree, make_user):
    task = TaskFactory(jurisdiction=tree["350322"])
    county = api(make_user(Role.OPERATOR, "350322"))
    files = [
        SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        SimpleUploadedFile("b.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
    ]
    response = county.post(
        f"/api/tasks/tasks/{task.pk}/submit/",
        {"evidence": "已整改", "files": files},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert sorted(EvidenceFile.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    listed = county.get("/api/tasks/evidence-files/").json()
    assert len(listed.get("results", listed)) == 2

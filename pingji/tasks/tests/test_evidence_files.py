"""Evidence files are judged by their bytes, limited in size, kept only if the step commits."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pingji.tasks import evidence
from pingji.tasks.actions.work import do_create_task, do_submit_evidence
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import EvidenceFile
from pingji.users.choices import Role


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def task(tree, make_user):
    return do_create_task(
        actor=make_user(Role.COMMANDER, "3503"),
        title="整改隔离点",
        jurisdiction=tree["350322"],
        deadline=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def county(make_user):
    return make_user(Role.OPERATOR, "350322")


def test_several_files_are_kept_with_their_sniffed_type(task, county):
    do_submit_evidence(
        task,
        actor=county,
        evidence="已整改",
        files=[upload("现场.jpg", b"\xff\xd8\xff\xe0photo"), upload("台账.docx", docx_bytes())],
    )
    rows = list(EvidenceFile.objects.filter(task=task).order_by("id"))
    assert [(r.name, r.content_type) for r in rows] == [
        ("现场.jpg", "image/jpeg"),
        ("台账.docx", evidence.EXPECTED["docx"]),
    ]


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("page.jpg", b"<html><script>alert(1)</script>", "not really a jpg"),
        ("x.html", b"<html></html>", "only jpg"),
        ("fake.docx", b"PK\x03\x04notazip", "not really a docx"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_forbidden_file_is_refused_and_nothing_is_kept(task, county, name, content, reason):
    files = [upload("ok.png", b"\x89PNG\r\n\x1a\n...."), upload(name, content)]
    with pytest.raises(ValidationError) as exc:
        do_submit_evidence(task, actor=county, evidence="已整改", files=files)
    assert reason in exc.value.message_dict["files"][0]
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not EvidenceFile.objects.exists()


def test_a_file_over_the_limit_is_refused(task, county, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 10)
    with pytest.raises(ValidationError) as exc:
        do_submit_evidence(
            task, actor=county, evidence="x", files=[upload("a.jpg", b"\xff\xd8" + b"0" * 20)]
        )
    assert "larger than" in exc.value.message_dict["files"][0]
    assert not EvidenceFile.objects.exists()


def test_files_download_as_attachments_only_inside_the_area(task, county, client, make_user):
    do_submit_evidence(task, actor=county, evidence="x", files=[upload("a.jpg", b"\xff\xd8ok")])
    row = EvidenceFile.objects.get()
    client.force_login(county)
    response = client.get(reverse("tasks:evidence_download", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(make_user(Role.OPERATOR, "350206"))
    assert client.get(reverse("tasks:evidence_download", args=[row.pk])).status_code == 404

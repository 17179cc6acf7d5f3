"""A testing upload is kept encrypted and owner-only while its job waits, deleted when the job
ends (applied or refused), and its refusal report repeats no identity number nor a whole cell."""

import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pingji.core import uploads
from pingji.testing.actions.uploads import do_upload
from pingji.testing.choices import UploadStatus
from pingji.testing.models import Upload

from .conftest import csv_bytes, sampling_file

BAD_ID = "35032219900101123Y"  # 18 characters, the last not a check character: reported
GOOD_SHAPE_ID = "350322199001011235"


def kept() -> list:
    folder = uploads.folder()
    return sorted(folder.iterdir())


def test_the_file_waits_encrypted_and_is_deleted_once_applied(
    round_, operator, residents, django_capture_on_commit_callbacks
):
    content = sampling_file(residents[:3])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload, created = do_upload(
            round_,
            actor=operator,
            kind="sampling",
            name="points.csv",
            content=SimpleUploadedFile("points.csv", content),
        )
    (path,) = kept()
    assert created and upload.path == path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert content not in path.read_bytes() and b"2021-09-11" not in path.read_bytes()
    for callback in callbacks:
        callback()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED and upload.rows == 3
    assert kept() == []


def test_a_refused_file_is_deleted_and_its_report_masks_and_cuts(
    round_, operator, residents, django_capture_on_commit_callbacks
):
    huge = "Z" * 200_000  # over Python's csv cell limit too: refused, never a server error
    content = csv_bytes(
        "barcode,id_number,sampled_at,point",
        [
            f"T0000001,{BAD_ID},2021-09-11 08:00,",
            f"T0000002,{GOOD_SHAPE_ID},2021-09-11 08:00,{GOOD_SHAPE_ID}",
            f"T0000003,,{huge},",
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload, _created = do_upload(
            round_, actor=operator, kind="sampling", name="bad.csv", content=content
        )
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REFUSED
    report = str(upload.errors)
    assert BAD_ID not in report and GOOD_SHAPE_ID not in report and "35032219900101" not in report
    assert "Z" * 100 not in report
    assert all(len(e["reason"]) <= 300 for e in upload.errors)
    assert kept() == []


def test_the_same_file_again_keeps_no_second_copy(
    round_, operator, residents, django_capture_on_commit_callbacks
):
    content = sampling_file(residents[:3])
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = do_upload(round_, actor=operator, kind="sampling", name="a.csv", content=content)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = do_upload(
            round_, actor=operator, kind="sampling", name="a.csv", content=content
        )
    assert again.pk == first.pk and not created
    assert kept() == [] and Upload.objects.count() == 1


def test_a_file_over_the_limit_is_refused_before_anything_is_kept(
    round_, operator, residents, settings
):
    settings.PINGJI_MAX_UPLOAD_BYTES = 100
    content = sampling_file(residents)
    with pytest.raises(ValidationError) as exc:
        do_upload(round_, actor=operator, kind="sampling", name="a.csv", content=content)
    assert "larger than" in exc.value.message_dict["file"][0]
    assert not Upload.objects.exists() and kept() == []

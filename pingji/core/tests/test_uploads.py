"""Uploads: size-limited, streamed, owner-only, encrypted at rest, gone when the job ends;
reports that repeat nothing personal; workbooks inspected before they are opened."""

import io
import os
import stat
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from pingji.core import uploads
from pingji.core.importing import CSV_FIELD_LIMIT, Refused, RowError, csv_rows, redact, text_of
from pingji.core.personal_data import mask_id_number, mask_phone

ID = "350322199001011234"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PINGJI_UPLOAD_RETENTION_HOURS = 0


def stored_files() -> list:
    folder = uploads.folder()
    return sorted(p.name for p in folder.iterdir())


def test_an_upload_is_stored_owner_only_and_encrypted_and_read_back_whole():
    content = (f"身份证号,采样时间\n{ID},2021-09-11 08:00\n" * 50_000).encode()
    stored = uploads.store(SimpleUploadedFile("a.csv", content), suffix=".csv")
    path = uploads.path_of(stored.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ID.encode() not in path.read_bytes()
    assert stored.size == len(content) and len(stored.sha256) == 64
    with uploads.opened(stored.name, uploads.plain_name(stored.name)) as plain:
        assert plain.suffix == ".csv"
        assert stat.S_IMODE(plain.stat().st_mode) == 0o600
        assert plain.read_bytes() == content
        folder = plain.parent
    assert not folder.exists()  # the plain copy goes with the job


def test_a_damaged_or_cut_store_is_not_read():
    stored = uploads.store(b"x" * (3 * uploads.RECORD), suffix=".csv")
    path = uploads.path_of(stored.name)
    data = path.read_bytes()
    record = 4 + int.from_bytes(data[:4], "big")
    for damaged in (data[: len(data) // 2], data[:record], data[record : 2 * record] + data):
        path.write_bytes(damaged)  # cut mid-record; whole records missing; records reordered
        with pytest.raises(ValueError), uploads.opened(stored.name):
            pass


def _age(name: str, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(uploads.path_of(name), (old, old))


def test_finishing_the_job_deletes_the_upload_unless_retention_keeps_it(settings):
    stored = uploads.store(b"a,b\n1,2\n", suffix=".csv")
    uploads.finish(stored.name)
    assert stored_files() == []

    settings.PINGJI_UPLOAD_RETENTION_HOURS = 24
    kept = uploads.store(b"a,b\n1,2\n", suffix=".csv")
    uploads.finish(kept.name)
    assert stored_files() == [kept.name + uploads.KEPT]
    assert uploads.sweep() == 0  # not expired yet
    _age(kept.name + uploads.KEPT, 25)
    assert uploads.sweep() == 1 and stored_files() == []


def test_the_sweep_never_takes_the_file_of_a_job_still_waiting(settings):
    waiting = uploads.store(b"a,b\n", suffix=".csv")  # queued, its worker not yet started
    _age(waiting.name, 3 * 24)
    for retention in (0, 1):
        settings.PINGJI_UPLOAD_RETENTION_HOURS = retention
        assert uploads.sweep() == 0 and stored_files() == [waiting.name]
    _age(waiting.name, uploads.ABANDONED_HOURS + 1)  # its job never ended
    assert uploads.sweep() == 1 and stored_files() == []


def test_the_sweep_removes_the_plain_uploads_kept_before_this_store(settings):
    legacy = Path(settings.MEDIA_ROOT) / "testing"
    legacy.mkdir(parents=True, exist_ok=True)
    (legacy / "0f3a.csv").write_text("id_number\n350322198804020571\n")
    assert uploads.sweep() == 1 and not any(legacy.iterdir())


def test_the_job_runner_sweeps_expired_uploads_when_it_starts(settings, db):
    from pingji.core.job_runner import sweep

    settings.PINGJI_UPLOAD_RETENTION_HOURS = 1
    kept = uploads.store(b"a,b\n", suffix=".csv")
    uploads.finish(kept.name)
    _age(kept.name + uploads.KEPT, 2)
    sweep(starting=True)
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(settings):
    settings.PINGJI_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        uploads.store(SimpleUploadedFile("a.csv", b"x" * 1001), suffix=".csv")
    assert "larger than" in exc.value.message_dict["file"][0]
    assert stored_files() == []


def test_a_file_longer_than_it_said_is_refused_while_streaming(settings):
    settings.PINGJI_MAX_UPLOAD_BYTES = 1000
    liar = ContentFile(b"x" * 5000)
    liar.size = 10  # what a client claimed
    with pytest.raises(ValidationError):
        uploads.store(liar, suffix=".csv")
    assert stored_files() == []


def test_a_kind_limit_below_the_platform_limit_applies():
    with pytest.raises(ValidationError):
        uploads.check_size(SimpleUploadedFile("a.csv", b"x" * 11), kind_limit=10)
    uploads.check_size(SimpleUploadedFile("a.csv", b"x" * 10), kind_limit=10)


def test_storing_streams_in_records_not_the_whole_file():
    content = SimpleUploadedFile("big.csv", b"0123456789,abcdefghij\n" * 1_000_000)  # 22 MB
    tracemalloc.start()
    try:
        uploads.store(content, suffix=".csv")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * uploads.RECORD  # a few records at a time, not 22 MB


def test_redact_masks_identity_and_phone_numbers_and_cuts_long_cells():
    text = redact(f"bad row {ID} and {PHONE} " + "x" * 1_000_000)
    assert ID not in text and PHONE not in text
    assert mask_id_number(ID) in text and mask_phone(PHONE) in text
    assert len(text) == 80 and text.endswith("…")
    assert redact("TUBE000123") == "TUBE000123"  # barcodes and short values stay readable


def test_every_row_error_reason_is_redacted():
    error = RowError(2, "id_number", f"not a person: {ID} " + "y" * 5000)
    assert ID not in error.reason and len(error.reason) <= 300


def test_a_csv_cell_over_the_limit_is_refused_with_its_line():
    text = io.StringIO("a,b\n1,2\n" + "x" * (CSV_FIELD_LIMIT + 10) + ",3\n")
    rows = csv_rows(text)
    assert next(rows) == (1, ["a", "b"]) and next(rows) == (2, ["1", "2"])
    with pytest.raises(Refused) as exc:
        next(rows)
    assert exc.value.error.row == 3 and "longer than 128 KB" in exc.value.error.reason


def test_an_endless_line_is_refused_without_reading_it_whole():
    text = io.StringIO('a,b\n"' + "x" * (3 << 20))
    with pytest.raises(Refused) as exc:
        list(csv_rows(text))
    assert "longer than" in exc.value.error.reason


def test_reading_a_large_csv_keeps_memory_bounded():
    """Peak memory stays a small fraction of the file: rows are read one line at a time.

    Reading the same 24 MB file whole (``read().decode()`` then ``list(csv.reader(...))``, as
    the surveillance and quarantine uploads did) peaks at about ten times its size.
    """
    body = b"site,day,count\n" + b"12345,2021-09-11,17\n" * 1_200_000
    upload = SimpleUploadedFile("big.csv", body)
    tracemalloc.start()
    try:
        with text_of(upload) as text:
            count = sum(1 for _row in csv_rows(text))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1_200_001
    assert peak < len(body) // 20


def _workbook(*cells) -> bytes:
    book = Workbook()
    book.active.append(list(cells))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expanding_workbook(chars: int) -> bytes:
    """A valid workbook whose one cell holds ``chars`` characters (more than Excel allows, so
    built by rewriting the sheet as a hostile file would be): tiny zipped, huge unpacked."""
    source = zipfile.ZipFile(io.BytesIO(_workbook("x")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<t>x</t>", b"<t>" + b"a" * chars + b"</t>")
            target.writestr(member, data)
    return out.getvalue()


def test_an_ordinary_workbook_passes_the_inspection():
    uploads.check_xlsx(io.BytesIO(_workbook("身份证号", "姓名")))


def test_a_workbook_that_expands_far_beyond_its_size_is_refused():
    bomb = expanding_workbook(3_000_000)  # a few KB zipped, 3 MB unpacked
    assert len(bomb) < 100_000
    source = io.BytesIO(bomb)
    with pytest.raises(ValidationError) as exc:
        uploads.check_xlsx(source)
    assert "expands" in exc.value.messages[0]
    assert source.tell() == 0  # left where it was, for the reader


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    with pytest.raises(ValidationError) as exc:
        uploads.check_xlsx(io.BytesIO(b"id,name\n1,2\n"))
    assert "not an Excel workbook" in exc.value.messages[0]

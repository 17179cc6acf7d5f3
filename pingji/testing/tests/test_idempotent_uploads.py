"""An upload's job run again after a crash at any point applies the file exactly once.

Jobs are delivered at least once (docs/decisions/0032, 0039). A kill is simulated by making a step
raise while the job function is called directly, as a runner killed there leaves it: nothing of
the runner's failure handling runs. A failure for good goes through the runner (``run_job``).
"""

import pytest
from django.db import OperationalError

from pingji.core import lake, uploads
from pingji.core.choices import JobStatus
from pingji.core.jobs import run_job
from pingji.core.models import Job
from pingji.testing import jobs
from pingji.testing.actions import ingest
from pingji.testing.actions import uploads as upload_actions
from pingji.testing.actions.uploads import do_upload
from pingji.testing.choices import UploadStatus
from pingji.testing.models import Coverage, FollowUp, PositiveTube, Upload
from pingji.testing.store import RESULTS, SAMPLES

from .conftest import csv_bytes, sampling_file


class Killed(BaseException):
    """The worker stops here, as if killed: no ``except Exception`` of the job sees it."""


def no_progress(*args, **kwargs):
    pass


@pytest.fixture
def queued(round_, operator):
    """Post a file and leave its job queued (its commit never ran it)."""

    def post(kind, content):
        row, created = do_upload(round_, actor=operator, kind=kind, name="f.csv", content=content)
        assert created and row.status == UploadStatus.QUEUED
        return row

    return post


@pytest.fixture
def applied(queued):
    def apply(kind, content):
        row = queued(kind, content)
        jobs.ingest_upload(no_progress, upload=row.pk)
        row.refresh_from_db()
        assert row.status == UploadStatus.APPLIED, row.errors
        return row

    return apply


def stored_rows(dataset, upload):
    table = lake.read(dataset)
    return [r for r in table.to_pylist() if r["upload_id"] == upload.pk]


def sampled(round_):
    return sum(Coverage.objects.filter(round=round_).values_list("sampled", flat=True))


def positive_results(people_tubes=4, positive=1):
    return csv_bytes(
        "barcode,result,resulted_at",
        [
            f"T{i:07d},{'阳性' if i == positive else '阴性'},2021-09-11 20:00"
            for i in range(people_tubes)
        ],
    )


def test_a_job_run_again_after_it_applied_changes_nothing(applied, round_, residents):
    row = applied("sampling", sampling_file(residents[:9]))
    # the runner was killed after the commit, before it said so: the job is delivered again
    result = jobs.ingest_upload(no_progress, upload=row.pk)
    assert result["status"] == UploadStatus.APPLIED
    assert len(stored_rows(SAMPLES, row)) == 9
    assert sampled(round_) == 9


def test_killed_before_the_orm_commit_a_rerun_applies_one_copy(
    queued, round_, residents, monkeypatch
):
    # Given a job killed after its rows reached the lake, before the ORM side committed
    row = queued("sampling", sampling_file(residents[:9]))
    monkeypatch.setattr(upload_actions, "do_apply_upload", _raise(Killed))
    with pytest.raises(Killed):
        jobs.ingest_upload(no_progress, upload=row.pk)
    monkeypatch.undo()
    row.refresh_from_db()
    assert row.status == UploadStatus.QUEUED
    assert uploads.path_of(row.path).exists()  # kept for the next delivery
    assert len(stored_rows(SAMPLES, row)) == 9
    # When it is delivered again
    jobs.ingest_upload(no_progress, upload=row.pk)
    # Then the file is applied once, in the lake and in the ORM, and its stored copy is gone
    row.refresh_from_db()
    assert row.status == UploadStatus.APPLIED and row.rows == 9
    assert len(stored_rows(SAMPLES, row)) == 9
    assert sampled(round_) == 9
    assert not uploads.path_of(row.path).exists()


def test_killed_between_placing_the_files_and_listing_them_a_rerun_stores_one_copy(
    queued, round_, residents, monkeypatch
):
    row = queued("sampling", sampling_file(residents[:9]))
    real = lake._save

    def dies_before_listing(root, entry, target):
        if target.suffix == lake.LISTED:
            raise Killed
        real(root, entry, target)

    monkeypatch.setattr(lake, "_save", dies_before_listing)
    with pytest.raises(Killed):
        jobs.ingest_upload(no_progress, upload=row.pk)
    monkeypatch.undo()
    assert stored_rows(SAMPLES, row) == []  # placed, never listed: never read
    jobs.ingest_upload(no_progress, upload=row.pk)
    row.refresh_from_db()
    assert row.status == UploadStatus.APPLIED
    assert len(stored_rows(SAMPLES, row)) == 9
    root = lake.dataset_dir(SAMPLES)
    on_disk = sum(1 for p in root.glob(lake.PART_GLOB))
    assert on_disk == len(lake.files(SAMPLES))  # the crashed run's files were removed


def test_a_transient_failure_keeps_the_upload_queued_and_its_file(
    queued, round_, residents, monkeypatch
):
    row = queued("sampling", sampling_file(residents[:9]))
    monkeypatch.setattr(ingest, "ingest_sampling", _raise(OperationalError("database is locked")))
    with pytest.raises(OperationalError):
        run_job(row.job_id, retry=True)
    monkeypatch.undo()
    row.refresh_from_db()
    assert row.status == UploadStatus.QUEUED
    assert uploads.path_of(row.path).exists()
    assert Job.objects.get(pk=row.job_id).status == JobStatus.QUEUED
    run_job(row.job_id, retry=True)  # the broker delivers it again
    row.refresh_from_db()
    assert row.status == UploadStatus.APPLIED and sampled(round_) == 9


def test_a_job_failing_for_good_marks_its_upload_so_the_file_can_be_posted_again(
    queued, round_, operator, residents, monkeypatch
):
    content = sampling_file(residents[:9])
    row = queued("sampling", content)
    monkeypatch.setattr(upload_actions, "do_apply_upload", _raise(RuntimeError("broken")))
    run_job(row.job_id, retry=False)
    monkeypatch.undo()
    row.refresh_from_db()
    assert Job.objects.get(pk=row.job_id).status == JobStatus.FAILED
    assert row.status == UploadStatus.FAILED
    assert "Interrupted" in row.errors[0]["reason"]
    assert not uploads.path_of(row.path).exists()
    # the same file posted again is a new upload, and applies
    again, created = do_upload(
        round_, actor=operator, kind="sampling", name="f.csv", content=content
    )
    assert created and again.pk != row.pk
    jobs.ingest_upload(no_progress, upload=again.pk)
    again.refresh_from_db()
    assert again.status == UploadStatus.APPLIED and sampled(round_) == 9


def test_an_upload_whose_job_ended_without_it_is_replaced_when_posted_again(
    queued, round_, operator, residents
):
    # Given an upload left queued by a job that failed before failures marked their upload
    content = sampling_file(residents[:9])
    stuck = queued("sampling", content)
    Job.objects.filter(pk=stuck.job_id).update(status=JobStatus.FAILED)
    # When the file is posted again
    again, created = do_upload(
        round_, actor=operator, kind="sampling", name="f.csv", content=content
    )
    # Then the stuck upload says it was interrupted and the new one is queued
    stuck.refresh_from_db()
    assert created and again.pk != stuck.pk
    assert stuck.status == UploadStatus.FAILED
    assert Upload.objects.filter(status=UploadStatus.QUEUED).get() == again


def test_a_queued_upload_whose_job_still_runs_is_returned_not_replaced(
    queued, round_, operator, residents
):
    content = sampling_file(residents[:9])
    first = queued("sampling", content)
    Job.objects.filter(pk=first.job_id).update(status=JobStatus.RUNNING)
    again, created = do_upload(
        round_, actor=operator, kind="sampling", name="f.csv", content=content
    )
    assert not created and again.pk == first.pk


def test_positive_follow_up_is_opened_once_even_over_rows_stored_twice(
    applied, queued, residents, monkeypatch
):
    # Given the sampling applied, and a results file whose rows reach the lake twice (as a
    # re-run did before the lake had a manifest: a new key each time)
    applied("sampling", sampling_file(residents, per_tube=3))
    results = queued("results", positive_results())
    keys = iter(["first", "second"])
    monkeypatch.setattr(ingest, "lake_key", lambda path, rules: next(keys))
    monkeypatch.setattr(upload_actions, "do_apply_upload", _raise(Killed))
    with pytest.raises(Killed):
        jobs.ingest_upload(no_progress, upload=results.pk)
    monkeypatch.setattr(upload_actions, "do_apply_upload", _real_apply)
    # When the job runs again
    jobs.ingest_upload(no_progress, upload=results.pk)
    # Then the positive tube and its members are followed up once
    results.refresh_from_db()
    assert len(stored_rows(RESULTS, results)) == 8  # the double copy
    assert results.status == UploadStatus.APPLIED
    tube = PositiveTube.objects.get()
    assert tube.size == 3
    assert FollowUp.objects.filter(tube=tube).count() == 3


_real_apply = upload_actions.do_apply_upload


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail

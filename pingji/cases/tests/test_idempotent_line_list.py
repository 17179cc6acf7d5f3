"""A line list applied twice reports each case once; its job run again finds the work done.

A row is one report, known by its person and report time (docs/decisions/0039). A kill is
simulated by an exception no ``except Exception`` sees, raised where the runner would die.
"""

import pytest
from django.db import OperationalError

from pingji.cases import imports
from pingji.cases.imports import import_line_list
from pingji.cases.models import Case
from pingji.core import uploads
from pingji.core.choices import JobStatus
from pingji.core.jobs import enqueue, run_job
from pingji.core.models import DomainEvent, Job
from pingji.people.models import Person
from pingji.people.tests.factories import id_number_for

from .conftest import GRID
from .test_imports import row, workbook


class Killed(BaseException):
    """The worker stops here."""


def line_list(resident):
    return workbook(
        [
            row(resident.reveal()["id_number"], "林某"),
            row(id_number_for(5100), "郑某", "无症状感染者", "", "", channel="集中隔离"),
        ]
    )


def counts():
    return (
        Case.objects.count(),
        Person.objects.count(),
        DomainEvent.objects.filter(kind="cases.reported").count(),
    )


def test_the_same_line_list_twice_reports_each_case_once(epi, tree, resident):
    first = import_line_list(line_list(resident), actor=epi, grid=tree[GRID])
    assert first["created"] == 2 and not first["errors"]
    before = counts()
    again = import_line_list(line_list(resident), actor=epi, grid=tree[GRID])
    assert again["created"] == 0 and not again["errors"]
    assert sorted(again["already"]) == sorted(first["cases"])
    assert counts() == before == (2, 2, 2)


def test_a_line_list_with_old_and_new_rows_adds_only_the_new(epi, tree, resident):
    import_line_list(line_list(resident), actor=epi, grid=tree[GRID])
    grown = workbook(
        [
            row(resident.reveal()["id_number"], "林某"),
            row(id_number_for(5101), "陈某", "无症状感染者", "", "", channel="集中隔离"),
        ]
    )
    result = import_line_list(grown, actor=epi, grid=tree[GRID])
    assert result["created"] == 1 and len(result["already"]) == 1
    assert Case.objects.count() == 3


@pytest.fixture
def queued_job(epi, resident, settings):
    """The line list stored for its job, and the job queued (its commit never ran it)."""
    settings.JOBS_BACKEND = "sync"
    stored = uploads.store(line_list(resident).getvalue(), suffix=".xlsx")
    job = enqueue("cases.import_line_list", {"file": stored.name, "grid": GRID}, actor=epi)
    return job, stored


def test_a_job_killed_after_its_commit_finds_the_cases_on_its_next_delivery(
    queued_job, monkeypatch
):
    job, stored = queued_job
    # killed after the import committed, before the runner recorded the outcome
    monkeypatch.setattr(imports.uploads, "finish", _raise(Killed))
    with pytest.raises(Killed):
        run_job(job.pk, retry=True)
    monkeypatch.undo()
    assert counts() == (2, 2, 2)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # its lease ran out
    run_job(job.pk, retry=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["created"] == 0 and len(job.result["already"]) == 2
    assert not job.result["errors"]
    assert counts() == (2, 2, 2)
    assert not uploads.path_of(stored.name).exists()


def test_a_transient_failure_keeps_the_file_for_the_next_delivery(queued_job, monkeypatch):
    job, stored = queued_job
    monkeypatch.setattr(imports, "import_line_list", _raise(OperationalError("locked")))
    with pytest.raises(OperationalError):
        run_job(job.pk, retry=True)
    monkeypatch.undo()
    assert uploads.path_of(stored.name).exists()
    run_job(job.pk, retry=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 2


def test_a_job_failing_for_good_deletes_its_file(queued_job, monkeypatch):
    job, stored = queued_job
    monkeypatch.setattr(imports, "import_line_list", _raise(RuntimeError("broken")))
    run_job(job.pk, retry=False)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not uploads.path_of(stored.name).exists()
    assert not Case.objects.exists()


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail

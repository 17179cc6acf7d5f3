"""A registry workbook applied twice registers each establishment once (docs/decisions/0039).

Rows are known by their natural keys: the credit code, or the name in its grid and kind. A kill is
simulated by an exception no ``except Exception`` sees, raised where the worker would die.
"""

import pytest
from django.db import OperationalError

from pingji.core import uploads
from pingji.core.choices import JobStatus
from pingji.core.jobs import enqueue, run_job
from pingji.core.models import DomainEvent, Job
from pingji.reopening.actions import imports
from pingji.reopening.actions.imports import import_establishments
from pingji.reopening.models import Establishment

from .conftest import GRID
from .factories import EstablishmentFactory, credit_code
from .test_imports import GOOD, book


class Killed(BaseException):
    """The worker stops here."""


def imported_events():
    return DomainEvent.objects.filter(kind="reopening.imported").count()


def test_the_same_workbook_twice_registers_each_establishment_once(operator, tree):
    first = import_establishments(book(GOOD), actor=operator, area=tree["350322"])
    assert first["created"] == 3
    again = import_establishments(book(GOOD), actor=operator, area=tree["350322"])
    assert again == {"rows": 3, "created": 0, "already": 3, "errors": []}
    assert Establishment.objects.count() == 3
    assert imported_events() == 1


def test_a_grown_workbook_adds_only_its_new_rows(operator, tree):
    import_establishments(book(GOOD[:2]), actor=operator, area=tree["350322"])
    result = import_establishments(book(GOOD), actor=operator, area=tree["350322"])
    assert (result["created"], result["already"], result["errors"]) == (1, 2, [])
    assert Establishment.objects.count() == 3


def test_a_row_clashing_with_another_establishment_is_still_refused(operator, tree):
    EstablishmentFactory(jurisdiction=tree[GRID], name="别的公司", credit_code=credit_code(11))
    result = import_establishments(book(GOOD), actor=operator, area=tree["350322"])
    assert result["created"] == 0
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (2, "unified social credit code")
    ]
    assert Establishment.objects.count() == 1


@pytest.fixture
def queued_job(operator, settings, tmp_path):
    settings.JOBS_BACKEND = "sync"
    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store(book(GOOD).getvalue(), suffix=".xlsx")
    job = enqueue(
        "reopening.import_establishments", {"file": stored.name, "area": "350322"}, actor=operator
    )
    return job, stored


def test_a_job_killed_after_its_commit_finds_the_registry_on_its_next_delivery(
    queued_job, monkeypatch
):
    job, stored = queued_job
    monkeypatch.setattr(imports.uploads, "finish", _raise(Killed))
    with pytest.raises(Killed):
        run_job(job.pk, retry=True)
    monkeypatch.undo()
    assert Establishment.objects.count() == 3
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # its lease ran out
    run_job(job.pk, retry=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 3, "created": 0, "already": 3, "errors": []}
    assert Establishment.objects.count() == 3
    assert not uploads.path_of(stored.name).exists()


def test_a_transient_failure_keeps_the_file_and_a_final_one_deletes_it(queued_job, monkeypatch):
    job, stored = queued_job
    monkeypatch.setattr(imports, "import_establishments", _raise(OperationalError("locked")))
    with pytest.raises(OperationalError):
        run_job(job.pk, retry=True)
    assert uploads.path_of(stored.name).exists()
    monkeypatch.setattr(imports, "import_establishments", _raise(RuntimeError("broken")))
    run_job(job.pk, retry=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not uploads.path_of(stored.name).exists()


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail

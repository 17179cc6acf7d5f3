"""Runs: an ensemble as a job with progress and results; a second delivery changes nothing; a
failed run holds no result and can be run again; a finished run attaches to a proposal."""

import shutil

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pingji.areas.choices import TransitionKind, TransitionStatus
from pingji.areas.tests.factories import TransitionFactory
from pingji.core import jobs
from pingji.core.choices import JobStatus
from pingji.scenarios import actions
from pingji.scenarios.models import Run
from pingji.scenarios.tests.factories import ScenarioFactory
from pingji.users.choices import Role

from .conftest import COUNTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, COUNTY)


@pytest.fixture
def queue(django_capture_on_commit_callbacks, epi):
    """Queue a run and let the sync backend run it at commit, as a request would."""

    def run_of(scenario, again=None):
        with django_capture_on_commit_callbacks(execute=True):
            if again is not None:
                run = actions.do_run_again(again, actor=epi)
            else:
                run = actions.do_queue_run(scenario, actor=epi)
        run.refresh_from_db()
        return run

    return run_of


@pytest.fixture
def finished(town, queue):
    return queue(ScenarioFactory(jurisdiction=town["tree"][COUNTY], runs=3, days=28, threshold=1))


def test_a_run_finishes_with_results_by_day_and_area_and_its_inputs(finished):
    run, r = finished, finished.results
    assert run.status == "finished" and run.job.status == JobStatus.SUCCEEDED
    assert len(r["local_infections"]) == 5 and len(r["local_infections"][2]) == 28
    assert set(r["rebound"]) == {"14", "28"} and 0 <= r["rebound"]["14"] <= r["rebound"]["28"] <= 1
    assert r["by_area"]["codes"] == ["350322100"]
    assert r["rooms"][0][0] >= 1  # the person placed before the state day still holds a room
    assert run.inputs["seeds"] == [1, 2, 3] and run.inputs["pathogen"]["variant"] == "delta"
    assert run.inputs["population"]["agents"] == 60 and len(run.inputs["digest"]) == 64
    assert run.job.progress == run.job.total


def test_the_same_seeds_give_the_same_results(finished, queue):
    again = queue(finished.scenario)
    assert again.results == finished.results and again.inputs["digest"] == finished.inputs["digest"]


def test_on_a_spark_cluster_the_same_seeds_give_the_same_results(finished, queue, settings):
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java")
    settings.SPARK_MASTER = "local[2]"  # the cluster the setting names, in local mode
    there = queue(finished.scenario)
    assert there.status == "finished" and there.results == finished.results


def test_a_second_delivery_of_a_finished_run_changes_nothing(finished):
    before = (finished.results, finished.finished_at)
    out = jobs.REGISTRY["scenarios.run"].fn(lambda *a, **k: None, run=finished.pk)
    finished.refresh_from_db()
    assert out["status"] == "finished" and (finished.results, finished.finished_at) == before


def test_a_failed_run_holds_no_result_and_can_be_run_again(town, queue, monkeypatch):
    s = ScenarioFactory(jurisdiction=town["tree"][COUNTY], runs=2)

    def boom(*args, **kwargs):
        raise RuntimeError("worker lost its memory")

    monkeypatch.setattr("pingji.scenarios.jobs.summarise", boom)
    run = queue(s)
    assert run.status == "failed" and run.results is None and "worker lost" in run.error
    assert actions.interrupted(run)
    monkeypatch.undo()
    run = queue(s, again=run)
    assert run.status == "finished" and run.results["runs"] == 2


def test_a_run_cannot_be_finished_without_results_nor_hold_them_unfinished(finished):
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.filter(pk=finished.pk).update(results=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.filter(pk=finished.pk).update(status="failed")


def test_a_finished_run_cannot_be_run_again(finished, epi):
    with pytest.raises(ValidationError):
        actions.do_run_again(finished, actor=epi)


def test_a_finished_run_is_frozen_into_a_step_down_proposal(finished, epi, town):
    t = TransitionFactory(
        area=town["area"],
        kind=TransitionKind.STEP_DOWN,
        status=TransitionStatus.PROPOSED,
        to_level="controlled",
    )
    actions.do_attach_run(finished, t, actor=epi)
    t.refresh_from_db()
    (a,) = t.evidence["assessments"]
    assert a["run"] == finished.pk and a["rebound_14"] == finished.results["rebound"]["14"]
    assert a["url"] == finished.get_absolute_url()
    # attaching again replaces it; a designation or a decided proposal refuses it
    actions.do_attach_run(finished, t, actor=epi)
    t.refresh_from_db()
    assert len(t.evidence["assessments"]) == 1
    designation = town["area"].transitions.get(kind=TransitionKind.DESIGNATE)
    with pytest.raises(ValidationError):
        actions.do_attach_run(finished, designation, actor=epi)

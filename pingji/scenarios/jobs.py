"""The job that runs a scenario's ensemble (docs/decisions/0032, 0037).

Delivered at least once, so idempotent: a delivery that finds its run finished changes nothing
and answers its results; one that finds it queued or running (a killed worker's run) builds and
runs it again from the recorded inputs and seeds, which give the same results. The results and
the status "finished" are written in one statement at the end; a failure writes neither
(``on_failure`` marks the run failed, with no result), so no partial result is ever shown as
finished.
"""

import os

from django.conf import settings

from pingji.core import clock
from pingji.core.jobs import job
from pingji.epi import abm

from .build import build
from .choices import RunStatus
from .models import Run
from .results import summarise

KIND = "scenarios.run"


def workers(runs: int) -> int:
    """Processes for an ensemble: ``SCENARIO_WORKERS`` (0: every core), at most one a run."""
    wanted = settings.SCENARIO_WORKERS or os.cpu_count() or 1
    return max(1, min(wanted, runs))


def failed(params: dict, error: str) -> None:
    """The job failed for good: the run says so, holds no result, and may be run again."""
    last = error.strip().splitlines()[-1] if error.strip() else ""
    Run.objects.filter(pk=params["run"]).exclude(status=RunStatus.FINISHED).update(
        status=RunStatus.FAILED, results=None, error=last[:4000], finished_at=clock.now()
    )


@job(KIND, on_failure=failed)
def run_scenario(progress, run: int) -> dict:
    row = Run.objects.select_related("scenario").get(pk=run)
    if row.status == RunStatus.FINISHED:
        return {"run": row.pk, "status": row.status}  # a second delivery: nothing to do
    Run.objects.filter(pk=row.pk).update(status=RunStatus.RUNNING, started_at=clock.now())
    s = row.scenario
    progress(0, s.runs + 1, "building the population")
    built = build(s)
    built.scenario.check()  # memory and every input, before any agent moves
    seeds = [s.seed + k for k in range(s.runs)]
    ensemble = _ensemble(built.scenario, seeds, progress)
    results = summarise(
        ensemble,
        threshold=s.threshold,
        central_days=built.inputs["regime"]["central_days"],
        stay_days=s.stay_days,
        rooms_held=built.rooms_held,
        beds_held=built.beds_held,
        labels=built.area_labels,
    )
    inputs = {**built.inputs, "seeds": seeds, "digest": built.scenario.digest()}
    Run.objects.filter(pk=row.pk).exclude(status=RunStatus.FINISHED).update(
        status=RunStatus.FINISHED,
        results=results,
        inputs=inputs,
        error="",
        finished_at=clock.now(),
    )
    progress(s.runs + 1, s.runs + 1, "finished")
    return {"run": row.pk, "status": RunStatus.FINISHED, "rebound": results["rebound"]}


def _ensemble(scenario, seeds: list[int], progress) -> abm.Ensemble:
    """The ensemble on the Spark cluster ``SPARK_MASTER`` names, in one go; else on this
    machine's cores in chunks of one seed a worker, reporting progress after each chunk."""
    if settings.SPARK_MASTER:
        from pingji.epi.abm.spark import session

        ensemble = abm.run_ensemble(scenario, seeds, spark=session(settings.SPARK_MASTER))
        progress(len(seeds), len(seeds) + 1, f"{len(seeds)} of {len(seeds)} runs")
        return ensemble
    n = workers(len(seeds))
    runs = []
    for k in range(0, len(seeds), n):
        runs += abm.run_ensemble(scenario, seeds[k : k + n], workers=n).runs
        progress(len(runs), len(seeds) + 1, f"{len(runs)} of {len(seeds)} runs")
    return abm.Ensemble(runs)

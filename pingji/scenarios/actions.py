"""Writes of the scenarios domain: creating a scenario (checked whole before it is stored),
queueing a run, running a failed one again, and attaching a finished run to a lifting proposal.

Every action checks the actor's permission and jurisdiction first (nobody creates, runs or sees
another jurisdiction's scenario) and refuses bad input with a ``ValidationError`` keyed by field,
before anything runs.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.areas.actions.assessments import do_attach_assessment
from pingji.core import clock
from pingji.core.access import ensure_allowed, scope_code
from pingji.core.actions import conflict, error, field_errors
from pingji.core.jobs import enqueue
from pingji.epi import abm
from pingji.epi.abm.model import available_memory
from pingji.geo.models import Jurisdiction
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from . import jobs, mapping
from .choices import RunStatus
from .in_force import in_force
from .models import VACCINATED_FROM_AGE, Run, Scenario
from .pathogen import pathogen_on
from .plan import clean_parameters, clean_plan
from .population import count_people


def _may(actor, code: str, perm: str) -> None:
    own = scope_code(actor)
    if own is None or not code.startswith(own) or not actor.has_perm(perm):
        raise PermissionDenied(_("Outside your jurisdiction or role."))


def memory_limit() -> int:
    """Bytes a run may take: ``SCENARIO_MEMORY_LIMIT`` if set, else what the kernel offers."""
    return getattr(settings, "SCENARIO_MEMORY_LIMIT", None) or available_memory()


def check_memory(code: str, day: datetime.date, runs: int) -> None:
    """Refuse a population too large for the memory available, before anything is built."""
    people = count_people(code, day)
    if people == 0:
        raise error(
            "jurisdiction", _("The registry holds nobody in this jurisdiction on that day.")
        )
    need = abm.Population.estimate_bytes(people, len(mapping.GROUP_LAYERS)) * jobs.workers(runs)
    limit = memory_limit()
    if need > limit:
        raise error(
            "jurisdiction",
            _(
                "%(people)s people need about %(need).1f GiB and %(limit).1f GiB is available: "
                "choose a smaller jurisdiction."
            )
            % {"people": people, "need": need / 2**30, "limit": limit / 2**30},
            "too_large",
        )


@transaction.atomic
def do_create_scenario(
    *,
    actor,
    jurisdiction: str,
    name: str,
    state_day: datetime.date,
    plan,
    days: int,
    runs: int,
    threshold: int,
    seed: int = 1,
    importation: float = 0.0,
    stay_days: int = 21,
    vaccinated_share: float = 0.0,
    vaccinated_from_age: int = VACCINATED_FROM_AGE,
) -> Scenario:
    """Check everything a run will read, then store the scenario (nothing runs yet)."""
    _may(actor, str(jurisdiction), "scenarios.add_scenario")
    place = Jurisdiction.objects.filter(code=jurisdiction).first()
    if place is None:
        raise error("jurisdiction", _("No such jurisdiction."))
    params = dict(
        days=days,
        runs=runs,
        threshold=threshold,
        seed=seed,
        importation=importation,
        vaccinated_share=vaccinated_share,
        vaccinated_from_age=vaccinated_from_age,
    )
    problems = clean_parameters(state_day=state_day, stay_days=stay_days, **params)
    name = (name or "").strip()
    if not name or len(name) > 200:
        problems["name"] = _("Give a name of at most 200 characters.")
    if problems:
        raise field_errors(problems)
    try:
        protocol_for(place.code, state_day)
    except NoProtocolInForce as exc:
        raise error("state_day", str(exc)) from exc
    pathogen_on(place.code, state_day)
    cleaned = clean_plan(plan, in_force(place.code, state_day), days)
    check_memory(place.code, state_day, runs)
    return Scenario.objects.create(
        jurisdiction=place,
        name=name,
        state_day=state_day,
        plan=cleaned,
        created_by=actor,
        stay_days=stay_days,
        **params,
    )


@transaction.atomic
def do_queue_run(scenario: Scenario, *, actor) -> Run:
    """A new run of ``scenario``, queued as a job (its progress is the job's)."""
    _may(actor, scenario.jurisdiction_id, "scenarios.add_run")
    ensure_allowed(actor, scenario, "view")
    check_memory(scenario.jurisdiction_id, scenario.state_day, scenario.runs)
    run = Run.objects.create(
        scenario=scenario, jurisdiction_id=scenario.jurisdiction_id, created_by=actor
    )
    return _enqueue(run, actor)


def _enqueue(run: Run, actor) -> Run:
    run.job = enqueue(
        jobs.KIND, {"run": run.pk}, actor=actor, jurisdiction_code=run.jurisdiction_id
    )
    run.save(update_fields=["job"])
    return run


def interrupted(run: Run) -> bool:
    """A run whose job ended without finishing it (the worker was killed, the job failed)."""
    if run.status == RunStatus.FAILED:
        return True
    job = run.job
    return run.status != RunStatus.FINISHED and (job is None or job.finished_at is not None)


@transaction.atomic
def do_run_again(run: Run, *, actor) -> Run:
    """Run a failed or interrupted run again, from the same scenario and seeds."""
    _may(actor, run.jurisdiction_id, "scenarios.add_run")
    run = Run.objects.select_for_update(of=("self",)).select_related("job").get(pk=run.pk)
    ensure_allowed(actor, run, "view")
    if not interrupted(run):
        raise conflict("status", _("Only a failed or interrupted run is run again."))
    run.status, run.results, run.error, run.finished_at = RunStatus.QUEUED, None, "", None
    run.save(update_fields=["status", "results", "error", "finished_at"])
    return _enqueue(run, actor)


def do_attach_run(run: Run, proposal, *, actor):
    """Attach a finished run's frozen summary to a step-down or lifting proposal (areas)."""
    from .results import summary

    ensure_allowed(actor, run, "view")
    if run.status != RunStatus.FINISHED:
        raise error("run", _("Only a finished run can be attached."))
    code, target = run.jurisdiction_id, proposal.jurisdiction_id
    if not (target.startswith(code) or code.startswith(target)):
        raise error("proposal", _("The proposal is outside the scenario's jurisdiction."))
    at = summary(run)
    at["attached_on"] = clock.today().isoformat()
    return do_attach_assessment(proposal, at, actor=actor)

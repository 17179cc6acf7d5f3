"""How fast a drill did each key step, against the deadlines of the protocol it runs under.

Times come from the rows the real workflow wrote in the sandboxes (the case's report, its
investigation's opening, core facts and report; the first dispatch sent from the drill's sandbox
and the receiving county's answer to it; the first placement under quarantine in either sandbox;
the first area event), else from a step timed by hand (``DrillStepRecord``). Deadlines come from
the drill's own version (``Drill.protocol``, bound to its sandboxes, so the work was done under
it; for a drill that names none, the version in force for the county), read from the protocol,
never constants: investigation dispatched within
``investigation_dispatch_minutes`` of the report, core facts within ``core_facts_hours``, full
report within ``full_report_hours``, pushed persons located and controlled within
``locate_and_control_hours`` of the dispatch.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tracing.choices import DispatchStatus

from .choices import DrillStep
from .models import Drill, DrillStepRecord


def _iso(value) -> str | None:
    """Beijing time, as the drill's participants read their clocks."""
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _event_time(codes: list[str], prefix: str):
    """The first event of a kind in any of the sandboxes."""
    inside = Q()
    for code in codes:
        inside |= Q(jurisdiction_code__startswith=code)
    return (
        DomainEvent.objects.filter(inside, kind__startswith=prefix)
        .order_by("time")
        .values_list("time", flat=True)
        .first()
    )


def _first_placed(codes: list[str]) -> datetime.datetime | None:
    """When the first person was placed under quarantine in any of the sandboxes (the receiving
    county places the dispatched contact in its own)."""
    try:
        Placement = apps.get_model("quarantine", "Placement")
    except LookupError:
        return None
    times = [
        Placement.objects.subtree(code)
        .order_by("placed_at")
        .values_list("placed_at", flat=True)[:1]
        for code in codes
    ]
    return min((t[0] for t in times if t), default=None)


def _dispatch_times(code: str) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """(sent, controlled) of the first dispatch sent from the sandbox: the row the receiving
    county worked, so its answer is timed where it was given (closed as controlled)."""
    try:
        Dispatch = apps.get_model("tracing", "Dispatch")
    except LookupError:
        return None, None
    first = (
        Dispatch.objects.filter(sender__code__startswith=code)
        .order_by("sent_at", "id")
        .values("sent_at", "status", "closed_at")
        .first()
    )
    if first is None:
        return None, None
    controlled = first["closed_at"] if first["status"] == DispatchStatus.CONTROLLED else None
    return first["sent_at"], controlled


def observed_times(drill: Drill) -> dict[str, datetime.datetime | None]:
    code = drill.sandbox_code
    times: dict[str, datetime.datetime | None] = {s: None for s in DrillStep.values}
    if code:
        Case = apps.get_model("cases", "Case")
        reported = (
            Case.objects.subtree(code)
            .order_by("reported_at")
            .values_list("id", "reported_at")
            .first()
        )
        if reported:
            times[DrillStep.CASE_REPORTED] = reported[1]
            inv: Mapping[str, Any]
            try:
                Investigation = apps.get_model("tracing", "Investigation")
                inv = (
                    Investigation.objects.filter(case_id=reported[0])
                    .values("opened_at", "core_done_at", "report_done_at")
                    .first()
                    or {}
                )
            except LookupError:
                inv = {}
            times[DrillStep.INVESTIGATION_OPENED] = inv.get("opened_at")
            times[DrillStep.CORE_FACTS] = inv.get("core_done_at")
            times[DrillStep.FULL_REPORT] = inv.get("report_done_at")
        sandboxes = [c for c in (code, drill.partner_sandbox_code) if c]
        sent, controlled = _dispatch_times(code)
        times[DrillStep.DISPATCH] = sent or _event_time([code], "tracing.dispatch")
        times[DrillStep.CONTROLLED] = controlled
        times[DrillStep.QUARANTINE] = _first_placed(sandboxes)
        times[DrillStep.AREA] = _event_time([code], "areas.")
    for rec in DrillStepRecord.objects.filter(drill=drill):
        times[rec.step] = times[rec.step] or rec.done_at
    return times


def _deadlines(drill: Drill, times: dict) -> dict[str, tuple[datetime.datetime | None, str]]:
    start = times[DrillStep.CASE_REPORTED]
    if start is None:
        return {}
    try:
        protocol = drill.protocol or protocol_for(drill.jurisdiction_id, start, drill.disease_id)
    except NoProtocolInForce:
        return {}
    inv, disp = rules.investigation(protocol), rules.dispatch(protocol)
    hour = datetime.timedelta(hours=1)
    out: dict[str, tuple[datetime.datetime | None, str]] = {}
    if disp.applies and disp.investigation_dispatch_minutes:
        out[DrillStep.INVESTIGATION_OPENED] = (
            start + datetime.timedelta(minutes=disp.investigation_dispatch_minutes),
            disp.clause,
        )
    if inv.applies and inv.core_facts_hours:
        out[DrillStep.CORE_FACTS] = (start + inv.core_facts_hours * hour, inv.clause)
    if inv.applies and inv.full_report_hours:
        out[DrillStep.FULL_REPORT] = (start + inv.full_report_hours * hour, inv.clause)
    pushed = times[DrillStep.DISPATCH]
    if disp.applies and disp.locate_and_control_hours and pushed:
        out[DrillStep.CONTROLLED] = (pushed + disp.locate_and_control_hours * hour, disp.clause)
    return out


def drill_report(drill: Drill) -> dict:
    """Each step: when it was done, minutes from the case report, its deadline and whether met.

    The score is the share of steps with a deadline that were done in time (0–100); a step with a
    deadline that was never done counts as missed.
    """
    times = observed_times(drill)
    deadlines = _deadlines(drill, times)
    start = times[DrillStep.CASE_REPORTED]
    steps, judged, met = [], 0, 0
    for step, label in DrillStep.choices:
        done = times[step]
        due, clause = deadlines.get(step, (None, ""))
        ok = None if due is None else bool(done and done <= due)
        if due is not None:
            judged += 1
            met += int(bool(ok))
        steps.append(
            {
                "step": step,
                "label": str(label),
                "done_at": _iso(done),
                "minutes": round((done - start).total_seconds() / 60) if done and start else None,
                "due_at": _iso(due),
                "met": ok,
                "clause": clause,
            }
        )
    return {"steps": steps, "score": round(100 * met / judged) if judged else None}

"""Attaching a scientific assessment (科学评估) to a lifting proposal, as its evidence.

A scenario run elsewhere (the scenarios app, docs/scenarios.md) is summarised into plain JSON —
rebound probabilities, peak needs, a link — and frozen into the proposal's ``evidence`` under
``assessments``: the approver reads what the run said when it was attached, whatever happens to
the run later. Areas knows nothing of scenarios: it checks the summary's shape, not its source.
"""

import json

from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error

from ..choices import TransitionStatus
from ..models import MeasureChange, Transition
from .scope import may_act_in

#: The kinds of proposal an assessment supports: a step down or a lifting.
ASSESSED_KINDS = ("step_down", "lift")
#: Assessments a proposal keeps (the newest), and the largest summary accepted.
MAX_ASSESSMENTS = 5
MAX_BYTES = 4000


def _checked(summary) -> dict:
    plain = isinstance(summary, dict) and all(
        isinstance(v, str | int | float | bool | dict | type(None)) for v in summary.values()
    )
    if not plain or "run" not in summary:
        raise error("summary", _("An assessment is a summary of one finished run."))
    if len(json.dumps(summary, ensure_ascii=False)) > MAX_BYTES:
        raise error("summary", _("The assessment's summary is too large."))
    return summary


@transaction.atomic
def do_attach_assessment(proposal: Transition | MeasureChange, summary, *, actor):
    """Freeze ``summary`` into the evidence of a step-down or lifting still awaiting decision.

    Attaching the same run again replaces its earlier summary; a decided proposal is a conflict.
    """
    perm = (
        "areas.change_transition"
        if isinstance(proposal, Transition)
        else "areas.change_measurechange"
    )
    may_act_in(actor, proposal.jurisdiction_id, perm)
    summary = _checked(summary)
    locked = type(proposal).objects.select_for_update().get(pk=proposal.pk)
    ensure_allowed(actor, locked, "view")
    if locked.kind not in ASSESSED_KINDS:
        raise error("proposal", _("Only a step down or a lifting carries an assessment."))
    if locked.status != TransitionStatus.PROPOSED:
        raise conflict("status", _("The proposal has been decided; its evidence is closed."))
    kept = [a for a in locked.evidence.get("assessments", []) if a.get("run") != summary["run"]]
    entry = {**summary, "attached_at": clock.now().isoformat(), "attached_by": actor.username}
    locked.evidence = {**locked.evidence, "assessments": [*kept, entry][-MAX_ASSESSMENTS:]}
    locked.save(update_fields=["evidence"])
    return locked

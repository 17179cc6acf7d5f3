"""Background job: escalation as a job kind, so the in-app scheduler or an operator can queue it."""

from pingji.core.jobs import job

from .actions.work import do_escalate_overdue


@job("tasks.escalate")
def escalate_overdue(progress) -> dict[str, int]:
    counts = do_escalate_overdue()
    progress(counts["overdue"], counts["overdue"])
    return counts

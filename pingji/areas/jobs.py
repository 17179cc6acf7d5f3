"""The daily evaluation as a background job (run by ``pingji evaluate_areas`` from cron)."""

import datetime

from pingji.core import clock
from pingji.core.jobs import job

from .choices import Verdict
from .evaluation import evaluate


@job("areas.evaluate")
def evaluate_job(progress, *, day: str = "", within: str = "") -> dict:
    """Evaluate every area in force below ``within`` at the end of ``day`` (default: yesterday).

    Yesterday by default: a day is judged once it is complete, as the protocols count whole days.
    """
    on = datetime.date.fromisoformat(day) if day else clock.today() - datetime.timedelta(days=1)
    progress(0, 1, "evaluating")
    findings = evaluate(on, within=within)
    counts = {v: 0 for v in Verdict.values}
    for f in findings.values():
        counts[f.verdict] += 1
    progress(1, 1, "done")
    return {"day": on.isoformat(), "areas": len(findings), **counts}

"""The probes a balancer or an orchestrator polls: ``/healthz`` (alive) and ``/readyz`` (ready).

Liveness touches nothing outside the process: a database that is down must not get every web
process restarted. Readiness checks what a request or a job needs — the database, the job
broker, the shared directories being writable — and names what failed, so the balancer stops
sending work to a process that cannot do it. Both answer only their JSON: no personal data, no
versions, no error text (that goes to the log). ``core.middleware.ProbeMiddleware`` answers them
before the host check, the HTTPS redirect and the login (docs/decisions/0038).
"""

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from .. import jobs

log = logging.getLogger("pingji.health")

OK = "ok"


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _broker() -> str:
    """The job broker answers (``core.jobs`` knows whether there is one; in process, it does)."""
    ok, detail = jobs.broker_status()
    if not ok:
        raise ConnectionError(detail)
    return OK


def _writable(directory: Path) -> str:
    """A file can be made in ``directory`` (created if missing): not merely that it exists."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=directory):
        pass
    return OK


#: Each check returns what the body says of it, or raises: the exception's text is logged only.
CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "broker": _broker,
    "analytic_store": lambda: _writable(Path(settings.ANALYTIC_DIR)),
    "files": lambda: _writable(Path(settings.MEDIA_ROOT)),
}


@require_safe
def healthz(request):
    """The process answers."""
    return JsonResponse({"status": OK})


@require_safe
def readyz(request):
    """200 when every check passes; 503 naming the checks that failed."""
    results, failed = {}, []
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # noqa: BLE001 — any failure is the check's answer, never a 500
            log.warning("readiness check %s failed", name, exc_info=True)
            results[name], failed = "failed", [*failed, name]
    if failed:
        return JsonResponse(
            {"status": "unavailable", "failed": failed, "checks": results}, status=503
        )
    return JsonResponse({"status": OK, "checks": results})

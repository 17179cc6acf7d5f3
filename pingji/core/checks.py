"""System checks of core: every subscribed event kind is one some app declares; the job backend
is one that exists.

A handler subscribed to a misspelt or renamed kind never runs, and nothing else would say so: the
reaction (pausing a school, placing a contact in quarantine) silently stops happening. ``pingji
check`` (and every test run, and ``runserver``) reports it instead.
"""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import autodiscover_modules

from . import events


def load_contracts() -> None:
    """Import every installed app's ``contracts`` module, where its event kinds are declared."""
    autodiscover_modules("contracts")


@checks.register()
def subscribed_kinds_are_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    load_contracts()
    declared = events.declared_kinds()
    return [
        checks.Error(
            f"a handler subscribes to the event kind {kind!r}, which no app declares",
            hint="Declare it in the emitting app's contracts module and subscribe to its constant.",
            obj=", ".join(
                f"{h.__module__}.{h.__qualname__}" for h in events._handlers.get(kind, ())
            ),
            id="core.E001",
        )
        for kind in sorted(events.subscribed_kinds() - set(declared))
    ]


JOB_BACKENDS = ("thread", "redis", "sync")


@checks.register()
def job_backend_exists(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A misspelt backend would leave every job queued with nothing to run it."""
    if settings.JOBS_BACKEND in JOB_BACKENDS:
        return []
    return [
        checks.Error(
            f"PINGJI_JOBS_BACKEND is {settings.JOBS_BACKEND!r}",
            hint=f"Use one of {', '.join(JOB_BACKENDS)} (docs/decisions/0037).",
            id="core.E002",
        )
    ]

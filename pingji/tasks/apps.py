from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "pingji.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    nav = ((_("My tasks"), "tasks:inbox", None),)

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the "tasks.escalate" job

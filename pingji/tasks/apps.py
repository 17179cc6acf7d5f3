from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "pingji.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    nav = (
        (_("My tasks"), "tasks:inbox", None, "today"),
        (_("Supervision"), "tasks:supervision", "tasks.view_directive", "command"),
        (_("Directives"), "tasks:directive_list", "tasks.view_directive", "command"),
        (_("Problem lists"), "tasks:problemlist_list", "tasks.view_problemlist", "command"),
        (_("Work plans"), "tasks:plantemplate_list", "tasks.view_plantemplate", "command"),
        (_("Reviews"), "tasks:review_list", "tasks.view_review", "command"),
    )

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the "tasks.escalate" job

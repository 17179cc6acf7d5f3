from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "open")
    SUBMITTED = "submitted", _("submitted for verification")
    RETURNED = "returned", _("sent back")
    DONE = "done", _("verified and closed")
    CANCELLED = "cancelled", _("cancelled")


#: Statuses in which a task is still work in progress (counted as open on the overview).
OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.SUBMITTED, TaskStatus.RETURNED)
#: Statuses in which the owner still has to act: evidence may be submitted, overdue ones escalate.
#: A submitted task waits on the verifying level, which already sits above the owner.
OWNER_STATUSES = (TaskStatus.OPEN, TaskStatus.RETURNED)


class TaskKind(models.TextChoices):
    """The kinds every deployment has. Domains register theirs in ``pingji.tasks.kinds``."""

    GENERAL = "general", _("general")
    DOOR_CHECK = "door-check", _("door check")
    HOME_MONITORING = "home-monitoring", _("home health monitoring")
    DIRECTIVE = "directive", _("directive")
    RECTIFICATION = "rectification", _("rectification (整改)")
    PLAN_MEASURE = "plan-measure", _("work plan measure")
    IMPROVEMENT = "improvement", _("improvement from a review")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    #: The level that asked for it sent it back with a reason; the plan is a draft again.
    RETURNED = "returned", _("sent back for revision")


class Department(models.TextChoices):
    """The line departments a headquarters commands (各成员单位): the one list for every domain.

    A directive goes to a jurisdiction's whole government or to one named department of it, and a
    problem an establishment raises is handed to one of them (reopening).
    """

    EPIDEMIC_COMMAND = "command", _("epidemic command centre")
    HEALTH = "health", _("health commission")
    CDC = "cdc", _("centre for disease control")
    PUBLIC_SECURITY = "police", _("public security")
    TRANSPORT = "transport", pgettext_lazy("department", "transport")
    EDUCATION = "education", _("education")
    COMMERCE = "commerce", _("commerce")
    INDUSTRY = "industry", _("industry and information technology")
    MARKET_REGULATION = "market", _("market regulation")
    HUMAN_RESOURCES = "hr", _("human resources and social security")
    EMERGENCY = "emergency", _("emergency management")
    CIVIL_AFFAIRS = "civil", _("civil affairs")
    PROPAGANDA = "publicity", _("publicity")

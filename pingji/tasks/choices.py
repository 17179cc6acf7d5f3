from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    SUBMITTED = "submitted", _("submitted for verification")
    RETURNED = "returned", _("sent back")
    DONE = "done", _("verified and closed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.SUBMITTED, TaskStatus.RETURNED)


class TaskKind(models.TextChoices):
    """Kinds of work item. Domains add theirs here (door check, dispatch, rectification…)."""

    GENERAL = "general", _("general")
    DOOR_CHECK = "door-check", _("door check")
    HOME_MONITORING = "home-monitoring", _("home health monitoring")
    DIRECTIVE = "directive", _("directive")

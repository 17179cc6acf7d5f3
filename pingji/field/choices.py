from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecordKind(models.TextChoices):
    """What a grid worker records on the phone; each is replayed through its domain's action."""

    CHECK = "check", _("monitoring check")
    DOOR = "door", _("door visit")
    REMINDER = "reminder", _("test reminder")
    EVIDENCE = "evidence", _("task evidence")


class Outcome(models.TextChoices):
    """What the server made of a record: applied, or reported back to the worker."""

    APPLIED = "applied", pgettext_lazy("sync outcome", "applied")
    #: The record was right when it was made, but the world moved meanwhile (the person was
    #: released or handed over, the task cancelled, the day's check already recorded).
    CONFLICT = "conflict", pgettext_lazy("sync outcome", "conflict")
    #: The record itself is wrong (a temperature out of range, a time in the future).
    REFUSED = "refused", pgettext_lazy("sync outcome", "refused")


class DoorOutcome(models.TextChoices):
    VISITED = "visited", _("door checked")
    NOBODY = "nobody", _("nobody at home")


class ReminderOutcome(models.TextChoices):
    REMINDED = "reminded", _("reminded to get tested")
    NOBODY = "nobody", _("nobody at home")

"""The vocabularies of scenarios: a run's status and the kinds of change a plan holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("scenario run", "queued")
    RUNNING = "running", pgettext_lazy("scenario run", "running")
    FINISHED = "finished", pgettext_lazy("scenario run", "finished")
    FAILED = "failed", pgettext_lazy("scenario run", "failed")


class ChangeKind(models.TextChoices):
    """One row of a plan: what changes on its date (docs/scenarios.md)."""

    LIFT_MEASURE = "lift_measure", _("lift a measure")
    STEP_MEASURE = "step_measure", _("step a measure down")
    STEP_AREA = "step_area", _("step a risk area down or lift it")
    IMPORTATION = "importation", _("set importation")

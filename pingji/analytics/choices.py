from django.db import models
from django.utils.translation import gettext_lazy as _


class SiSource(models.TextChoices):
    """Where the serial interval of an Rt estimate came from (docs/decisions/0023)."""

    PAIRS = "pairs", _("linked transmission pairs")
    PROTOCOL = "protocol", _("protocol in force")
    LITERATURE = "literature", _("published estimate")

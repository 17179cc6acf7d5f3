from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    PEACETIME = "peacetime", _("peacetime")
    EMERGENCY = "emergency", _("emergency")


class ResponseLevel(models.TextChoices):
    """Emergency response levels, I the highest (国家突发公共卫生事件应急预案 §1.3)."""

    I = "I", _("level I (especially serious)")  # noqa: E741
    II = "II", _("level II (serious)")
    III = "III", _("level III (major)")
    IV = "IV", _("level IV (general)")


class HeadquartersLevel(models.TextChoices):
    """Which body met: a leading group, its headquarters, or a working group of it."""

    LEADING_GROUP = "leading", _("leading group (领导小组)")
    HEADQUARTERS = "hq", _("headquarters (指挥部)")
    WORKING_GROUP = "working", _("working group (工作组)")

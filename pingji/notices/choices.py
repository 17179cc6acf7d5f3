"""What a notice is: its kinds (each with the letter of its number and its printed title) and its
states.

The printed titles are the official documents' own names, data rather than UI: a notice says
``封控告知书`` whatever language the person printing it reads the platform in. The labels are UI.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    SEALING = "sealing", _("sealing or control notice")
    LIFTING = "lifting", _("lifting announcement")
    RELEASE = "release", _("release certificate")
    HOME_MONITORING = "home_monitoring", _("home health monitoring notice")
    DISPATCH = "dispatch", _("dispatch letter")
    APPROVAL = "approval", _("approval to resume notice")
    PAUSE = "pause", _("pause notice")


class NoticeStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("superseded")


#: The letter of each kind in its number (``仙游〔2021〕封第0001号``, decision 0043 point 3).
LETTERS: dict[str, str] = {
    NoticeKind.SEALING: "封",
    NoticeKind.LIFTING: "解",
    NoticeKind.RELEASE: "隔",
    NoticeKind.HOME_MONITORING: "监",
    NoticeKind.DISPATCH: "协",
    NoticeKind.APPROVAL: "复",
    NoticeKind.PAUSE: "停",
}

#: The title printed on each kind of document.
TITLES: dict[str, str] = {
    NoticeKind.SEALING: "封控告知书",
    NoticeKind.LIFTING: "解封公告",
    NoticeKind.RELEASE: "解除隔离证明",
    NoticeKind.HOME_MONITORING: "居家健康监测告知书",
    NoticeKind.DISPATCH: "协查函",
    NoticeKind.APPROVAL: "复工复产审核通过告知书",
    NoticeKind.PAUSE: "停工停产通知书",
}

#: Risk levels whose residents are told, household by household, what they may no longer do:
#: 封控/管控 of the 8th edition era and high/medium of the 9th. A precaution or low area is only
#: published (``areas`` public list), not notified door to door.
HOUSEHOLD_LEVELS = frozenset({"sealed", "controlled", "high", "medium"})

"""Testing vocabularies: round status, upload kinds and states, tube results, follow-up states.

The setting of a campaign (quarantine site, sealed/high-risk area, elsewhere) and the pooling
modes are the protocol's own (``protocols.choices.PoolingSetting``/``PoolingMode``), so the
rule a round applies is read under the same key the protocol publishes it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.protocols.choices import PoolingMode, PoolingSetting, TestingScope

__all__ = [
    "PoolingMode",
    "PoolingSetting",
    "TestingScope",
    "RoundStatus",
    "UploadKind",
    "UploadStatus",
    "TubeResult",
    "FollowUpStatus",
    "CONTROLLED_SETTINGS",
]


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("round status", "open")
    CLOSED = "closed", pgettext_lazy("round status", "closed")


class UploadKind(models.TextChoices):
    SAMPLING = "sampling", _("sampling (tubes bound to persons)")
    RESULTS = "results", _("laboratory results")


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    APPLIED = "applied", _("applied")
    REFUSED = "refused", _("refused (nothing applied)")
    FAILED = "failed", _("failed (nothing applied)")


class TubeResult(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")
    INVALID = "invalid", _("invalid (resample)")


class FollowUpStatus(models.TextChoices):
    AWAITING_RETEST = "awaiting_retest", _("under control, awaiting single-tube retest")
    NEGATIVE = "negative", _("retest negative")
    POSITIVE = "positive", _("positive: report the case")


#: Settings whose people are already under control (sealed or high-risk areas, quarantine sites):
#: a positive found there is "screening inside a control area" (管控中发现) in the bulletins.
CONTROLLED_SETTINGS = frozenset(
    {PoolingSetting.QUARANTINE_SITE, PoolingSetting.SEALED_AREA, PoolingSetting.HIGH_RISK_AREA}
)

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiSource(models.TextChoices):
    """Where the serial interval of an Rt estimate came from (docs/decisions/0023)."""

    PAIRS = "pairs", _("linked pairs (normal fit, conditioned on ≥ 1 day)")
    LITERATURE = "literature", _("published estimate (disease pack)")


class ForecastModel(models.TextChoices):
    """Which model made a stored forecast; the situation room shows ``DEFAULT_FORECAST_MODEL``.

    The renewal model is ``epi.forecast``; the two naive baselines and the skill-weighted ensemble
    are ``epi.baselines`` and ``epi.ensemble``. Every model is scored the same way.
    """

    RENEWAL = "renewal", _("renewal equation (Rt)")
    LAST = "last", _("last value repeated")
    MEAN7 = "mean7", _("mean of the last 7 days")
    ENSEMBLE = "ensemble", _("ensemble weighted by past skill")


DEFAULT_FORECAST_MODEL = ForecastModel.RENEWAL

"""The kinds of list the big-data bureau pushes, and what each pushed row became."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PushKind(models.TextChoices):
    CODE_LIST = "code_list", _("red/yellow code list")
    COMPANION = "companion", _("spatiotemporal companion list")
    ARRIVAL = "arrival", _("arrivals from risk areas")


class PushSource(models.TextChoices):
    FILE = "file", _("file upload")
    API = "api", _("API")


class Outcome(models.TextChoices):
    """What a row became. A proposal waits for an epidemiologist; the others are final."""

    PROPOSED = "proposed", _("proposed, not yet decided")
    PLACED = "placed", _("placed")
    DISMISSED = "dismissed", _("dismissed")
    DISPATCHED = "dispatched", _("dispatched to another county")
    NOT_FOUND = "not_found", _("not found")
    DUPLICATE = "duplicate", _("duplicate")
    REFUSED = "refused", _("refused")


class Colour(models.TextChoices):
    RED = "red", _("red")
    YELLOW = "yellow", _("yellow")
    GREEN = "green", _("green")


#: The outcomes that still wait for a person's decision.
OPEN = frozenset({Outcome.PROPOSED})

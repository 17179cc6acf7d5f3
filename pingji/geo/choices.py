from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Levels of the jurisdiction tree, with the length of their hierarchical code."""

    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    TOWNSHIP = "township", _("township")
    COMMUNITY = "community", _("community")
    GRID = "grid", _("grid")


#: Code length per level: GB/T 2260 significant digits (2/4/6), NBS township (9), then 3 + 3.
CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
#: Levels from the top down, as the plain values ``Jurisdiction.level`` stores.
LEVEL_ORDER: list[str] = [level.value for level in CODE_LENGTH]


class PlaceKind(models.TextChoices):
    COMPOUND = "compound", _("residential compound")
    BUILDING = "building", _("building")
    VENUE = "venue", _("venue")
    SCHOOL = "school", _("school")
    ENTERPRISE = "enterprise", _("enterprise site")
    QUARANTINE_SITE = "quarantine-site", _("quarantine site")
    CHECKPOINT = "checkpoint", _("checkpoint")

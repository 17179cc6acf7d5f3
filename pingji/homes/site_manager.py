"""The quarantine site manager's home: their sites' occupancy, and who at them has a test due
or may be released today."""

from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.quarantine import capacity
from pingji.quarantine.choices import PlacementStatus, Setting
from pingji.quarantine.models import Placement, Site

from .figures import inbox


def build(request) -> dict:
    user, on = request.user, clock.today()
    held = (
        Placement.objects.restrict(user)
        .filter(status=PlacementStatus.ACTIVE, setting=Setting.CENTRALISED)
        .select_related("person", "room", "site")
        .order_by("site__name", "room__number", "id")
    )
    return {
        "on": on,
        # the site's page shows the same figures: both read ``capacity.site_load``
        "sites": capacity.site_load(Site.objects.restrict(user).select_related("jurisdiction")),
        "tests_due": list(held.filter(next_test_on__lte=on)),
        "releases_due": list(held.filter(planned_release_on__lte=on)),
        "work": inbox(request, (_("my open tasks"), _("of them overdue"))),
    }

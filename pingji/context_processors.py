"""What every page shows: the main menu, the user's focus jurisdiction, its breadcrumb and its
response mode."""

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from pingji.command.modes import mode_for
from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction
from pingji.users.otp import waiting_for_code

#: The order of the main menu: daily work first, administration last. Each app names its own
#: entries (``AppConfig.nav``), so adding a domain touches no shared template.
NAV_ORDER = (
    "tasks",
    "reports",
    "cases",
    "tracing",
    "quarantine",
    "testing",
    "areas",
    "reopening",
    "command",
    "resources",
    "preparedness",
    "analytics",
    "people",
    "geo",
    "protocols",
    "core",
    "users",
)


def nav_items(user) -> list[tuple[str, str]]:
    """(label, URL) of the menu entries this user's permissions open, in ``NAV_ORDER``."""
    configs = [c for c in apps.get_app_configs() if c.name.startswith("pingji.")]
    rank = {label: i for i, label in enumerate(NAV_ORDER)}
    configs.sort(key=lambda c: rank.get(c.label, len(rank)))
    return [
        (label, reverse(url_name))
        for config in configs
        for label, url_name, perm in getattr(config, "nav", ())
        if perm is None or user.has_perm(perm)
    ]


def pingji(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"login_note": settings.PINGJI_LOGIN_NOTE}
    if waiting_for_code(request.user):  # only the code step is open: no menu to lead elsewhere
        return {"waiting_for_code": True}
    menu = {"nav_items": nav_items(request.user)}
    code = focus_code(request)
    if not code:
        return {**menu, "focus": None, "breadcrumb": [], "focus_children": [], "mode": None}
    focus = Jurisdiction.objects.filter(code=code).first()
    if focus is None:
        return menu
    own = request.user.jurisdiction_id or ""
    crumbs = [j for j in focus.ancestors() if j.code.startswith(own)] + [focus]
    return {
        **menu,
        "focus": focus,
        "breadcrumb": crumbs,
        "focus_children": focus.children.only("code", "name").order_by("code")[:300],
        "mode": mode_for(focus),
    }

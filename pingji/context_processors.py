"""What every page shows: the main menu, the user's focus jurisdiction, its breadcrumb and its
response mode.

Every HTML page pays for this, so it costs one query on a warm process (the mode in force): the
menu is kept per role and the jurisdictions come from the cached path (``geo.paths``).
"""

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from pingji.command.modes import mode_for
from pingji.core.views.base import focus_code
from pingji.geo.paths import path_to
from pingji.users.choices import Role
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

#: Menus already built, by what decides them (role, superuser, URL prefix, language): the role
#: matrix is a constant, so a role's menu never changes while the process runs.
_MENUS: dict[tuple, list[tuple[str, str]]] = {}


def nav_items(user) -> list[tuple[str, str]]:
    """(label, URL) of the menu entries this user's permissions open, in ``NAV_ORDER``.

    A service account's permissions are its own grants, not its role's: its menu is built
    each time.
    """
    if getattr(user, "role", "") == Role.SERVICE:
        return _build_menu(user)
    key = (user.role, user.is_superuser, user.is_active, get_script_prefix(), get_language())
    if key not in _MENUS:
        _MENUS[key] = _build_menu(user)
    return _MENUS[key]


def _build_menu(user) -> list[tuple[str, str]]:
    configs = [c for c in apps.get_app_configs() if c.name.startswith("pingji.")]
    rank = {label: i for i, label in enumerate(NAV_ORDER)}
    configs.sort(key=lambda c: rank.get(c.label, len(rank)))
    return [
        (str(label), reverse(url_name))
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
    path = path_to(code)
    if path is None:
        return menu
    own = request.user.jurisdiction_id or ""
    crumbs = [j for j in path.ancestors if j.code.startswith(own)] + [path.jurisdiction]
    return {
        **menu,
        "focus": path.jurisdiction,
        "breadcrumb": crumbs,
        "focus_children": path.children,
        "mode": mode_for(path.jurisdiction),
    }

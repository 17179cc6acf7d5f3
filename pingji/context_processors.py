"""What every page shows: the main menu, the user's focus jurisdiction, its breadcrumb, its
response mode and the platform's clock.

Every HTML page pays for this, so it costs one query on a warm process (the mode in force): the
menu is kept per role and the jurisdictions come from the cached path (``geo.paths``).
"""

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pingji.command.modes import mode_for
from pingji.core import as_of, clock
from pingji.core.views.base import focus_code
from pingji.geo.paths import path_to
from pingji.users.choices import Role
from pingji.users.otp import waiting_for_code

#: The groups of the main menu, by workflow, in the order shown: the day's work first,
#: administration last. Each app's ``AppConfig.nav`` entry names its group (the fourth item), so
#: adding a domain touches no shared template.
GROUPS = (
    ("today", pgettext_lazy("menu group", "Today")),
    ("response", pgettext_lazy("menu group", "Response")),
    ("reopening", pgettext_lazy("menu group", "Reopening")),
    ("command", pgettext_lazy("menu group", "Command")),
    ("readiness", pgettext_lazy("menu group", "Readiness")),
    ("data", pgettext_lazy("menu group", "Data")),
    ("admin", pgettext_lazy("menu group", "Administration")),
)
ALL_GROUPS = tuple(key for key, _label in GROUPS)

#: The groups each role works in. Permissions decide which entries a user may open; this trims
#: what a role never works in, so a grid worker's menu is the few pages of a day at the door and
#: not every page the role may read. A role not named here sees every group it has entries in.
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.COMMANDER: ("today", "response", "reopening", "command", "readiness", "data"),
    Role.EPIDEMIOLOGIST: ("today", "response", "readiness", "data"),
    Role.OPERATOR: ("today", "response", "reopening", "command", "readiness", "data"),
    Role.SITE_MANAGER: ("today", "response"),
    Role.GRID_WORKER: ("today", "response", "readiness"),
    Role.LIAISON: ("today", "reopening"),
}

#: The order of the apps inside a group: the one most used first.
NAV_ORDER = (
    "tasks",
    "reports",
    "cases",
    "tracing",
    "quarantine",
    "testing",
    "areas",
    "reopening",
    "notices",
    "messaging",
    "command",
    "resources",
    "preparedness",
    "analytics",
    "exchange",
    "health_codes",
    "people",
    "geo",
    "protocols",
    "core",
    "users",
)

#: Entries no app owns: the overview (every role's home) first, the API's documentation last.
HOME_NAV = (_("Overview"), "home", None, "today")
API_NAV = (_("API"), "api-docs", None, "data")

#: Menus already built, by what decides them (role, superuser, URL prefix, language): the role
#: matrix is a constant, so a role's menu never changes while the process runs.
_MENUS: dict[tuple, list[dict]] = {}


def nav_groups(user) -> list[dict]:
    """The menu: ``{"key", "label", "items": [(label, URL)]}`` per group this user works in that
    has an entry their permissions open, in ``GROUPS`` order.

    A service account's permissions are its own grants, not its role's: its menu is built
    each time.
    """
    if getattr(user, "role", "") == Role.SERVICE:
        return _build_menu(user)
    key = (user.role, user.is_superuser, user.is_active, get_script_prefix(), get_language())
    if key not in _MENUS:
        _MENUS[key] = _build_menu(user)
    return _MENUS[key]


def nav_items(user) -> list[tuple[str, str]]:
    """(label, URL) of every entry of the user's menu, group after group."""
    return [item for group in nav_groups(user) for item in group["items"]]


def _entries() -> list[tuple]:
    """Every (label, URL name, permission, group) of the menu: the overview, each app's in
    ``NAV_ORDER``, then the API's page."""
    configs = [c for c in apps.get_app_configs() if c.name.startswith("pingji.")]
    rank = {label: i for i, label in enumerate(NAV_ORDER)}
    configs.sort(key=lambda c: rank.get(c.label, len(rank)))
    return [HOME_NAV, *(entry for c in configs for entry in getattr(c, "nav", ())), API_NAV]


def _build_menu(user) -> list[dict]:
    worked_in = ROLE_GROUPS.get(getattr(user, "role", ""), ALL_GROUPS)
    items: dict[str, list[tuple[str, str]]] = {key: [] for key in worked_in}
    for label, url_name, perm, group in _entries():
        if group in items and (perm is None or user.has_perm(perm)):
            items[group].append((str(label), reverse(url_name)))
    return [
        {"key": key, "label": str(label), "items": items[key]}
        for key, label in GROUPS
        if items.get(key)
    ]


def clock_context(request) -> dict:
    """The header's clock: the platform's now, whether the instance's clock is set (the demo
    lives in 2021), and the day the person views the platform as of (docs/decisions/0030)."""
    return {
        "clock_now": clock.now(),
        "clock_offset": clock.is_set(),
        "as_of": getattr(request, "as_of", None),
        "as_of_honoured": getattr(request, "as_of_honoured", False),
        "as_of_parameter": as_of.PARAMETER,
    }


def pingji(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"login_note": settings.PINGJI_LOGIN_NOTE}
    if waiting_for_code(request.user):  # only the code step is open: no menu to lead elsewhere
        return {"waiting_for_code": True}
    menu = {"nav_groups": nav_groups(request.user), **clock_context(request)}
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

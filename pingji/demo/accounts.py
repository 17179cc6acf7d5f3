"""Demo accounts: every role at the province, at each city and at each county; and below the
county where the outbreak was, the people of a township's, a community's and a grid's day.

Usernames are ``<6-digit code>-<role>`` (``350322-commander``, ``350200-epidemiologist``), so a
visitor can guess the account for any place and role. All share one password, hashed once: hashing
it for each of the ~750 accounts would take minutes with Django's password hasher.

The roles that may reveal personal data log in with a second factor (``users.otp``); their demo
accounts share one authenticator secret, printed when the demo starts, and ``pingji otp USERNAME``
prints the current code.
"""

from collections import Counter
from collections.abc import Sequence

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.cases.models import Case
from pingji.core import clock
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.quarantine.actions import self_report
from pingji.quarantine.choices import Setting
from pingji.quarantine.models import Placement
from pingji.quarantine.schedule import active_on
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.otp import secret_base32
from pingji.users.roles import role_allows

DEMO_PASSWORD = "pingji-demo"
#: The demo's shared authenticator secret (hex, as TOTPDevice stores it): 20 bytes, public.
DEMO_OTP_KEY = "70696e676a692d64656d6f2d6f74702d6b657921"
#: Service accounts have no password, so the demo opens none.
DEMO_ROLES = [role for role in Role.values if role != Role.SERVICE]
DEMO_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
#: Who works below the county (乡镇（街道）, 社区, 网格): a township's commander and operator, a
#: community's operator, a grid's grid worker — only in the counties that had cases, where their
#: day has work in it.
LOCAL_ROLES = {
    Level.TOWNSHIP: (Role.COMMANDER, Role.OPERATOR),
    Level.COMMUNITY: (Role.OPERATOR,),
    Level.GRID: (Role.GRID_WORKER,),
}
#: A few accounts worth trying first, shown when the demo starts (the Putian outbreak's places).
SHOWCASE = [
    ("350000", Role.ADMINISTRATOR),
    ("350000", Role.COMMANDER),
    ("350300", Role.COMMANDER),
    ("350322", Role.EPIDEMIOLOGIST),
    ("350322", Role.OPERATOR),
    ("350322", Role.GRID_WORKER),
    ("350200", Role.COMMANDER),
    ("350128", Role.COMMANDER),
]


def demo_username(code: str, role: str) -> str:
    """``350300-commander``: the printed code (``Jurisdiction.gb_code``) and the role."""
    return f"{Jurisdiction(code=code).gb_code}-{role}"


def create_demo_users(password: str = DEMO_PASSWORD) -> int:
    """Create (or reset to the demo password) one account per role and province/city/county."""
    units = Jurisdiction.objects.filter(level__in=DEMO_LEVELS).order_by("code")
    codes = units.values_list("code", flat=True)
    return _save_accounts([(code, role) for code in codes for role in DEMO_ROLES], password)


def create_local_users(counties: list[str], password: str = DEMO_PASSWORD) -> int:
    """Accounts at every township, community and grid of ``counties`` (``LOCAL_ROLES``), named
    like the others from the unit's full code (``350322101001001-grid-worker``)."""
    wanted = [
        (code, role)
        for level, roles in LOCAL_ROLES.items()
        for code in _units_below(counties, level)
        for role in roles
    ]
    return _save_accounts(wanted, password)


def _save_accounts(wanted: Sequence[tuple[str, str]], password: str) -> int:
    """Create or reset ``(jurisdiction code, role)`` accounts with the demo password, hashed once
    for all, and their authenticator devices; returns how many."""
    hashed, joined = make_password(password), clock.now()
    users = [
        User(
            username=demo_username(code, role),
            password=hashed,
            role=role,
            jurisdiction_id=code,
            date_joined=joined,
        )
        for code, role in wanted
    ]
    User.objects.bulk_create(
        users,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["password", "role", "jurisdiction", "is_active"],
    )
    create_demo_devices([u.username for u in users])
    return len(users)


def _units_below(counties: list[str], level: str) -> list[str]:
    within = Q(pk__in=[])
    for county in counties:
        within |= Q(code__startswith=county)
    units = Jurisdiction.objects.filter(within, level=level).order_by("code")
    return list(units.values_list("code", flat=True))


def _busiest_grid_accounts(county: str) -> list[str]:
    """The township commander and the grid worker of a grid of the county whose day has work in
    it: most people on today's home list (``quarantine.schedule.active_on``), else most cases."""
    at_home = active_on(
        Placement.objects.filter(setting=Setting.HOME, home__code__startswith=county),
        clock.today(),
    ).values_list("home_id", flat=True)
    cases = Case.objects.filter(
        jurisdiction__code__startswith=county, jurisdiction__level=Level.GRID
    ).values_list("jurisdiction_id", flat=True)
    busiest = _most_common(at_home) or _most_common(cases)
    if busiest is None:
        return []
    township = busiest[: CODE_LENGTH[Level.TOWNSHIP]]
    return [f"{township}-{Role.COMMANDER}", f"{busiest}-{Role.GRID_WORKER}"]


def _most_common(codes) -> str | None:
    counted = Counter(codes)
    return min(counted, key=lambda code: (-counted[code], code)) if counted else None


def create_demo_devices(usernames: list[str]) -> int:
    """A confirmed authenticator device with the demo secret for each demo account that needs one.

    bulk_create sets no primary keys on SQLite, so the accounts are read back by username.
    """
    roles = [role for role in DEMO_ROLES if role_allows(role, "people.reveal_person")]
    needing = User.objects.filter(
        username__in=usernames, role__in=roles, totpdevice__isnull=True
    ).values_list("pk", flat=True)
    devices = [
        TOTPDevice(user_id=pk, name="demo", key=DEMO_OTP_KEY, confirmed=True) for pk in needing
    ]
    TOTPDevice.objects.bulk_create(devices, batch_size=500)
    return len(devices)


def login_help() -> list[str]:
    """What the demo prints about the second factor."""
    secret = secret_base32(TOTPDevice(key=DEMO_OTP_KEY))
    return [
        "Commanders, epidemiologists and administrators also enter a 6-digit code after the "
        "password: `pingji otp USERNAME` prints it,",
        f"or add the demo's shared key {secret} to an authenticator app (TOTP, 30 s, 6 digits).",
    ]


def showcase() -> list[tuple[str, str, str]]:
    """(username, role, jurisdiction name) of the showcase accounts that exist: ``SHOWCASE``, then
    a township commander and a grid worker of Xianyou whose day has work in it."""
    wanted = [f"{code}-{role}" for code, role in SHOWCASE] + _busiest_grid_accounts("350322")
    found = {
        u.username: u
        for u in User.objects.filter(username__in=wanted).select_related("jurisdiction")
    }
    return [
        (name, found[name].get_role_display(), found[name].jurisdiction.name)
        for name in wanted
        if name in found
    ]


def self_report_example() -> str:
    """The self-report link (path) of one person at home today, issued if need be, so the demo
    shows the page a person opens without an account; "" when nobody is at home (before the
    first releases, about 24 September)."""
    at_home = active_on(Placement.objects.filter(setting=Setting.HOME), clock.today())
    at_home = at_home.order_by("home_id", "pk")
    placement = at_home.first()
    if placement is None:
        return ""
    return self_report.link_url_for(placement)

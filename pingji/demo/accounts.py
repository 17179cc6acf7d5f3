"""Demo accounts: every role at the province, at each city and at each county.

Usernames are ``<6-digit code>-<role>`` (``350322-commander``, ``350200-epidemiologist``), so a
visitor can guess the account for any place and role. All share one password, hashed once: hashing
it for each of the ~750 accounts would take minutes with Django's password hasher.

The roles that may reveal personal data log in with a second factor (``users.otp``); their demo
accounts share one authenticator secret, printed when the demo starts, and ``pingji otp USERNAME``
prints the current code.
"""

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
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


def demo_username(jurisdiction: Jurisdiction, role: str) -> str:
    return f"{jurisdiction.gb_code}-{role}"


def create_demo_users(password: str = DEMO_PASSWORD) -> int:
    """Create (or reset to the demo password) one account per role and province/city/county."""
    hashed = make_password(password)
    units = (
        Jurisdiction.objects.filter(level__in=DEMO_LEVELS).only("code", "level").order_by("code")
    )
    users = [
        User(username=demo_username(j, role), password=hashed, role=role, jurisdiction=j)
        for j in units
        for role in DEMO_ROLES
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
    """(username, role, jurisdiction name) of the showcase accounts that exist."""
    wanted = [f"{code}-{role}" for code, role in SHOWCASE]
    found = {
        u.username: u
        for u in User.objects.filter(username__in=wanted).select_related("jurisdiction")
    }
    return [
        (name, found[name].get_role_display(), found[name].jurisdiction.name)
        for name in wanted
        if name in found
    ]

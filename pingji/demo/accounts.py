"""Demo accounts: every role at the province, at each city and at each county.

Usernames are ``<6-digit code>-<role>`` (``350322-commander``, ``350200-epidemiologist``), so a
visitor can guess the account for any place and role. All share one password, hashed once: hashing
it for each of the ~750 accounts would take minutes with Django's password hasher.
"""

from django.contrib.auth.hashers import make_password

from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User

DEMO_PASSWORD = "pingji-demo"
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
        for role in Role.values
    ]
    User.objects.bulk_create(
        users,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["password", "role", "jurisdiction", "is_active"],
    )
    return len(users)


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

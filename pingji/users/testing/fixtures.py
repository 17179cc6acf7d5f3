"""Fixtures every app's tests use: a tiny province with two cities, users of each role.

The tree mirrors the real codes (福建 35 → 莆田 3503 → 仙游县 350322 → township → community → grid)
with a second city (厦门 3502) as the out-of-jurisdiction side of every permission test.
"""

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.otp import ensure_device, mark_verified
from pingji.users.roles import needs_otp

TREE = [
    ("35", "福建省", Level.PROVINCE, None),
    ("3503", "莆田市", Level.CITY, "35"),
    ("350322", "仙游县", Level.COUNTY, "3503"),
    ("350322100", "鲤城街道", Level.TOWNSHIP, "350322"),
    ("350322100001", "东门社区", Level.COMMUNITY, "350322100"),
    ("350322100001001", "东门一网格", Level.GRID, "350322100001"),
    ("350322100001002", "东门二网格", Level.GRID, "350322100001"),
    ("3502", "厦门市", Level.CITY, "35"),
    ("350206", "湖里区", Level.COUNTY, "3502"),
    ("350206001", "湖里街道", Level.TOWNSHIP, "350206"),
    ("350206001001", "海山社区", Level.COMMUNITY, "350206001"),
    ("350206001001001", "海山一网格", Level.GRID, "350206001001"),
]


@pytest.fixture(autouse=True)
def english(request, settings):
    """Tests assert the English source strings, whatever the Chinese catalogue says.

    Requests without a language cookie follow LANGUAGE_CODE (core.middleware.LanguageMiddleware),
    so this switches them too. Tests of the Chinese UI itself opt out with ``@pytest.mark.chinese``.
    """
    if request.node.get_closest_marker("chinese"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tree(db) -> dict[str, Jurisdiction]:
    nodes: dict[str, Jurisdiction] = {}
    for code, name, level, parent in TREE:
        nodes[code] = Jurisdiction.objects.create(
            code=code,
            name=name,
            level=level,
            parent=nodes[parent] if parent else None,
            population=1000,
        )
    return nodes


@pytest.fixture
def make_user(tree):
    def make(role: str = Role.COMMANDER, code: str = "350322", **extra) -> User:
        username = extra.pop("username", f"{code}-{role}")
        return User.objects.create_user(
            username=username, password="pw", role=role, jurisdiction=tree[code], **extra
        )

    return make


@pytest.fixture
def county_user(make_user):
    """An operator of 仙游县: may add and change people and places in the county."""
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def outsider(make_user):
    """The same role in 湖里区 (Xiamen): must never see or touch 仙游县's rows."""
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def api(db):
    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as having passed the two-factor step, with a confirmed device.

    For tests that log in with ``force_login`` (which skips the password too); the step itself is
    tested through its form in pingji/users/tests/test_perimeter.py.
    """
    session = client.session
    mark_verified(session, ensure_device(user))
    session.save()


class VerifiedClient(Client):
    """A test client whose ``force_login`` also passes the second factor where the role needs it
    (``users.roles.needs_otp``), as a login through both steps would. ``login`` hands
    ``authenticate`` a request, which the login throttle (django-axes) needs, as a real login has.
    """

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return super().login(**credentials)

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if needs_otp(user):
            pass_second_factor(self, user)


@pytest.fixture
def client() -> VerifiedClient:
    """pytest-django's ``client``, with ``force_login`` passing the second factor too."""
    return VerifiedClient()

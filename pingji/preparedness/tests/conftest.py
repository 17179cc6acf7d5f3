import pytest

from pingji.users.choices import Role


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "350322")


@pytest.fixture
def admin(make_user):
    """Runs drills end to end: reports the scripted case and works the drill."""
    return make_user(Role.ADMINISTRATOR, "350322")

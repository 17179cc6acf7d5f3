"""Task fixtures: the people of one chain of command in 仙游县, and a helper to issue work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pingji.tasks.actions import do_create_task
from pingji.tasks.choices import TaskKind
from pingji.users.choices import Role

GRID = "350322100001001"
GRID2 = "350322100001002"
COMMUNITY = "350322100001"
COUNTY = "350322"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests make many users; the default hasher costs ~0.3 s each on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_cmd(make_user):
    """The county commander: issues and verifies work for the whole county."""
    return make_user(Role.COMMANDER, COUNTY)


@pytest.fixture
def community_op(make_user):
    """An operator of 东门社区, the community above both grids."""
    return make_user(Role.OPERATOR, COMMUNITY)


@pytest.fixture
def grid_worker(make_user):
    return make_user(Role.GRID_WORKER, GRID)


@pytest.fixture
def issue(tree):
    """Issue a task through the action, with defaults for what a test does not care about."""

    def make(actor, owner: str = GRID, **fields):
        fields.setdefault("title", "入户排查 东门路3号")
        fields.setdefault("kind", TaskKind.DOOR_CHECK)
        fields.setdefault("description", "")
        fields.setdefault("deadline", timezone.now() + timedelta(days=1))
        return do_create_task(actor=actor, jurisdiction=tree[owner], **fields)

    return make

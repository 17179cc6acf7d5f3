"""Task fixtures: the people of one chain of command in 仙游县, and a helper to issue work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pingji.tasks.actions.plans import do_create_plan_template
from pingji.tasks.actions.work import do_create_task
from pingji.tasks.choices import TaskKind
from pingji.users.choices import Role

from .factories import SECTIONS

GRID = "350322100001001"
GRID2 = "350322100001002"
COMMUNITY = "350322100001"
COUNTY = "350322"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests make many users; the default hasher costs ~0.3 s each on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province_cmd(make_user):
    """The province commander: issues directives, plan templates and problem lists."""
    return make_user(Role.COMMANDER, "35")


@pytest.fixture
def template(province_cmd):
    """The province's plan template for the National Day holiday, answered by each city."""
    return do_create_plan_template(
        actor=province_cmd,
        title="国庆假期疫情防控工作方案",
        level="city",
        sections=SECTIONS,
        due=timezone.now() + timedelta(days=3),
    )


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

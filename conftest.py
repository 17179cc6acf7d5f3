"""Shared pytest fixtures: a small jurisdiction tree, users per role, API clients."""

import pytest

pytest_plugins = ["pingji.users.testing.fixtures"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Identity look-up budgets (people.limits) live in the cache, keyed by user id; ids are
    reused across tests, so each test starts with an empty cache and a full budget."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _server_time():
    """Every test starts on the server's time: the instance clock's offset is held at zero
    without a read (no test counts a query another test's setting made), and a test that sets
    the clock (``clock.set_now``) has it taken back when it ends."""
    import datetime

    from pingji.core import clock

    clock.hold(datetime.timedelta(0))
    yield
    clock.hold(datetime.timedelta(0))

"""Shared pytest fixtures: a small jurisdiction tree, users per role, API clients."""

import os
import secrets
import tempfile

os.environ.setdefault("PINGJI_DATA_DIR", tempfile.mkdtemp(prefix="pingji-test-"))
# A test run is not a deployment: on PostgreSQL the settings refuse to start without a field key
# from outside the data directory (docs/decisions/0034), so the run brings a throw-away one.
os.environ.setdefault("PINGJI_FIELD_KEY", secrets.token_urlsafe(48))

import pytest  # noqa: E402

pytest_plugins = ["pingji.core.testing.fixtures"]


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

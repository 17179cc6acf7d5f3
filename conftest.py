"""Shared pytest fixtures: a small jurisdiction tree, users per role, API clients."""

import os
import tempfile

os.environ.setdefault("PINGJI_DATA_DIR", tempfile.mkdtemp(prefix="pingji-test-"))

import pytest  # noqa: E402

pytest_plugins = ["pingji.core.testing.fixtures"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Shared pytest fixtures: a small jurisdiction tree, users per role, API clients."""

import os
import tempfile

os.environ.setdefault("PINGJI_DATA_DIR", tempfile.mkdtemp(prefix="pingji-test-"))

import pytest  # noqa: E402

pytest_plugins = ["pingji.core.testing.fixtures"]

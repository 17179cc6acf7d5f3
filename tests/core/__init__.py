"""Tests of core's machinery (access, audit, personal data, i18n, exports…) through real apps.

They sit outside ``pingji/core`` because they need models of geo, people and users, which core may
not import (``[tool.importlinter]`` in pyproject.toml).
"""

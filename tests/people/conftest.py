"""People's own fixtures (a compound and a household in 仙游县), shared with these tests."""

from pingji.people.tests.conftest import compound, household  # noqa: F401 — shared fixtures

from pingji.analytics.tests.conftest import outbreak, province_epi  # noqa: F401 — shared fixtures

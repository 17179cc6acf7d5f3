from pingji.analytics.tests.conftest import (  # noqa: F401 — shared fixtures
    clock_at,
    outbreak,
    province_epi,
    reported,
)

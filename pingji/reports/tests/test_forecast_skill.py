"""The situation room's skill table: each model's coverage as a count forecast's, and what its
bounds held, from the forecasts stored on their own days."""

import datetime
import re

import pytest
from django.utils import timezone

from pingji.analytics.models import ForecastRun
from pingji.analytics.tests.factories import SI
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2021, 9, 20)
ISSUED = ON - datetime.timedelta(days=7)  # all seven days ahead observed by ON


def _zero_forecast(issued: datetime.date, p_zero: float) -> list[dict]:
    """Every quantile 0 but the 97.5 % one, 1; the forecast gave 0 a probability ``p_zero``."""
    return [
        {
            "day": (issued + datetime.timedelta(days=h)).isoformat(),
            "q0.025": 0.0,
            "q0.25": 0.0,
            "q0.5": 0.0,
            "q0.75": 0.0,
            "q0.975": 1.0,
            "cdf": [[0.0, p_zero]] * 4 + [[p_zero, 1.0]],
        }
        for h in range(1, 8)
    ]


@pytest.fixture
def stored(tree):
    """Huli, without a case: the renewal model gave 0 a probability of 0.8 on its days, the last
    value 1.0 (a point mass). Both stored their forecast of ISSUED and of ON."""
    for model, p_zero in (("renewal", 0.8), ("last", 1.0)):
        for issued in (ISSUED, ON):
            ForecastRun.objects.create(
                jurisdiction_id="350206",
                issued_on=issued,
                horizon=7,
                model=model,
                points=_zero_forecast(issued, p_zero),
                computed_at=timezone.now(),
                **SI,
            )


def test_the_room_shows_each_models_coverage_and_what_its_bounds_held(client, make_user, stored):
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350206"))
    page = client.get(f"/reports/situation/350206/?on={ON}")
    assert page.status_code == 200
    skill = {m["model"]: m for m in page.context["situation"].forecast["skill"]}
    renewal, last = skill["renewal equation (Rt)"], skill["last value repeated"]
    assert renewal["n"] == last["n"] == 7  # the days ahead of ISSUED, observed by ON: all zero
    assert renewal["held50"] == last["held50"] == 1.0  # [0, 0] holds every zero
    assert renewal["coverage50"] == pytest.approx(0.5 / 0.8)
    assert last["coverage50"] == pytest.approx(0.5) and last["coverage95"] == pytest.approx(0.95)
    text = page.content.decode()
    assert "50% interval coverage" in text and 'id="coverage-basis"' in text
    row = re.search(r'<tr class="default">(.*?)</tr>', text).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == "renewal equation (Rt)" and cells[4:] == ["0.63", "0.97", "1.00", "1.00"]

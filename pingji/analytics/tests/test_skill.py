"""``pingji forecasts score``: each model's stored forecasts against the stored series."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pingji.analytics.contracts import SERIES_COMPUTED
from pingji.analytics.management.commands.forecasts import COLUMNS
from pingji.analytics.models import DailyIndicator, ForecastRun
from pingji.analytics.skill import computed_through, stored_skill
from pingji.core.events import record_event

from .factories import SI

D = datetime.date
ISSUED = D(2021, 9, 14)


def _points(median: float, spread: float) -> list[dict]:
    return [
        {
            "day": (ISSUED + datetime.timedelta(days=h)).isoformat(),
            "q0.025": max(0.0, median - 2 * spread),
            "q0.25": max(0.0, median - spread / 2),
            "q0.5": median,
            "q0.75": median + spread / 2,
            "q0.975": median + 2 * spread,
        }
        for h in range(1, 8)
    ]


@pytest.fixture
def stored(tree):
    """Xianyou had 10 new local infections a day; 'last' said 10, the renewal model said 30."""
    now = timezone.now()
    for model, median in (("last", 10.0), ("renewal", 30.0)):
        ForecastRun.objects.create(
            jurisdiction_id="350322",
            issued_on=ISSUED,
            horizon=7,
            model=model,
            points=_points(median, 4.0),
            computed_at=now,
            **SI,
        )
    for i in range(1, 6):  # the series was computed through 19 Sep: days 20 and 21 are unknown
        DailyIndicator.objects.create(
            jurisdiction_id="350322",
            day=ISSUED + datetime.timedelta(days=i),
            key="new_local_infection",
            value=10,
            computed_at=now,
        )
    record_event(
        SERIES_COMPUTED,
        "computed",
        jurisdiction_code="35",
        payload={
            "start": "2021-09-01",
            "end": "2021-09-19",
            "depth": 6,
            "high_water": 0,
            "indicators": 5,
            "rt": 1,
            "forecasts": 1,
        },
    )


@pytest.mark.django_db
def test_skill_scores_only_days_the_series_holds(stored):
    assert computed_through("350322") == D(2021, 9, 19)
    rows = {r.model: r for r in stored_skill("350322", ISSUED, ISSUED)}
    assert list(rows) == ["renewal", "last"]  # in the models' own order
    assert rows["last"].skill.n == 5 and rows["last"].skill.mae == 0
    assert rows["renewal"].skill.mae == 20 and rows["renewal"].skill.coverage95 == 0
    assert rows["renewal"].skill.wis > rows["last"].skill.wis
    assert stored_skill("350322", D(2021, 9, 15), D(2021, 9, 30)) == []


@pytest.mark.django_db
def test_a_stored_forecasts_mass_on_zero_counts_in_its_coverage(stored):
    """Huli reported nothing; the forecast gave 0 a probability of 0.9 (its cdf at the
    quantiles, as forecasts store it): the 50 % interval [0, 0] holds every zero, but covers
    each only for the part of [0, 0.9] inside [0.25, 0.75]."""
    points = [
        {**p, "q0.025": 0.0, "q0.25": 0.0, "q0.5": 0.0, "q0.75": 0.0, "q0.975": 1.0}
        | {"cdf": [[0, 0.9]] * 4 + [[0.9, 1.0]]}
        for p in _points(0.0, 0.0)
    ]
    ForecastRun.objects.create(
        jurisdiction_id="350206",
        issued_on=ISSUED,
        horizon=7,
        model="renewal",
        points=points,
        computed_at=timezone.now(),
        **SI,
    )
    (row,) = stored_skill("350206", ISSUED, ISSUED)
    assert row.skill.n == 5 and row.skill.zeros == 5 and row.skill.held50 == 1
    assert row.skill.coverage50 == pytest.approx(0.5 / 0.9)
    assert row.skill.coverage95 == pytest.approx((0.9 - 0.025) / 0.9)


@pytest.mark.django_db
def test_the_command_prints_one_row_per_model(stored):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "forecasts",
        "score",
        "--code",
        "350322",
        "--code",
        "350206",
        "--from",
        "2021-09-14",
        "--to",
        "2021-09-14",
        stdout=out,
        stderr=err,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].split(",") == COLUMNS and COLUMNS[-1] == "zero_outcomes"
    assert lines[1].startswith("350322,renewal,1,5,") and lines[2].startswith("350322,last,1,5,")
    assert "350206: no stored forecast" in err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--code", "350322", "--from", "2021-09-30", "--to", "2021-09-01"], "after"),
        (["--code", "999999", "--from", "2021-09-01", "--to", "2021-09-30"], "no such"),
        (["--code", "350322", "--from", "14/09/2021", "--to", "2021-09-30"], "not a date"),
    ],
)
def test_the_command_refuses_bad_input(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("forecasts", "score", *args, stderr=io.StringIO())

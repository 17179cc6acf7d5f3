"""Indicators from events: bulletin counting, the 24:00 cut-off, province = sum of cities."""

import datetime

import pytest
from django.utils import timezone

from pingji.analytics.onsets import onset_curve
from pingji.analytics.series import compute, cutoff, outbreak_start

D = datetime.date


def test_cutoff_is_midnight_in_shanghai():
    c = cutoff(D(2021, 9, 10))
    assert c.isoformat().startswith("2021-09-11T00:00:00")
    assert timezone.localtime(c).utcoffset() == datetime.timedelta(hours=8)


@pytest.mark.django_db
def test_cases_counted_as_bulletins_count(outbreak):
    s = compute("35", D(2021, 9, 10), D(2021, 9, 13))
    assert list(s.total("new_confirmed")) == [3, 0, 3, 1]  # reclassified on 12 Sep counts then
    assert list(s.total("new_asymptomatic")) == [0, 1, 0, 0]
    assert list(s.total("new_infection")) == [3, 1, 2, 1]  # never the reclassification again
    assert list(s.total("reclassified_confirmed")) == [0, 0, 1, 0]
    assert list(s.total("new_inside_control")) == [0, 1, 1, 0]
    assert list(s.total("under_treatment")) == [3, 4, 6, 7]
    assert s.period("new_infection", D(2021, 9, 11)) == 4


@pytest.mark.django_db
def test_province_is_the_sum_of_its_cities(outbreak):
    by_city = compute("35", D(2021, 9, 9), D(2021, 9, 14), unit_length=4, units=["3502", "3503"])
    province = compute("35", D(2021, 9, 9), D(2021, 9, 14))
    for key in province.values:
        assert (by_city.total(key) == province.total(key)).all(), key
    assert by_city.period("new_confirmed", D(2021, 9, 9), "3503") == 5
    assert by_city.period("new_confirmed", D(2021, 9, 9), "3502") == 2
    putian = compute("3503", D(2021, 9, 9), D(2021, 9, 14))
    assert (putian.total("new_confirmed") == by_city.of("3503", "new_confirmed")).all()


@pytest.mark.django_db
def test_a_past_day_recomputed_is_unchanged_by_later_events(outbreak, tree):
    from pingji.analytics.tests.conftest import HULI, report

    before = compute("35", D(2021, 9, 10), D(2021, 9, 12))
    report(outbreak, tree, HULI, 14)
    after = compute("35", D(2021, 9, 10), D(2021, 9, 12))
    for key in before.values:
        assert (before.values[key] == after.values[key]).all()


@pytest.mark.django_db
def test_stocks_carry_their_level_from_before_the_period(outbreak):
    s = compute("35", D(2021, 9, 12), D(2021, 9, 13))
    assert list(s.total("under_treatment")) == [6, 7]


@pytest.mark.django_db
def test_outbreak_start_and_onset_curve(outbreak):
    assert outbreak_start("35", D(2021, 9, 28)) == D(2021, 9, 10)
    assert outbreak_start("3502", D(2021, 9, 28)) == D(2021, 9, 12)
    assert outbreak_start("35", D(2021, 9, 9)) is None
    assert outbreak_start("35", D(2021, 11, 30)) is None  # 28 days without a case: over
    onsets = onset_curve("35", D(2021, 9, 1), D(2021, 9, 13))
    assert sum(onsets.values()) == 7
    assert sum(onset_curve("35", D(2021, 9, 1), D(2021, 9, 11)).values()) == 3


@pytest.mark.django_db
def test_drill_data_never_counts(outbreak, tree):
    from pingji.analytics.tests.conftest import report
    from pingji.geo.models import Jurisdiction

    parent = None
    for code, level in (
        ("3599", "city"),
        ("359901", "county"),
        ("359901001", "township"),
        ("359901001001", "community"),
        ("359901001001001", "grid"),
    ):
        parent = Jurisdiction.objects.create(
            code=code, name=f"drill {code}", level=level, parent=parent or tree["35"], drill=True
        )
        tree[code] = parent
    before = compute("35", D(2021, 9, 10), D(2021, 9, 14))
    onsets = onset_curve("35", D(2021, 9, 1), D(2021, 9, 14))
    report(outbreak, tree, "359901001001001", 14)
    assert onset_curve("35", D(2021, 9, 1), D(2021, 9, 14)) == onsets
    after = compute("35", D(2021, 9, 10), D(2021, 9, 14), unit_length=4)
    assert (after.total("new_confirmed") == before.total("new_confirmed")).all()
    assert "3599" not in after.units

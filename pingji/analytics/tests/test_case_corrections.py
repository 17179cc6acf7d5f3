"""Voids (核减) and revised diagnoses (订正) counted as the bulletins count them: on their own
day, in the totals from that day on, never in the days before."""

import datetime

from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.series import compute, from_storage
from pingji.cases.actions.course import do_reclassify_case, do_void_case

from .conftest import XIANYOU, XIANYOU_2, at, report

D = datetime.date
START = D(2021, 9, 10)
#: The day of the corrections (V) and the day before it.
V, BEFORE_V = D(2021, 9, 12), D(2021, 9, 11)


def figures(key: str, end: datetime.date = V) -> list[int]:
    return [int(v) for v in compute("35", START, end).total(key)]


def test_a_void_counts_on_its_day_and_never_before(reported, tree, province_epi, clock_at):
    before = compute("35", START, BEFORE_V)
    # On V: confirmed E is reported, and A — a duplicate report — is voided at 15:00.
    clock_at(at(12, 15))
    report(province_epi, tree, XIANYOU_2, 12)
    do_void_case(reported["A"], actor=province_epi, reason="duplicate")
    s = compute("35", START, V)
    # The daily new figures are what was newly reported each day; V also shows "核减 1 例".
    assert list(s.total("new_confirmed")) == [2, 1, 1]
    assert list(s.total("voided_confirmed")) == [0, 0, 1]
    assert list(s.total("voided_infection")) == [0, 0, 1]
    assert list(s.total("voided_asymptomatic")) == [0, 0, 0]
    # The totals lose A from V on: through V−1 they stay 3 confirmed, through V 4 − 1 = 3.
    assert list(s.total("total_confirmed")) == [2, 1, 0]
    assert s.period("total_confirmed", START) == 3
    assert int(s.total("total_confirmed")[:2].sum()) == 3  # the total through V−1, unchanged
    assert s.period("total_infection", START) == 4  # A, B, C, D, E less A
    assert s.period("total_asymptomatic", START) == 1
    # A leaves those under treatment on V: 3 (A, B, C) → 4 (+D) → 4 (+E −A).
    assert list(s.total("under_treatment")) == [3, 4, 4]
    # The days before V recomputed now show exactly what they showed before the void.
    after = compute("35", START, BEFORE_V)
    for key in before.values:
        assert (before.values[key] == after.values[key]).all(), key
    # The unit that counted A loses it; the other does not.
    by_city = compute("35", START, V, unit_length=4, units=["3502", "3503"])
    assert by_city.period("total_confirmed", START, "3503") == 2  # A, D, E less A
    assert by_city.period("total_confirmed", START, "3502") == 1  # B


def test_a_revised_diagnosis_moves_a_case_between_totals_on_its_day(
    reported, province_epi, clock_at
):
    clock_at(at(12, 15))
    do_reclassify_case(
        reported["B"],
        actor=province_epi,
        classification="asymptomatic",
        at=at(12, 11),
        reason="diagnosis_revised",
    )
    s = compute("35", START, V)
    assert list(s.total("new_confirmed")) == [2, 1, 0]
    assert list(s.total("new_asymptomatic")) == [1, 0, 1]  # counted on its own day
    assert list(s.total("reclassified_asymptomatic")) == [0, 0, 1]
    assert list(s.total("revised_confirmed")) == [0, 0, 1]
    assert list(s.total("new_infection")) == [3, 1, 0]  # never a second infection
    assert list(s.total("total_confirmed")) == [2, 1, -1]
    assert s.period("total_confirmed", START) == 2  # A and D
    assert s.period("total_asymptomatic", START) == 2  # C and B
    assert s.period("total_infection", START) == 4
    assert list(s.total("under_treatment")) == [3, 4, 4]


def test_voided_cases_of_other_diseases_do_not_move_the_bulletin(tree, province_epi, clock_at):
    from pingji.cases.actions.reports import do_report_case
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory

    clock_at(at(12, 15))
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[XIANYOU]))
    flu = do_report_case(
        actor=province_epi,
        person=person,
        classification="confirmed",
        severity="mild",
        onset_date=D(2021, 9, 10),
        sampled_at=at(11, 8),
        reported_at=at(11, 9),
        channel="fever_clinic",
        disease="influenza",
    )
    do_void_case(flu, actor=province_epi, reason="misdiagnosis")
    s = compute("35", START, V)
    assert s.period("voided_confirmed", START) == 0
    assert s.period("total_confirmed", START) == 0


def test_a_report_recorded_late_counts_from_the_day_it_was_recorded(tree, province_epi):
    """Entered on 14 Sep for a report of 12 Sep: as of the 12th and 13th nobody knew of it; as
    of the 14th it is counted on the 12th, the day it was reported (decision 0030)."""
    late = report(province_epi, tree, XIANYOU, 12, recorded=at(14, 15))
    assert late.reported_at.date() == V
    for known_on in (D(2021, 9, 12), D(2021, 9, 13)):
        assert sum(compute("35", START, known_on).total("new_confirmed")) == 0, known_on
    as_of_14 = compute("35", START, D(2021, 9, 14))
    assert as_of_14.on("new_confirmed", V) == 1
    # a run stored on the 14th counted it: as of the 13th, the storage is not what was known
    do_compute_series(tree["35"], START, D(2021, 9, 14))
    assert from_storage("35", START, D(2021, 9, 13)) is None
    stored = from_storage("35", START, D(2021, 9, 14))
    assert stored is not None and stored.on("new_confirmed", V) == 1

"""Linked pairs as known on a day: the links recorded by then, the onsets as they stood then.

Decision 0030, item 3: an onset corrected after day D leaves D's pairs, and the serial interval
fitted to them, exactly as they were; a day after the correction reads the corrected onset.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingji.cases.actions.course import do_update_case
from pingji.cases.models import Case
from pingji.cases.tests.factories import CaseFactory
from pingji.core import clock
from pingji.core.models import ObjectChange
from pingji.epi import serial as epi_serial
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing import chains
from pingji.tracing.actions.chains import do_link_cases
from pingji.tracing.models import Link

from .conftest import GRID, at

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2021, 9, 15)


def cutoff(day: datetime.date) -> datetime.datetime:
    """24:00 of ``day`` in Asia/Shanghai (``analytics.series.cutoff``, which tracing may not
    import)."""
    return at(1, 0) + datetime.timedelta(days=(day - D(2021, 9, 1)).days + 1)


def _case(tree, onset: datetime.date):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    return CaseFactory(person=person, onset_date=onset)


@pytest.fixture
def chain(tree, epi):
    """Four pairs recorded on 10 Sep, onsets 2-5 days apart; the infectees fell ill 6-9 Sep."""
    infector = _case(tree, D(2021, 9, 4))
    infectees = []
    for gap in (2, 3, 4, 5):
        infectee = _case(tree, D(2021, 9, 4) + datetime.timedelta(days=gap))
        do_link_cases(infector, infectee, actor=epi, evidence="contact")
        infectees.append(infectee)
    Link.objects.update(recorded_at=at(10, 10))
    return infector, infectees


def _correct(case, onset, actor, recorded: datetime.datetime | None = None) -> None:
    """The onset corrected through the case's correction action; ``recorded``: when the platform
    learned it (as the demo back-dates its writes), else now."""
    do_update_case(case, {"onset_date": onset}, actor=actor)
    if recorded is not None:
        last = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
        ).latest("id")
        ObjectChange.objects.filter(pk=last.pk).update(time=recorded)


def _fit(pairs):
    return epi_serial.fit([p.onset_days for p in pairs if p.onset_days is not None])


def test_an_onset_corrected_after_the_day_leaves_its_pairs_and_interval_as_they_were(chain, epi):
    _infector, (first, *_rest) = chain
    known = chains.transmission_pairs("35", known_by=cutoff(DAY))
    fitted = _fit(known)
    assert sorted(p.onset_days for p in known) == [2, 3, 4, 5]

    _correct(first, D(2021, 9, 11), epi)  # learned today: 7 days instead of 2
    again = chains.transmission_pairs("35", known_by=cutoff(DAY))
    assert again == known
    refit = _fit(again)
    assert (refit.mean, refit.sd, refit.n) == (fitted.mean, fitted.sd, fitted.n)
    assert (refit.cov == fitted.cov).all()
    # a day after the correction sees the corrected onset, as does the reading of today
    later = chains.transmission_pairs("35", known_by=cutoff(clock.today()))
    assert sorted(p.onset_days for p in later) == [3, 4, 5, 7]
    assert later == chains.transmission_pairs("35")
    assert _fit(later).mean > fitted.mean


def test_the_day_of_a_correction_is_where_the_pairs_change(chain, epi):
    infector, (first, second, *_rest) = chain
    _correct(first, D(2021, 9, 11), epi, recorded=at(17, 15))
    _correct(infector, D(2021, 9, 3), epi, recorded=at(19, 8))
    _correct(second, D(2021, 9, 8), epi, recorded=at(19, 9))
    by_day = {
        day: sorted(p.onset_days for p in chains.transmission_pairs("35", known_by=cutoff(day)))
        for day in (D(2021, 9, 16), D(2021, 9, 17), D(2021, 9, 18), D(2021, 9, 19))
    }
    assert by_day == {
        D(2021, 9, 16): [2, 3, 4, 5],
        D(2021, 9, 17): [3, 4, 5, 7],
        D(2021, 9, 18): [3, 4, 5, 7],
        # the infector a day earlier: every interval a day longer; the second's onset a day later
        D(2021, 9, 19): [5, 5, 6, 8],
    }
    # before its links were recorded, nothing was known
    assert chains.transmission_pairs("35", known_by=at(10, 10)) == []


def test_many_days_are_read_at_once_with_the_same_answers(chain, epi):
    infector, (first, *_rest) = chain
    _correct(first, D(2021, 9, 11), epi, recorded=at(17, 15))
    _correct(infector, D(2021, 9, 3), epi, recorded=at(19, 8))
    days = [D(2021, 9, 9) + datetime.timedelta(days=k) for k in range(14)]
    moments = [cutoff(day) for day in days]
    with CaptureQueriesContext(connection) as queries:
        many = chains.pairs_known_by("35", moments)
    assert len(queries) <= 3
    assert many == [chains.transmission_pairs("35", known_by=m) for m in moments]
    assert [len(pairs) for pairs in many] == [0] + [4] * 13
    assert chains.pairs_known_by("35", []) == []
    assert chains.pairs_known_by("350206", moments) == [[] for _m in moments]

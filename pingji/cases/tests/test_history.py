"""A case as it stood at a moment, from the change log (``cases.history``; decision 0030)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pingji.cases import history
from pingji.cases.actions.course import do_reclassify_case, do_update_case
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.cases.tests.factories import CaseFactory
from pingji.core.audit import loading
from pingji.core.models import ObjectChange
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, at

pytestmark = pytest.mark.django_db
D = datetime.date
FIELDS = ["classification", "onset_date", "reported_at"]


def _log_of(case: Case):
    kind = ContentType.objects.get_for_model(Case)
    return ObjectChange.objects.filter(content_type=kind, object_id=str(case.pk))


def _last_change(case: Case) -> ObjectChange:
    return _log_of(case).filter(action="update").order_by("-id")[0]


def _recorded_on(case: Case, when: datetime.datetime) -> None:
    """Stamp the case's last change as recorded at ``when`` (as the demo's ``Backdate`` does)."""
    ObjectChange.objects.filter(pk=_last_change(case).pk).update(time=when)


def test_a_corrected_onset_is_read_as_it_stood_before_the_correction(
    epi, resident, confirmed_facts
):
    case = do_report_case(actor=epi, person=resident, **confirmed_facts)
    before = timezone.now()
    do_update_case(case, {"onset_date": D(2021, 9, 8)}, actor=epi)
    after = timezone.now() + datetime.timedelta(seconds=1)
    # the log keeps the date as ISO text; the reader gives it back as a date
    assert _last_change(case).after["onset_date"] == "2021-09-08"
    assert history.values_at([case.pk], FIELDS, before)[case.pk] == {
        "classification": "confirmed",
        "onset_date": D(2021, 9, 10),
        "reported_at": at(12),
    }
    assert history.values_at([case.pk], ["onset_date"], after) == {
        case.pk: {"onset_date": D(2021, 9, 8)}
    }


def test_each_moment_sees_the_corrections_recorded_before_it(epi, resident, confirmed_facts):
    case = do_report_case(actor=epi, person=resident, **confirmed_facts)
    do_update_case(case, {"onset_date": D(2021, 9, 9)}, actor=epi)
    _recorded_on(case, at(14, 10))
    do_update_case(case, {"onset_date": D(2021, 9, 7), "notes": "流调更正"}, actor=epi)
    _recorded_on(case, at(16, 10))
    expected = {
        at(13): D(2021, 9, 10),  # as reported
        at(14, 10): D(2021, 9, 10),  # known *before* a moment, as links (recorded_at < known_by)
        at(15): D(2021, 9, 9),
        at(16, 9): D(2021, 9, 9),
        at(17): D(2021, 9, 7),
    }
    for moment, onset in expected.items():
        assert history.values_at([case.pk], ["onset_date"], moment)[case.pk]["onset_date"] == onset
    # many moments from one read give the same answers
    timeline = history.Timeline([case.pk], ["onset_date"], since=at(13))
    assert {m: timeline.at(m)[case.pk]["onset_date"] for m in expected} == expected
    with pytest.raises(ValueError):
        timeline.at(at(12))


def test_a_reclassification_after_the_moment_is_undone(epi, resident, asymptomatic_facts):
    case = do_report_case(actor=epi, person=resident, **asymptomatic_facts)
    do_reclassify_case(
        case,
        actor=epi,
        classification="confirmed",
        reason="symptoms_developed",
        severity="mild",
        onset_date=D(2021, 9, 13),
        at=at(13, 10),
    )
    _recorded_on(case, at(13, 10))
    assert history.values_at([case.pk], FIELDS, at(13))[case.pk] == {
        "classification": "asymptomatic",
        "onset_date": None,
        "reported_at": at(12),
    }
    got = history.values_at([case.pk], FIELDS, at(14))[case.pk]
    assert (got["classification"], got["onset_date"]) == ("confirmed", D(2021, 9, 13))


def test_many_cases_are_read_in_a_fixed_number_of_queries(tree, epi):
    def corrected(n: int) -> list[int]:
        ids = []
        for k in range(n):
            person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
            case = CaseFactory.create(person=person)
            do_update_case(case, {"onset_date": D(2021, 9, 10 - k % 3)}, actor=epi)
            ids.append(case.pk)
        return ids

    few, many = corrected(2), corrected(12)
    history.values_at(few, FIELDS, at(20))  # the content type is cached from here on
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as queries:
            got = history.values_at(ids, FIELDS, at(20))
        counts.append(len(queries))
        assert all(got[pk]["onset_date"] == D(2021, 9, 10) for pk in ids)  # as created
    assert counts[0] == counts[1] == 2
    with CaptureQueriesContext(connection) as queries:
        history.Timeline(many, FIELDS, since=at(20))
    assert len(queries) == 2


def test_a_case_written_in_a_load_still_has_its_history(tree, epi):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    with loading("a line list"):  # logged once for the statement: no creation row of its own
        (case,) = Case.objects.bulk_create([CaseFactory.build(person=person)])
    assert not _log_of(case).exists()
    do_update_case(case, {"onset_date": D(2021, 9, 9)}, actor=epi)
    assert history.values_at([case.pk], ["onset_date"], at(20)) == {
        case.pk: {"onset_date": D(2021, 9, 10)}
    }
    now = timezone.now() + datetime.timedelta(seconds=1)
    assert history.values_at([case.pk], ["onset_date"], now)[case.pk]["onset_date"] == D(2021, 9, 9)


def test_changes_of_other_fields_and_bad_names(epi, resident, confirmed_facts):
    case = do_report_case(actor=epi, person=resident, **confirmed_facts)
    do_update_case(case, {"notes": "补充"}, actor=epi)
    assert history.changes(["onset_date"], cases=[case.pk]) == []
    assert [c.after for c in history.changes(["notes"], within="350322")] == [{"notes": "补充"}]
    assert history.changes(["notes"], within="350206") == []
    with pytest.raises(FieldDoesNotExist):
        history.values_at([case.pk], ["no_such_field"], at(20))
    with pytest.raises(ValueError):
        history.values_at([case.pk], ["investigation"], at(20))  # a reverse relation

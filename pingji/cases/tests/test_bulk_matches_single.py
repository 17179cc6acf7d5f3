"""A batch of reports and the same reports one by one: the same rows, events, change log, refusals.

``do_report_case`` and ``do_report_cases_bulk`` share their checks and their plan
(``actions.reports``); this property holds them equal on random batches of valid and invalid
reports against the same starting data. Each path runs inside a transaction that is rolled back,
so both start from the same rows and what each wrote is compared as plain data.

The one legitimate difference, asserted exactly: one by one, a bad report is refused alone and the
others are written; the batch refuses as a whole, naming the same reports (and the same fields),
and writes nothing. The batch of the reports the single path accepted writes what it wrote.
"""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from pingji.cases.actions.bulk import Report, do_report_cases_bulk
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.cases.tests.factories import CaseFactory
from pingji.core.models import DomainEvent, ObjectChange
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, HULI_GRID, at

FIELDS = (
    "person_id",
    "jurisdiction_id",
    "episode",
    "classification",
    "severity",
    "onset_date",
    "sampled_at",
    "reported_at",
    "channel",
    "origin",
    "outcome",
    "reported_by_id",
    "notes",
)
#: What ``do_report_case`` takes besides the actor and the person (``Report``'s other fields).
FACTS = (
    "classification",
    "channel",
    "reported_at",
    "severity",
    "onset_date",
    "sampled_at",
    "origin",
    "notes",
)
#: What a creation's snapshot holds that differs between two writes of the same case.
MOMENTS = ("id", "created_at")

ON_REPORT = {
    "reported_at": st.sampled_from([at(12), at(13)]),
    "channel": st.sampled_from(["community_screening", "centralised_quarantine"]),
    "origin": st.sampled_from(["local", "imported"]),
    "notes": st.sampled_from(["", " 隔离点发现 "]),
}
#: Good reports of each class; the spoilers below turn some of them bad.
good = st.one_of(
    st.fixed_dictionaries(
        {
            "classification": st.just("confirmed"),
            "severity": st.sampled_from(["mild", "severe"]),
            "onset_date": st.just(datetime.date(2021, 9, 10)),
            "sampled_at": st.just(at(11, 8)),
            **ON_REPORT,
        }
    ),
    st.fixed_dictionaries(
        {"classification": st.just("asymptomatic"), "sampled_at": st.just(at(11, 8)), **ON_REPORT}
    ),
    st.fixed_dictionaries(
        {
            "classification": st.just("suspected"),
            "onset_date": st.sampled_from([None, datetime.date(2021, 9, 10)]),
            "sampled_at": st.sampled_from([None, at(11, 8)]),
            **ON_REPORT,
        }
    ),
)
#: At most one thing wrong with a report (``{}``: nothing, the most likely draw).
SPOILERS = st.sampled_from(
    [
        {},
        {},
        {},
        {"classification": "ruled_out"},
        {"severity": ""},
        {"severity": "mild"},
        {"onset_date": datetime.date(2021, 9, 14)},
        {"sampled_at": None},
        {"sampled_at": at(13, 10)},
        {"reported_at": at(12) + datetime.timedelta(days=3650)},
        {"channel": ""},
    ]
)
facts = st.builds(lambda f, spoil: {**f, **spoil}, good, SPOILERS)
#: (which resident, the report's facts): two fresh residents, one with an open case, one
#: recovered, one in another county (``residents``).
batches = st.lists(st.tuples(st.integers(0, 4), facts), min_size=1, max_size=5)


@pytest.fixture
def residents(tree):
    """Two fresh residents, one with an open case, one recovered, and one in 湖里区."""
    fresh, other, open_, recovered = (
        PersonFactory(name=name, household=HouseholdFactory(jurisdiction=tree[GRID]))
        for name in ("林一", "林二", "林三", "林四")
    )
    CaseFactory(person=open_)
    CaseFactory(person=recovered, outcome="recovered", outcome_at=at(20))
    elsewhere = PersonFactory(name="陈某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))
    return [fresh, other, open_, recovered, elsewhere]


class _Undo(Exception):
    """Raised to roll a run back once what it wrote has been read."""


def _rolled_back(run):
    """What ``run`` returns, with everything it wrote rolled back."""
    seen = []
    try:
        with transaction.atomic():
            seen.append(run())
            raise _Undo
    except _Undo:
        pass
    return seen[0]


def _written(since: tuple[int, int, int]) -> dict:
    """The cases, events and change-log rows written after the marks ``since``, as plain data; a
    case is named by its place among the new ones, not by its id. What other apps wrote in
    reaction (a report card, its work item) is compared by kind and number of rows: their
    contents name ids that differ from one write to the other."""
    cases = list(Case.objects.filter(pk__gt=since[0]).order_by("pk"))
    index = {str(c.pk): n for n, c in enumerate(cases)}
    of_cases = ContentType.objects.get_for_model(Case)
    new_events = DomainEvent.objects.filter(pk__gt=since[1])
    new_changes = ObjectChange.objects.filter(pk__gt=since[2])
    events = [
        (
            e.kind,
            index[e.object_id],
            re.sub(r"Case \d+", "CASE", e.summary),
            e.payload,
            e.time,
            e.jurisdiction_code,
            e.actor_id,
        )
        for e in new_events.filter(content_type=of_cases).order_by("pk")
    ]
    changes = [
        (
            c.action,
            c.content_type.model,
            index[c.object_id],
            {k: v for k, v in (c.after or {}).items() if k not in MOMENTS},
            c.jurisdiction_code,
        )
        for c in new_changes.filter(content_type=of_cases).order_by("pk")
    ]
    reactions = sorted(
        [("event", e.kind) for e in new_events.exclude(content_type=of_cases)]
        + [(c.action, c.content_type.model) for c in new_changes.exclude(content_type=of_cases)]
    )
    return {
        "cases": [{f: getattr(c, f) for f in FIELDS} for c in cases],
        "events": sorted(events, key=repr),
        "changes": sorted(changes, key=repr),
        "reactions": reactions,
    }


def _marks() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for model in (Case, DomainEvent, ObjectChange)
    )


def _one_by_one(actor, reports: list[Report]) -> tuple[dict[int, set[str]], dict]:
    """Each report through ``do_report_case`` in its own savepoint: (refused report → fields)."""
    since, refused = _marks(), {}
    for n, r in enumerate(reports, start=1):
        try:
            with transaction.atomic():
                do_report_case(
                    actor=actor,
                    person=r.person,
                    **{f: getattr(r, f) for f in FACTS},
                )
        except ValidationError as exc:
            refused[n] = set(exc.message_dict)
        except PermissionDenied:
            refused[n] = {"permission"}
    return refused, _written(since)


def _batch(reports: list[Report]) -> tuple[dict[int, set[str]], dict]:
    """The batch through ``do_report_cases_bulk``: (refused report → fields named)."""
    since, refused = _marks(), dict[int, set[str]]()
    try:
        do_report_cases_bulk(reports)
    except ValidationError as exc:
        for message in exc.messages:
            row, field = re.match(r"row (\d+), (\w+):", message).groups()  # type: ignore[union-attr]
            refused.setdefault(int(row), set()).add(field)
    except PermissionDenied as exc:
        row = re.match(r"report (\d+):", str(exc)).group(1)  # type: ignore[union-attr]
        refused[int(row)] = {"permission"}
    return refused, _written(since)


@examples(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=batches)
def test_a_batch_writes_and_refuses_what_the_reports_one_by_one_do(epi, residents, batch):
    reports = [Report(actor=epi, person=residents[who], **f) for who, f in batch]
    # when the reports go one by one, and (from the same start) as one batch
    single_refused, single = _rolled_back(lambda: _one_by_one(epi, reports))
    bulk_refused, bulk = _rolled_back(lambda: _batch(reports))
    if not single_refused:
        # then a batch of good reports writes exactly what they write one by one
        assert bulk_refused == {} and bulk == single
        return
    outside = sorted(n for n, fields in single_refused.items() if fields == {"permission"})
    if outside:
        # then the batch is refused at the first report outside the reporter's area ...
        assert bulk_refused == {outside[0]: {"permission"}}
    else:
        # then the batch is refused naming the reports refused one by one, by the same fields ...
        assert bulk_refused == single_refused
    # ... and writes nothing
    assert bulk == {"cases": [], "events": [], "changes": [], "reactions": []}
    # and the reports accepted one by one, as a batch, write what they wrote
    accepted = [r for n, r in enumerate(reports, start=1) if n not in single_refused]
    assert _rolled_back(lambda: _batch(accepted)) == ({}, single)

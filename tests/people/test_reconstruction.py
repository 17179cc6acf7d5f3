"""No role can rebuild a full identity number or phone from what it reads (decision 0031).

For every role, random persons are registered (with a change-log history, a case and an audited
reveal), then everything the role can read about them is collected: every surface registered in
``core.personal_data`` (pages and API endpoints, so a new surface is checked as soon as it joins),
the Excel export rows of every registered model, the change log and the domain events it may see.
The plain values must not appear, and the candidates consistent with all of it — visible digits,
region, the birth date where shown, else the age *and* the birth year (assumed always known, to be
conservative), sex and check character — must stay many.
"""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from pingji.cases.tests.factories import CaseFactory
from pingji.core import personal_data as pd
from pingji.core.access import ScopedQuerySet
from pingji.core.context import acting_as
from pingji.core.exports import export_columns, export_headings, export_row
from pingji.core.models import DomainEvent, ObjectChange
from pingji.people.actions.persons import do_create_person, do_update_person
from pingji.people.actions.reveal import do_reveal_identity
from pingji.people.choices import Sex
from pingji.people.identity import compose_id_number, id_check_char, sex_of
from pingji.users.choices import Role
from pingji.users.testing.fixtures import VerifiedClient

REGION = "350322"
MIN_ID_CANDIDATES = 30
MIN_PHONE_CANDIDATES = 1000
_ID_TOKEN = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")
_PHONE_TOKEN = re.compile(r"(?<![0-9*])1[0-9*]{10}(?![0-9*])")

births = st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31))
serials = st.integers(0, 999)
phones = st.from_regex(r"\A1[3-9][0-9]{9}\Z")


def _consistent(token: str, value: str) -> bool:
    return len(token) == len(value) and all(
        t in ("*", v) for t, v in zip(token, value, strict=True)
    )


def _known_positions(text: str, value: str, pattern: re.Pattern) -> set[int]:
    """Positions of ``value`` shown by any masked form of it in ``text``."""
    known: set[int] = set()
    for token in pattern.findall(text):
        if _consistent(token, value):
            known |= {i for i, c in enumerate(token) if c != "*"}
    return known


def _dates_consistent(text: str, born: datetime.date, today: datetime.date):
    """Birth dates an attacker cannot tell apart: the exact date if shown, else age and year."""
    if born.isoformat() in text or f"{born:%Y%m%d}" in text:
        return [born]
    age = pd.age_of(born, today)
    day, dates = datetime.date(born.year, 1, 1), []
    while day.year == born.year:
        if pd.age_of(day, today) == age and day <= today:
            dates.append(day)
        day += datetime.timedelta(days=1)
    return dates


def id_candidates(text: str, number: str, today: datetime.date) -> int:
    """Valid numbers agreeing with every visible digit, the dates, the sex and the check char."""
    known = _known_positions(text, number, _ID_TOKEN) | set(range(6)) | {17}
    sex = sex_of(number)
    count = 0
    for day in _dates_consistent(
        text, datetime.date.fromisoformat(f"{number[6:10]}-{number[10:12]}-{number[12:14]}"), today
    ):
        for serial in range(1000):
            if (serial % 2 == 1) != (sex == Sex.MALE):
                continue
            body = f"{number[:6]}{day:%Y%m%d}{serial:03d}"
            candidate = body + id_check_char(body)
            if all(candidate[i] == number[i] for i in known):
                count += 1
    return count


def phone_candidates(text: str, phone: str) -> int:
    known = _known_positions(text, phone, _PHONE_TOKEN) | {0}
    return 10 ** (11 - len(known))


def read_everything(user, person) -> str:
    """All the role can read about ``person``, as one text."""
    page, api = VerifiedClient(), APIClient()  # force_login passes the second factor too
    page.force_login(user)
    api.force_authenticate(user)
    parts = []
    for name, url_for in sorted(pd.surfaces().items()):
        url = url_for(person)
        if url is None:
            continue
        response = (api if url.startswith("/api/") else page).get(url)
        # refused (403/404) or sent away (a service account has no pages) reads nothing
        assert response.status_code < 500, (name, response.status_code)
        if response.status_code == 200:
            parts.append(response.content.decode())
    for model in pd.registered_models():
        meta = model._meta
        if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        columns = export_columns(model)
        parts.append(json.dumps(export_headings(user, model, columns), default=str))
        rows = model._default_manager.all()
        assert isinstance(rows, ScopedQuerySet), model  # personal data reads through restrict
        for obj in rows.restrict(user, "view"):
            parts.append(json.dumps(export_row(user, obj, columns), default=str))
    for change in ObjectChange.objects.restrict(user, "view"):
        parts.append(json.dumps([change.before, change.after, change.object_repr]))
    for event in DomainEvent.objects.restrict(user, "view"):
        parts.append(json.dumps([event.summary, event.payload]))
    return "\n".join(parts)


def register(epidemiologist, household, number: str, phone: str):
    """A person as the platform builds one: registered, edited, a case, an audited reveal."""
    with acting_as(epidemiologist, "test"):
        person = do_create_person(
            actor=epidemiologist, name="林测", id_number=number, household=household
        )
        person = do_update_person(person, {"phone": phone}, actor=epidemiologist)
        CaseFactory(person=person)
        do_reveal_identity(person, actor=epidemiologist, reason="核实")
    return person


@pytest.mark.parametrize("role", list(Role))
def test_no_role_can_rebuild_an_identity_number_or_phone(make_user, household, role):
    reader = make_user(role, "350322", username=f"reader-{role}")
    writer = make_user(Role.EPIDEMIOLOGIST, "350322", username=f"writer-{role}")

    @settings(
        max_examples=4,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(born=births, serial=serials, phone=phones)
    def check(born, serial, phone):
        number = compose_id_number(REGION, born, serial)
        cache.clear()
        with transaction.atomic():
            person = register(writer, household, number, phone)
            text = read_everything(reader, person)
            transaction.set_rollback(True)
        assert number not in text and number.lower() not in text
        assert phone not in text
        today = datetime.date.today()
        assert id_candidates(text, number, today) > MIN_ID_CANDIDATES
        assert phone_candidates(text, phone) >= MIN_PHONE_CANDIDATES

    check()


def test_the_candidate_count_sees_a_leak():
    """The counter itself: the old mask beside the birth date leaves one candidate."""
    number = compose_id_number(REGION, datetime.date(1985, 7, 14), 123)
    leaked = f"{number[:6]}********{number[-4:]} 1985-07-14"
    assert id_candidates(leaked, number, datetime.date(2026, 12, 6)) == 1
    masked = pd.mask_id_number(number) + " 41"
    assert id_candidates(masked, number, datetime.date(2026, 12, 6)) > 10_000
    assert phone_candidates("138****1234", "13800001234") == 10_000

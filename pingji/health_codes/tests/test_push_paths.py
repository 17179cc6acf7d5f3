"""The two ways a pushed row is written agree, and "placed" is read back from quarantine."""

import datetime

import pytest
from django.utils import timezone

from pingji.core import clock
from pingji.health_codes import loading
from pingji.health_codes.actions.pushes import _row, _tuple
from pingji.health_codes.checks import check_row
from pingji.health_codes.choices import Outcome, PushKind, PushSource
from pingji.health_codes.models import Push, PushRow
from pingji.health_codes.planning import Match
from pingji.people.tests.factories import id_number_for
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.users.choices import Role

from .conftest import code_row, post_rows

pytestmark = pytest.mark.django_db


def sep(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour))


@pytest.fixture(autouse=True)
def _september():
    clock.set_now(sep(12, 10))
    yield
    clock.set_now(None)


def stored(pk: int) -> dict:
    row = dict(PushRow.objects.filter(pk=pk).values().get())
    row.pop("id")
    row["phone_cipher"] = bool(row["phone_cipher"])  # a new nonce each time: compare presence
    return row


def test_the_tuple_path_stores_what_the_model_path_stores(epi, resident):
    push = Push.objects.create(
        jurisdiction_id="350322",
        kind=PushKind.COMPANION,
        source=PushSource.API,
        content_hash="x",
        received_by=epi,
    )
    cells = {
        "id_number": id_number_for(11),
        "name": "林某",
        "phone": "13900000001",
        "at": "2021-09-10 12:00",
        "until": "2021-09-10 13:30",
        "reference": "莆田站",
        "region": "350322",
    }
    checked = check_row(2, cells, PushKind.COMPANION, "35", clock.today())
    key = checked.dedup_key(PushKind.COMPANION)
    matches = {checked.id_hash: Match(resident.pk, resident.jurisdiction_id)}
    planned = (checked, key, Outcome.PROPOSED, "", "")
    model = _row(push, *planned, matches)
    model.save()
    by_model = stored(model.pk)
    model.delete()
    loading.insert_rows([_tuple(push, *planned, matches)], what="test", code="350322")
    by_tuple = stored(PushRow.objects.get().pk)
    assert by_tuple == by_model
    assert by_tuple["at"] == sep(10, 12) and by_tuple["until"] == sep(10, 13) + datetime.timedelta(
        minutes=30
    )


def test_placed_is_read_back_from_quarantine(api, epi, resident, tree, make_user):
    push_id = post_rows(api(epi), "code_list", [code_row(id_number_for(11))]).json()["push"]
    detail = api(epi).get(f"/api/health_codes/pushes/{push_id}/").json()
    assert detail["placed"] == 0 and detail["open"] == 1
    operator = make_user(Role.OPERATOR, "350322")
    hotel = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    clock.set_now(sep(12, 21))
    do_place_person(
        actor=operator, person=resident, exposure_at=sep(10, 15), site=hotel, placed_at=sep(12, 20)
    )
    detail = api(epi).get(f"/api/health_codes/pushes/{push_id}/").json()
    assert detail["placed"] == 1

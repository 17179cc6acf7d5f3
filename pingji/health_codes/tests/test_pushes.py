"""Pushed lists through the real API, files and actions: matching, refusals, idempotence, scope."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pingji.core import clock
from pingji.core.models import DomainEvent, ObjectChange
from pingji.health_codes.choices import Outcome
from pingji.health_codes.models import Push, PushRow
from pingji.people.tests.factories import id_number_for
from pingji.tracing.models import Dispatch

from .conftest import as_csv, code_row, post_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _september():
    clock.set_now(timezone.make_aware(datetime.datetime(2021, 9, 12, 10, 0)))
    yield
    clock.set_now(None)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def outcomes(push) -> dict[int, tuple[str, str]]:
    return {r.line: (r.outcome, r.reason_code) for r in PushRow.objects.filter(push=push)}


def test_each_row_gets_its_outcome(api, epi, resident, huli_resident):
    stranger = id_number_for(500)
    rows = [
        code_row(id_number_for(11)),  # resident of 仙游县: proposed
        code_row(id_number_for(12, "350206")),  # lives in 湖里区: dispatched
        code_row(stranger),  # nobody registered
        code_row(wrong_check_digit(id_number_for(13))),
        code_row(id_number_for(14), region="440305"),  # another province
        code_row(id_number_for(15), at="yesterday-ish"),
        code_row(id_number_for(11)),  # the same listing again in the same push
    ]
    answer = post_rows(api(epi), "code_list", rows)
    assert answer.status_code == 201, answer.content
    push = Push.objects.get()
    assert outcomes(push) == {
        1: (Outcome.PROPOSED, ""),
        2: (Outcome.DISPATCHED, ""),
        3: (Outcome.NOT_FOUND, ""),
        4: (Outcome.REFUSED, "id_checksum"),
        5: (Outcome.REFUSED, "province"),
        6: (Outcome.REFUSED, "time"),
        7: (Outcome.DUPLICATE, "duplicate"),
    }
    body = answer.json()
    assert body["counts"]["refused"] == 3 and body["counts"]["proposed"] == 1
    dispatch = Dispatch.objects.get()
    assert dispatch.person == huli_resident and dispatch.jurisdiction_id.startswith("350206")
    assert PushRow.objects.get(line=2).dispatch == dispatch
    assert PushRow.objects.get(line=1).person == resident
    assert DomainEvent.objects.filter(kind="health_codes.push_received").count() == 1


def test_a_file_pushed_twice_changes_nothing(api, epi, resident):
    data = as_csv([code_row(id_number_for(11)), code_row(id_number_for(600))], chinese=True)
    client = api(epi)
    first = client.post("/api/health_codes/pushes/", {"kind": "code_list", "file": data})
    assert first.status_code == 201, first.content
    before = (PushRow.objects.count(), ObjectChange.objects.count(), DomainEvent.objects.count())
    data.seek(0)
    again = client.post("/api/health_codes/pushes/", {"kind": "code_list", "file": data})
    assert again.status_code == 200 and again.json()["new"] is False
    assert again.json()["push"] == first.json()["push"]
    after = (PushRow.objects.count(), ObjectChange.objects.count(), DomainEvent.objects.count())
    assert after == before == (2, before[1], before[2])


def test_a_later_push_of_the_same_person_adds_nothing(api, epi, resident):
    client = api(epi)
    post_rows(client, "code_list", [code_row(id_number_for(11))])
    later = post_rows(client, "code_list", [code_row(id_number_for(11), name="林某某")])
    assert later.status_code == 201
    assert later.json()["counts"]["duplicate"] == 1
    assert PushRow.objects.filter(outcome=Outcome.PROPOSED).count() == 1
    # a new window is a new listing
    other_day = post_rows(client, "code_list", [code_row(id_number_for(11), at="2021-09-13 08:00")])
    assert other_day.json()["counts"]["proposed"] == 1


def test_no_plain_identity_number_is_stored_or_shown(api, epi, resident):
    number = id_number_for(11)
    answer = post_rows(api(epi), "code_list", [code_row(number), code_row(number[:10])])
    detail = api(epi).get(f"/api/health_codes/pushes/{answer.json()['push']}/")
    assert number not in detail.content.decode()
    assert "13900000001" not in detail.content.decode()
    for row in PushRow.objects.values():
        assert number not in json.dumps(row, default=str)
        assert "13900000001" not in json.dumps(row, default=str)
    for change in ObjectChange.objects.values("before", "after"):
        assert number not in json.dumps(change, default=str)


def test_hostile_strings_are_kept_as_text(api, epi, resident):
    hostile = "<script>alert(1)</script>'; DROP TABLE x;--=cmd|' /C calc'!A0"
    answer = post_rows(
        api(epi),
        "arrival",
        [
            {
                "id_number": id_number_for(11),
                "name": hostile,
                "at": "2021-09-11 08:00",
                "reference": hostile,
            },
            {"id_number": hostile, "at": hostile, "reference": "x"},
        ],
    )
    assert answer.status_code == 201, answer.content
    assert outcomes(Push.objects.get())[2] == (Outcome.REFUSED, "id_format")
    assert PushRow.objects.get(line=1).outcome == Outcome.PROPOSED


def test_a_file_above_the_upload_limit_is_refused_whole(api, epi, settings):
    settings.PINGJI_MAX_UPLOAD_BYTES = 1000
    big = as_csv([code_row(id_number_for(n)) for n in range(100)])
    answer = api(epi).post("/api/health_codes/pushes/", {"kind": "code_list", "file": big})
    assert answer.status_code == 400
    assert not Push.objects.exists() and not PushRow.objects.exists()


def test_a_file_without_its_columns_is_refused_whole(api, epi):
    bad = SimpleUploadedFile("x.csv", b"name,phone\nA,139\n", "text/csv")
    answer = api(epi).post("/api/health_codes/pushes/", {"kind": "code_list", "file": bad})
    assert answer.status_code == 400 and "file" in answer.json()
    assert not Push.objects.exists()


def test_nothing_is_half_applied(api, epi, resident, huli_resident, monkeypatch):
    from pingji.health_codes.actions import pushes

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pushes, "record_event", broken)
    rows = [code_row(id_number_for(11)), code_row(id_number_for(12, "350206"))]
    with pytest.raises(RuntimeError):
        post_rows(api(epi), "code_list", rows)
    assert not Push.objects.exists() and not PushRow.objects.exists()
    assert not Dispatch.objects.exists()


def test_another_countys_pushes_are_invisible(api, epi, huli_epi, resident):
    push_id = post_rows(api(epi), "code_list", [code_row(id_number_for(11))]).json()["push"]
    assert api(huli_epi).get(f"/api/health_codes/pushes/{push_id}/").status_code == 404
    assert api(huli_epi).get("/api/health_codes/pushes/").json() == {"results": []}
    row = PushRow.objects.get()
    assert (
        api(huli_epi).post(f"/api/health_codes/rows/{row.pk}/decide/", {"accept": "1"}).status_code
        == 404
    )


def _companion_row(api, epi) -> PushRow:
    post_rows(
        api(epi),
        "companion",
        [
            {
                "id_number": id_number_for(11),
                "at": "2021-09-10 12:00",
                "until": "2021-09-10 13:00",
                "reference": "莆田站",
            }
        ],
    )
    return PushRow.objects.get()


def test_accepting_places_the_person_through_quarantine_once(api, epi, resident, tree):
    """The 8th edition quarantines no companion: accepting as one is refused with the reason and
    the row stays proposed; as a close contact at a site the person is placed, counted from the
    end of the companionship, and "placed" is that placement."""
    from pingji.quarantine.actions.sites import do_create_site
    from pingji.quarantine.models import Placement

    row = _companion_row(api, epi)
    decide = f"/api/health_codes/rows/{row.pk}/decide/"
    dismiss = api(epi).post(decide, {"accept": "0"})
    assert dismiss.status_code == 400 and "reason" in dismiss.json()  # a dismissal says why
    as_companion = api(epi).post(decide, {"accept": "1"})
    assert as_companion.status_code == 400 and "category" in as_companion.json()
    no_site = api(epi).post(decide, {"accept": "1", "category": "close_contact"})
    assert no_site.status_code == 400
    assert api(epi).post(decide, {"accept": "1", "site": "999999"}).status_code == 400
    assert api(epi).post(decide, {"accept": "1", "category": "nonsense"}).status_code == 400
    row.refresh_from_db()
    assert row.outcome == Outcome.PROPOSED and not Placement.objects.exists()

    hotel = do_create_site(
        actor=epi, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    body = {"accept": "1", "category": "close_contact", "site": hotel.pk}
    placed = api(epi).post(decide, body)
    assert placed.status_code == 200 and placed.json()["outcome"] == Outcome.PLACED
    placement = Placement.objects.get(person=resident)
    assert placement.category == "close_contact" and placement.room.site == hotel
    assert placement.exposure_on == datetime.date(2021, 9, 10)
    assert api(epi).post(decide, body).status_code == 409
    assert Placement.objects.count() == 1
    summary = api(epi).get(f"/api/health_codes/pushes/{row.push_id}/").json()
    assert summary["placed"] == 1 and summary["open"] == 0


def test_pages_upload_report_and_reconciliation(client, epi, resident, huli_epi):
    client.force_login(epi)
    data = as_csv([code_row(id_number_for(11)), code_row(wrong_check_digit(id_number_for(2)))])
    page = client.post("/health_codes/pushes/", {"kind": "code_list", "file": data}, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "GB 11643" in text  # the refused row's reason is on the report
    assert id_number_for(11) not in text
    push = Push.objects.get()
    assert page.redirect_chain[-1][0].endswith(f"/health_codes/pushes/{push.pk}/")
    assert PushRow.objects.filter(push=push, outcome=Outcome.REFUSED).count() == 1
    report = client.get("/health_codes/reconciliation/")
    assert (
        report.status_code == 200 and f"/health_codes/pushes/{push.pk}/" in report.content.decode()
    )
    client.force_login(huli_epi)
    assert client.get(f"/health_codes/pushes/{push.pk}/").status_code == 404


def test_an_excel_list_is_read_like_a_csv(api, epi, resident):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "姓名", "抵达时间", "来源风险区"])
    sheet.append([id_number_for(11), "林某", "2021-09-11 08:00", "厦门市同安区"])
    sheet.append([id_number_for(700), "某某", "2021-09-11 08:00", "厦门市同安区"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("arrivals.xlsx", buffer.getvalue())
    answer = api(epi).post("/api/health_codes/pushes/", {"kind": "arrival", "file": upload})
    assert answer.status_code == 201, answer.content
    assert outcomes(Push.objects.get()) == {
        1 + 1: (Outcome.PROPOSED, ""),
        3: (Outcome.NOT_FOUND, ""),
    }


def test_a_person_already_dispatched_is_not_dispatched_again(api, epi, huli_resident):
    client = api(epi)
    post_rows(client, "code_list", [code_row(id_number_for(12, "350206"))])
    later = post_rows(
        client,
        "code_list",
        [code_row(id_number_for(12, "350206"), at="2021-09-12 20:00", colour="yellow")],
    )
    assert later.json()["counts"]["duplicate"] == 1
    row = PushRow.objects.get(push_id=later.json()["push"])
    assert (row.outcome, row.reason_code) == (Outcome.DUPLICATE, "dispatch_open")
    assert Dispatch.objects.count() == 1


def test_the_push_page_places_a_row_at_a_site_it_offers(api, client, epi, resident, tree):
    from pingji.quarantine.actions.sites import do_create_site
    from pingji.quarantine.models import Placement

    hotel = do_create_site(
        actor=epi, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    row = _companion_row(api, epi)
    client.force_login(epi)
    page = client.get(f"/health_codes/pushes/{row.push_id}/").content.decode()
    assert "仙游宾馆" in page and 'name="category"' in page
    decide = f"/health_codes/rows/{row.pk}/decide/"
    refused = client.post(decide, {"accept": "on"}, follow=True).content.decode()
    assert "sets no quarantine for spatiotemporal companion" in refused
    client.post(decide, {"accept": "on", "category": "close_contact", "site": hotel.pk})
    row.refresh_from_db()
    assert row.outcome == Outcome.PLACED and Placement.objects.filter(person=resident).exists()

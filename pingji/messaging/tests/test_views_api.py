"""The outbox pages and API: scoped to the recipients' area, filters, history, retry, opt-outs."""

import pytest

from pingji.messaging import texts
from pingji.messaging.actions.outbox import Draft, queue_messages
from pingji.messaging.models import Message, OptOut

pytestmark = pytest.mark.django_db
REMINDER = {"person": "林**", "due_on": "2021年9月25日"}
RELEASE = {"person": "林**", "released_on": "a", "planned_end_on": "b", "test_days": "c"}


@pytest.fixture
def outbox(no_gateways, resident, huli_resident):
    mine = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "c1")])[0]
    theirs = queue_messages([Draft(huli_resident, texts.TEST_DUE, REMINDER, "c2")])[0]
    return mine, theirs


def failed(message: Message) -> Message:
    Message.objects.filter(pk=message.pk).update(status="failed", error="HTTP 400")
    message.refresh_from_db()
    return message


def test_the_list_shows_only_the_area_and_filters(client, operator, outbox):
    mine, theirs = outbox
    client.force_login(operator)
    page = client.get("/messaging/")
    assert page.status_code == 200
    assert [m.pk for m in page.context["object_list"]] == [mine.pk]
    assert "No gateway configured" in page.content.decode()
    assert client.get("/messaging/?status=sent").context["object_list"].count() == 0
    queued = client.get(f"/messaging/?status=queued&template={texts.TEST_DUE}&channel=sms")
    assert [m.pk for m in queued.context["object_list"]] == [mine.pk]


def test_another_countys_message_does_not_exist(client, operator, outbox, api):
    mine, theirs = outbox
    client.force_login(operator)
    assert client.get(f"/messaging/{theirs.pk}/").status_code == 404
    assert client.post(f"/messaging/{theirs.pk}/retry/").status_code == 404
    assert api(operator).get(f"/api/messaging/messages/{theirs.pk}/").status_code == 404
    listed = api(operator).get("/api/messaging/messages/").json()["results"]
    assert [m["id"] for m in listed] == [mine.pk]


def test_the_detail_shows_the_masked_text_and_the_history(client, operator, outbox, resident):
    mine, _ = outbox
    client.force_login(operator)
    page = client.get(f"/messaging/{mine.pk}/")
    html = page.content.decode()
    assert "林**" in html and "138****1234" in html and "13805951234" not in html
    assert "明天（2021年9月25日）" in html
    assert "No gateway configured for this channel" in html
    assert page.context["body"] and "queued" in html


def test_a_failed_message_is_sent_again_from_its_page(client, operator, outbox):
    mine = failed(outbox[0])
    client.force_login(operator)
    assert client.post(f"/messaging/{mine.pk}/retry/").status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.attempts, mine.error) == ("queued", 0, "")
    assert mine.history[-1]["note"] == f"sent again by {operator.username}"
    client.post(f"/messaging/{mine.pk}/retry/")  # no longer failed: refused, nothing changes
    mine.refresh_from_db()
    assert mine.history[-1]["note"] == f"sent again by {operator.username}"


def test_retry_through_the_api_and_its_refusals(api, operator, grid_worker, outbox):
    mine = failed(outbox[0])
    assert api(grid_worker).post(f"/api/messaging/messages/{mine.pk}/retry/").status_code in (
        403,
        404,
    )
    answer = api(operator).post(f"/api/messaging/messages/{mine.pk}/retry/")
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    assert api(operator).post(f"/api/messaging/messages/{mine.pk}/retry/").status_code == 409


def test_an_opt_out_is_recorded_from_an_information_message(client, operator, outbox, resident):
    mine, _ = outbox
    client.force_login(operator)
    page = client.get(f"/messaging/{mine.pk}/")
    assert page.context["optout_form"] is not None
    client.post(f"/messaging/{mine.pk}/opt-out/", {"source": "door", "note": "门口口头要求"})
    optout = OptOut.objects.get()
    assert (optout.recipient_id, optout.source, optout.recorded_by) == (
        str(resident.pk),
        "door",
        operator,
    )
    listed = client.get("/messaging/opt-outs/")
    assert [o.pk for o in listed.context["object_list"]] == [optout.pk]


def test_an_opt_out_is_recorded_through_the_api_for_a_resident_of_the_area(
    api, operator, resident, huli_resident
):
    url = "/api/messaging/opt-outs/"
    body = {"recipient_kind": "person", "channel": "sms", "source": "phone", "note": "来电"}
    made = api(operator).post(url, {**body, "recipient_id": str(resident.pk)}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["recipient_label"] == "林**"
    again = api(operator).post(url, {**body, "recipient_id": str(resident.pk)}, format="json")
    assert again.json()["id"] == made.json()["id"]  # idempotent: one row
    for hostile in (str(huli_resident.pk), "999999", "1 OR 1=1", "9" * 40):
        refused = api(operator).post(url, {**body, "recipient_id": hostile}, format="json")
        assert refused.status_code == 400 and "recipient_id" in refused.json()
    bad = api(operator).post(url, {**body, "recipient_id": str(resident.pk), "channel": "fax"})
    assert bad.status_code == 400
    assert OptOut.objects.count() == 1
    assert [r["id"] for r in api(operator).get(url).json()["results"]] == [made.json()["id"]]


def test_a_row_that_no_longer_fits_its_template_shows_why(client, operator, outbox):
    mine, _ = outbox
    Message.objects.filter(pk=mine.pk).update(fields={"person": "林**"})
    client.force_login(operator)
    page = client.get(f"/messaging/{mine.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "missing fields" in text and "due_on" in text


def test_a_legal_notification_offers_no_opt_out(client, operator, no_gateways, resident):
    [row] = queue_messages([Draft(resident, texts.RELEASED, RELEASE, "release:1")])
    client.force_login(operator)
    assert client.get(f"/messaging/{row.pk}/").context["optout_form"] is None
    client.post(f"/messaging/{row.pk}/opt-out/", {"source": "door"})
    assert not OptOut.objects.exists()


def test_the_menu_offers_the_outbox(client, operator):
    client.force_login(operator)
    assert 'href="/messaging/"' in client.get("/messaging/opt-outs/").content.decode()

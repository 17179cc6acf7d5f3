"""The outbox's rules: one message per cause and recipient, opt-outs honoured for information
and never for legal notifications, masked fields and addresses, receipts and replies."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from pingji.core.models import ObjectChange
from pingji.messaging import texts
from pingji.messaging.actions.optouts import do_record_opt_out
from pingji.messaging.actions.outbox import Draft, queue_messages
from pingji.messaging.api.receipts import SIGNATURE_HEADER, signature
from pingji.messaging.models import Message, OptOut

from .conftest import SECRET

pytestmark = pytest.mark.django_db
REMINDER = {"person": "林**", "due_on": "2021年9月25日"}
RELEASE = {"person": "林**", "released_on": "a", "planned_end_on": "b", "test_days": "c"}


def test_a_replayed_cause_queues_nothing_twice(no_gateways, resident):
    first = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "test:1:2021-09-25")])
    again = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "test:1:2021-09-25")])
    assert len(first) == 1 and again == []
    assert Message.objects.count() == 1


def test_an_opt_out_is_honoured_for_information(no_gateways, resident, operator):
    do_record_opt_out(resident, channel="sms", source="door", actor=operator)
    [row] = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "test:1")])
    assert row.status == "opted_out"
    assert [h["status"] for h in row.history] == ["queued", "opted_out"]


def test_an_opt_out_never_stops_a_legal_notification(no_gateways, resident, operator):
    do_record_opt_out(resident, channel="sms", source="door", actor=operator)
    [row] = queue_messages([Draft(resident, texts.RELEASED, RELEASE, "release:1")])
    assert row.status == "queued"


def test_an_opt_out_is_recorded_once_with_its_source_and_only_in_the_area(
    resident, huli_resident, operator
):
    first = do_record_opt_out(resident, channel="sms", source="door", actor=operator)
    second = do_record_opt_out(resident, channel="sms", source="phone", actor=operator)
    assert first.pk == second.pk and second.source == "door"
    with pytest.raises(PermissionDenied):
        do_record_opt_out(huli_resident, channel="sms", source="door", actor=operator)
    assert OptOut.objects.count() == 1


def test_fields_are_checked_when_queued(no_gateways, resident):
    from pingji.messaging.catalogue import TemplateFieldError

    with pytest.raises(TemplateFieldError):
        queue_messages([Draft(resident, texts.TEST_DUE, {"person": "x"}, "c")])
    assert not Message.objects.exists()


def test_the_row_holds_no_plain_phone_and_every_change_is_in_the_change_log(
    gateways, resident, http_gateway
):
    from pingji.core.jobs import REGISTRY

    [row] = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "c")])
    REGISTRY["messaging.send"].fn(lambda *a, **k: None, batch=row.batch)
    stored = json.dumps(list(Message.objects.values()), default=str, ensure_ascii=False)
    assert "13805951234" not in stored and "林秀英" not in stored
    changes = ObjectChange.objects.filter(object_id=str(row.pk), content_type__model="message")
    assert {c.action for c in changes} == {"create", "update"}
    assert any((c.after or {}).get("status") == "sent" for c in changes)


def post_receipt(client, body, secret=SECRET, gateway="sms"):
    raw = json.dumps(body).encode()
    return client.post(
        f"/api/messaging/receipts/{gateway}/",
        raw,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature(secret, raw)},
    )


def sent_reminder(gateways, resident):
    from pingji.core.jobs import REGISTRY

    [row] = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "c")])
    REGISTRY["messaging.send"].fn(lambda *a, **k: None, batch=row.batch)
    row.refresh_from_db()
    return row


def test_a_signed_receipt_marks_delivered_and_an_unknown_id_is_reported(
    client, gateways, http_gateway, resident
):
    row = sent_reminder(gateways, resident)
    answer = post_receipt(
        client, [{"id": row.receipt_id, "status": "delivered"}, {"id": "nope", "status": "ok"}]
    )
    assert answer.status_code == 200
    assert answer.json()["updated"] == 1 and answer.json()["unknown"] == ["nope"]
    row.refresh_from_db()
    assert row.status == "delivered" and row.history[-1]["note"] == "delivery receipt"
    again = post_receipt(client, {"id": row.receipt_id, "status": "undelivered"})
    assert again.json()["unchanged"] == 1  # applied once


def test_an_undelivered_receipt_fails_the_message(client, gateways, http_gateway, resident):
    row = sent_reminder(gateways, resident)
    post_receipt(client, {"id": str(row.pk), "status": "undelivered", "error": "power off"})
    row.refresh_from_db()
    assert row.status == "failed" and "power off" in row.error


def test_a_bad_or_missing_signature_is_refused(client, gateways, http_gateway, resident):
    row = sent_reminder(gateways, resident)
    assert (
        post_receipt(client, {"id": row.receipt_id, "status": "delivered"}, "x").status_code == 403
    )
    unsigned = client.post("/api/messaging/receipts/sms/", "{}", content_type="application/json")
    assert unsigned.status_code == 403
    assert post_receipt(client, {}, gateway="fax").status_code == 403  # no secret configured
    row.refresh_from_db()
    assert row.status == "sent"


def test_garbage_is_answered_not_raised(client, gateways):
    raw = b"not json"
    bad = client.post(
        "/api/messaging/receipts/sms/",
        raw,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature(SECRET, raw)},
    )
    assert bad.status_code == 400
    odd = post_receipt(client, [1, {"id": "5", "status": "exploded"}])
    assert odd.status_code == 200 and odd.json()["invalid"] == ["1", "5"]


def test_a_td_reply_opts_the_person_out_of_sms_information(client, gateways, resident):
    answer = post_receipt(client, {"type": "inbound", "from": "13805951234", "text": "退订"})
    assert answer.json()["opted_out"] == 1
    optout = OptOut.objects.get()
    assert (optout.recipient_id, optout.channel, optout.source) == (
        str(resident.pk),
        "sms",
        "reply",
    )
    [row] = queue_messages([Draft(resident, texts.TEST_DUE, REMINDER, "c2")])
    assert row.status == "opted_out"

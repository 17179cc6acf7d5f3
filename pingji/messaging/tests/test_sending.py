"""Queueing and sending: e-mail through a real SMTP server, SMS and IM through a real HTTP
gateway that answers 200, 500, 400 or hangs; retries, failure, redelivery, claims."""

import threading

import pytest
from django.db import connection

from pingji.core.jobs import REGISTRY
from pingji.messaging import texts
from pingji.messaging.actions import sending
from pingji.messaging.actions.outbox import NO_GATEWAY, Draft, queue_messages
from pingji.messaging.models import Message

pytestmark = pytest.mark.django_db


def remind(person, cause="test:1"):
    fields = {"person": "林**", "due_on": "2021年9月25日"}
    return queue_messages([Draft(person, texts.TEST_DUE, fields, cause)])


def run_send_job(batch=""):
    """One delivery of the ``messaging.send`` job, as a worker would run it."""
    return REGISTRY["messaging.send"].fn(lambda *a, **k: None, batch=batch)


def statuses():
    return list(Message.objects.order_by("id").values_list("status", flat=True))


def test_an_sms_is_sent_through_the_http_gateway_with_its_id_as_idempotency_key(
    gateways, http_gateway, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = remind(resident)
    row.refresh_from_db()
    assert (row.status, row.receipt_id, row.attempts) == ("sent", f"r-{row.pk}", 1)
    [request] = http_gateway.requests
    assert request["headers"]["Idempotency-Key"] == str(row.pk)
    assert request["headers"]["Authorization"] == "Bearer t"
    assert request["json"]["to"] == "13805951234"  # decrypted only here
    assert "明天（2021年9月25日）" in request["json"]["text"]
    assert row.address_masked == "138****1234"
    assert [h["status"] for h in row.history] == ["queued", "sending", "sent"]


def test_an_email_is_sent_through_a_real_smtp_server(gateways, smtp_server, operator, resident):
    fields = {"title": "协查林**", "deadline": "2021年9月13日", "to": "莆田市"}
    drafts = [Draft(operator, texts.TASK_ESCALATED, fields, "task:1", channels=("email",))]
    [row] = queue_messages(drafts)
    run_send_job(row.batch)
    row.refresh_from_db()
    assert row.status == "sent" and row.receipt_id.startswith("<pingji-message-")
    [mail] = smtp_server.messages
    assert mail["to"] == ["op@xianyou.example.cn"]
    assert f"X-Pingji-Message: {row.pk}" in mail["data"]


def test_an_unreachable_smtp_server_is_transient(gateways, operator, settings):
    settings.EMAIL_PORT = 1  # nothing listens there
    fields = {"title": "t", "deadline": "d", "to": "莆田市"}
    [row] = queue_messages(
        [Draft(operator, texts.TASK_ESCALATED, fields, "t:1", channels=("email",))]
    )
    run_send_job(row.batch)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1) and "mail server" in row.error


def test_a_5xx_is_retried_with_back_off_then_succeeds(gateways, http_gateway, resident):
    http_gateway.plan = [500]
    [row] = remind(resident)
    run_send_job(row.batch)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1) and "HTTP 500" in row.error
    run_send_job()  # the periodic run, once the back-off has passed
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    assert len(http_gateway.requests) == 2


def test_timeouts_are_retried_up_to_the_limit_then_the_message_fails(
    gateways, http_gateway, resident
):
    http_gateway.plan = ["hang", "hang", "hang"]
    [row] = remind(resident)
    for _run in range(4):
        run_send_job()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in row.error
    assert [h["status"] for h in row.history].count("sending") == 3
    assert len(http_gateway.requests) == 3


def test_a_4xx_fails_at_once_with_its_reason(gateways, http_gateway, resident):
    http_gateway.plan = [400]
    [row] = remind(resident)
    run_send_job()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1) and row.error.startswith("HTTP 400")


def test_an_invalid_mobile_number_is_refused_before_sending(gateways, http_gateway, make_user):
    liaison = make_user("liaison", "350322", username="liaison", phone="0594-1234567")
    from pingji.reopening.tests.factories import EstablishmentFactory

    est = EstablishmentFactory(jurisdiction=liaison.jurisdiction, liaison=liaison)
    fields = {"establishment": est.name, "at": "今天", "reason": "检查"}
    [row] = queue_messages([Draft(est, texts.PAUSED, fields, "p:1", channels=("sms",))])
    run_send_job()
    row.refresh_from_db()
    assert (row.status, row.error) == ("failed", "not a mainland mobile number")
    assert http_gateway.requests == []


def test_the_im_gateway_gets_a_wecom_like_text_to_the_account(gateways, http_gateway, operator):
    fields = {"title": "t", "deadline": "d", "to": "莆田市"}
    [row] = queue_messages([Draft(operator, texts.TASK_ESCALATED, fields, "t:1", channels=("im",))])
    run_send_job()
    row.refresh_from_db()
    [request] = http_gateway.requests
    assert request["path"] == "/send/im"
    assert request["json"]["touser"] == operator.username and request["json"]["msgtype"] == "text"
    assert request["json"]["msgid"] == str(row.pk) and row.status == "sent"


def test_running_the_job_twice_sends_nothing_twice(gateways, http_gateway, resident, tree):
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory

    others = [
        PersonFactory(household=HouseholdFactory(jurisdiction=tree[resident.jurisdiction_id]))
        for _ in range(3)
    ]
    fields = {"person": "林**", "due_on": "2021年9月25日"}
    rows = queue_messages(Draft(p, texts.TEST_DUE, fields, "c") for p in [resident, *others])
    first, second = run_send_job(rows[0].batch), run_send_job(rows[0].batch)
    assert first == {"sent": 4} and second == {}
    assert sorted(r["json"]["id"] for r in http_gateway.requests) == sorted(str(r.pk) for r in rows)


def test_two_claims_never_take_the_same_row(gateways, resident, tree):
    from pingji.people.tests.factories import PersonFactory

    for n in range(5):
        remind(PersonFactory(jurisdiction=tree[resident.jurisdiction_id]), cause=f"c{n}")
    one, two = sending.claim(3), sending.claim(3)
    ids_one, ids_two = {m.pk for m in one.rows}, {m.pk for m in two.rows}
    assert len(ids_one) == 3 and len(ids_two) == 2 and not ids_one & ids_two
    # a worker whose claim was taken over cannot record over its successor
    stale = one.rows[0]
    Message.objects.filter(pk=stale.pk).update(claim="someone-else")
    assert sending.deliver(stale, one) == "sending"


def test_a_row_whose_worker_died_is_sent_by_the_next_claim(gateways, http_gateway, resident):
    import datetime

    [row] = remind(resident)
    dead = sending.claim(10)
    assert [m.pk for m in dead.rows] == [row.pk]
    assert sending.claim(10).rows == []  # still leased
    past = dead.at - datetime.timedelta(minutes=10)
    Message.objects.filter(pk=row.pk).update(lease_until=past)
    assert run_send_job() == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_without_a_gateway_the_message_waits_and_says_so(no_gateways, resident):
    [row] = remind(resident)
    assert run_send_job() == {}
    row.refresh_from_db()
    assert (row.status, row.error) == ("queued", NO_GATEWAY)


def test_a_bulk_queue_writes_batches_with_one_job_each(no_gateways, settings, resident, tree):
    from pingji.core.models import Job
    from pingji.people.tests.factories import PersonFactory

    settings.MESSAGING_GATEWAYS = {"email": {}}  # a job per batch needs a live channel…
    settings.MESSAGING_BATCH = 4
    people = [PersonFactory(jurisdiction=tree["350322100001001"]) for _ in range(9)]
    rows = queue_messages(
        Draft(p, texts.TEST_DUE, {"person": "x*", "due_on": "d"}, "bulk", channels=("sms",))
        for p in people
    )
    assert len(rows) == 9 and len({r.batch for r in rows}) == 3
    assert Job.objects.filter(kind="messaging.send").count() == 0  # …the batches are SMS
    settings.MESSAGING_GATEWAYS = {"sms": {"url": "http://127.0.0.1:9/"}}
    more = [PersonFactory(jurisdiction=tree["350322100001001"]) for _ in range(5)]
    queue_messages(Draft(p, texts.TEST_DUE, {"person": "x*", "due_on": "d"}, "bulk2") for p in more)
    assert Job.objects.filter(kind="messaging.send").count() == 2


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database for threads")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_disjoint_rows(no_gateways, settings, tree):
    from pingji.people.tests.factories import PersonFactory

    people = [PersonFactory(jurisdiction=tree["350322100001001"]) for _ in range(30)]
    fields = {"person": "x*", "due_on": "d"}
    queue_messages(Draft(p, texts.TEST_DUE, fields, "race") for p in people)
    settings.MESSAGING_GATEWAYS = {"sms": {"url": "http://127.0.0.1:9/"}}  # claimable now
    start, taken = threading.Barrier(3), []

    def worker():
        start.wait()
        try:
            taken.append({m.pk for m in sending.claim(20).rows})
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [pk for rows in taken for pk in rows]
    assert len(claimed) == len(set(claimed)) == 30

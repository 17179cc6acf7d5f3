"""Self-report: a person at home records their own check through a personal link, no login.

The link is the authority (docs/decisions/0043): while it is live it records through the grid
worker's own action, so fever alerts and missed days work as for a check at the door; once
withdrawn, expired or past the monitoring it opens nothing and writes nothing.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pingji.core import clock
from pingji.core.events import events_for
from pingji.quarantine.actions import self_report
from pingji.quarantine.actions.followup import MISSED_CHECK, SYMPTOMS, do_sweep
from pingji.quarantine.models import MonitoringCheck, SelfReportLink
from pingji.tasks.models import Task
from pingji.users.choices import Role

from .conftest import sep

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def link(at_home, grid_worker):
    with clock.pinned(sep(25, 8)):
        return self_report.do_issue_link(at_home, actor=grid_worker)


def page(client, link_or_token, day=25, **post):
    token = (
        link_or_token if isinstance(link_or_token, str) else self_report.token_for(link_or_token)
    )
    url = reverse("quarantine:self_report", args=[token])
    with clock.pinned(sep(day, 9)):
        return client.post(url, post) if post else client.get(url)


def test_a_report_through_the_link_is_the_day_s_check(client, link, at_home):
    # Given 林某's link, opened on her phone without logging in
    shown = page(client, link)
    assert shown.status_code == 200
    assert "林*" in shown.content.decode() and "林某" not in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    # When she sends 36.6 °C
    answer = page(client, link, temperature="36.6")
    assert answer.status_code == 302
    # Then it is her check of 09-25, self-reported, with its event, and the page says it is done
    check = MonitoringCheck.objects.get(placement=at_home)
    assert (check.on, str(check.temperature), check.source) == (D(2021, 9, 25), "36.6", "self")
    assert check.recorded_by is None
    checked = [e for e in events_for(at_home) if e.kind == "quarantine.checked"]
    assert checked[-1].payload["source"] == "self"
    assert 'id="done"' in page(client, link).content.decode()
    link.refresh_from_db()
    assert link.uses == 1


def test_a_fever_reported_raises_the_same_alert_as_at_the_door(client, link, at_home):
    page(client, link, temperature="38.1", symptoms=["cough"])
    check = MonitoringCheck.objects.get(placement=at_home)
    alert = Task.objects.for_source(check).get()
    assert (alert.kind, alert.status) == (SYMPTOMS, "open")
    assert 'id="alert"' in page(client, link).content.decode()


def test_a_day_reported_is_not_missed_and_a_day_not_reported_is(client, link, at_home):
    page(client, link, day=25, temperature="36.5")
    with clock.pinned(sep(26, 1)):
        assert do_sweep(D(2021, 9, 26))["missed_checks"] == 0
    with clock.pinned(sep(27, 1)):
        assert do_sweep(D(2021, 9, 27))["missed_checks"] == 1
    assert Task.objects.for_source(at_home).get(kind=MISSED_CHECK).status == "open"


@pytest.mark.parametrize(
    "post, field",
    [
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": "52"}, "temperature"),
        ({"temperature": ""}, "temperature"),
        ({"temperature": "36.5", "symptoms": ["<script>"]}, "symptoms"),
        ({"temperature": "36.5", "note": "x" * 301}, "note"),
    ],
)
def test_bad_reports_are_refused_and_write_nothing(client, link, post, field):
    answer = page(client, link, **post)
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert not MonitoringCheck.objects.exists()


def test_a_second_report_of_the_day_is_refused(client, link, at_home, grid_worker):
    page(client, link, temperature="36.5")
    with pytest.raises(ValidationError) as exc:
        with clock.pinned(sep(25, 10)):
            self_report.do_self_report(self_report.token_for(link), temperature="36.7")
    assert exc.value.message_dict["on"] == ["The check of 2021-09-25 is already recorded."]
    assert MonitoringCheck.objects.filter(placement=at_home).count() == 1


def test_the_page_says_when_the_grid_worker_already_checked(client, link, at_home, grid_worker):
    from pingji.quarantine.actions.monitoring import do_record_check

    with clock.pinned(sep(25, 8)):
        do_record_check(at_home, actor=grid_worker, temperature="36.4")
    shown = page(client, link).content.decode()
    assert 'id="done"' in shown and "36.4" in shown and 'id="self-report"' not in shown


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "1.",
        "9" * 40 + ".0123456789abcdef",
        "-1.0",
        "١٢.0123",
        "x.y",
        "9999.0123456789abcdef0123456789abcdef",
        "1" * 70,
        "1.' OR 1=1--",
    ],
)
def test_an_unknown_token_opens_nothing(client, link, token):
    assert page(client, token).status_code == 404
    assert page(client, token, temperature="36.5").status_code == 404
    assert not MonitoringCheck.objects.exists()


def test_a_token_with_another_link_s_id_is_refused(client, link, at_home, grid_worker):
    token = self_report.token_for(link)
    other = SelfReportLink.objects.create(
        placement=at_home, nonce="0" * 32, expires_at=link.expires_at
    )
    forged = f"{other.pk}.{token.partition('.')[2]}"
    assert page(client, forged).status_code == 404


def test_a_withdrawn_link_opens_nothing(client, link, grid_worker):
    with clock.pinned(sep(25, 8)):
        self_report.do_revoke_link(link, actor=grid_worker)
    answer = page(client, link, temperature="36.5")
    assert answer.status_code == 410 and "withdrawn" in answer.content.decode()
    assert not MonitoringCheck.objects.exists()
    with pytest.raises(ValidationError):
        self_report.do_revoke_link(link, actor=grid_worker)


def test_a_link_expires_with_the_monitoring(client, link, at_home):
    # home monitoring ends on 10-01: the link still works that day, not the next
    assert link.expires_at.date() == at_home.planned_end_on == D(2021, 10, 1)
    assert page(client, link, day=31, temperature="36.5").status_code == 302
    answer = page(client, link, day=32, temperature="36.5")
    assert answer.status_code == 410
    assert MonitoringCheck.objects.count() == 1


def test_a_link_is_closed_when_monitoring_ends(client, link, at_home):
    with clock.pinned(sep(27, 1)):
        do_sweep(D(2021, 10, 2))
    at_home.refresh_from_db()
    assert at_home.status == "completed"
    assert page(client, link).status_code == 410


def test_a_shorter_link_and_issuing_twice(at_home, grid_worker):
    with clock.pinned(sep(25, 8)):
        first = self_report.do_issue_link(at_home, actor=grid_worker, days=2)
        assert first.expires_at.date() == D(2021, 9, 26)
        assert self_report.do_issue_link(at_home, actor=grid_worker) == first
        assert self_report.link_url_for(at_home) == self_report.path_for(first)
        with pytest.raises(ValidationError):
            self_report.do_issue_link(at_home, actor=grid_worker, days=0)
    assert SelfReportLink.objects.count() == 1


def test_the_token_is_not_stored(link):
    token = self_report.token_for(link)
    row = SelfReportLink.objects.filter(pk=link.pk).values().get()
    assert all(token.partition(".")[2] not in str(value) for value in row.values())


def test_no_link_once_the_monitoring_is_over(at_home, grid_worker):
    with clock.pinned(sep(32, 9)), pytest.raises(ValidationError):  # 10-02, before the sweep
        self_report.do_issue_link(at_home, actor=grid_worker)
    assert not SelfReportLink.objects.exists()


def test_no_link_for_a_person_still_at_a_site(placed, operator):
    with pytest.raises(ValidationError) as exc:
        self_report.do_issue_link(placed, actor=operator)
    assert "placement" in exc.value.message_dict
    assert not SelfReportLink.objects.exists()


def test_another_grid_cannot_issue_or_withdraw(client, at_home, link, make_user):
    stranger = make_user(Role.GRID_WORKER, "350322100001002")
    client.force_login(stranger)
    issue = reverse("quarantine:self_report_issue", args=[at_home.pk])
    revoke = reverse("quarantine:self_report_revoke", args=[link.pk])
    assert client.post(issue).status_code == 404
    assert client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_grid_worker_issues_from_the_page_and_sees_who_reported(client, at_home, grid_worker):
    client.force_login(grid_worker)
    detail = reverse("quarantine:placement_detail", args=[at_home.pk])
    with clock.pinned(sep(25, 8)):
        client.post(reverse("quarantine:self_report_issue", args=[at_home.pk]))
        shown = client.get(detail).content.decode()
    link = SelfReportLink.objects.get()
    assert self_report.token_for(link) in shown and "<svg" in shown
    client.logout()
    page(client, link, temperature="36.5")
    client.force_login(grid_worker)
    with clock.pinned(sep(25, 12)):
        today = client.get(reverse("quarantine:today")).content.decode()
    assert 'class="done self"' in today


def test_the_api_issues_lists_and_withdraws(client, at_home, grid_worker, make_user):
    client.force_login(grid_worker)
    with clock.pinned(sep(25, 8)):
        issued = client.post(
            f"/api/quarantine/placements/{at_home.pk}/self-report-link/", {"days": 3}
        )
        assert issued.status_code == 200, issued.content
        body = issued.json()
        assert body["url"].endswith("/") and body["expires_at"].startswith("2021-09-27")
        assert (
            client.post(
                f"/api/quarantine/placements/{at_home.pk}/self-report-link/", {"days": 99}
            ).status_code
            == 400
        )
        listed = client.get("/api/quarantine/self-report-links/").json()
        assert [row["id"] for row in listed["results"]] == [body["id"]]
        revoked = client.post(f"/api/quarantine/self-report-links/{body['id']}/revoke/")
        assert revoked.status_code == 200 and revoked.json()["url"] is None
        again = client.post(f"/api/quarantine/self-report-links/{body['id']}/revoke/")
        assert again.status_code == 409
    stranger = make_user(Role.GRID_WORKER, "350322100001002")
    client.force_login(stranger)
    assert client.get(f"/api/quarantine/self-report-links/{body['id']}/").status_code == 404

"""Daily reports (missing days refused, all or nothing), early warnings and the mode switch."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.command.modes import mode_for
from pingji.core.models import DomainEvent
from pingji.preparedness.actions.surveillance import (
    MAX_UPLOAD_BYTES,
    do_evaluate_warnings,
    do_record_reports,
    do_save_rule,
    do_switch_on_alert,
    do_upload_reports,
)
from pingji.preparedness.models import Alert, SurveillanceReport
from pingji.tasks.models import Task

from .factories import RuleFactory, SiteFactory

D = datetime.date(2021, 9, 1)


def days(start, values):
    return [(str(start + datetime.timedelta(days=i)), v) for i, v in enumerate(values)]


@pytest.fixture
def site(tree):
    return SiteFactory(jurisdiction=tree["350322100001001"], name="仙游县医院发热门诊")


def test_reports_are_recorded_and_must_continue_without_a_gap(site, operator):
    do_record_reports(site, days(D, [5, 6, 7]), actor=operator)
    with pytest.raises(ValidationError) as exc:  # 4 and 5 September are missing
        do_record_reports(site, days(D + datetime.timedelta(days=5), [8]), actor=operator)
    assert "days missing" in str(exc.value.message_dict["rows"]) and "2021-09-04" in str(exc.value)
    assert SurveillanceReport.objects.count() == 3


@pytest.mark.parametrize(
    "rows, says",
    [
        ([("2021-09-01", "5"), ("2021-09-03", "6")], "days missing"),
        ([("2021-09-01", "5"), ("2021-09-01", "6")], "given twice"),
        ([("yesterday", "5")], "not a date"),
        ([("2021-09-01", "-3")], "not a whole number"),
        ([("2021-09-01", "3.5")], "not a whole number"),
        ([("2021-09-01", "<script>")], "not a whole number"),
        ([("2999-01-01", "1")], "in the future"),
        ([], "No rows"),
    ],
)
def test_bad_rows_save_nothing(site, operator, rows, says):
    with pytest.raises(ValidationError) as exc:
        do_record_reports(site, rows, actor=operator)
    assert says in str(exc.value)
    assert not SurveillanceReport.objects.exists()


def test_a_day_already_reported_is_refused(site, operator):
    do_record_reports(site, days(D, [5]), actor=operator)
    with pytest.raises(ValidationError) as exc:
        do_record_reports(site, days(D, [9]), actor=operator)
    assert "already reported" in str(exc.value)


def test_outside_the_area_is_refused(site, outsider):
    with pytest.raises(PermissionDenied):
        do_record_reports(site, days(D, [5]), actor=outsider)


def test_upload_is_all_or_nothing(tree, site, operator):
    other = SiteFactory(jurisdiction=tree["350322100001002"])
    good = f"site,day,count\n{site.pk},2021-09-01,4\n{other.pk},2021-09-01,3\n"
    assert do_upload_reports(good, actor=operator) == 2
    bad = f"site,day,count\n{site.pk},2021-09-02,4\n{other.pk},2021-09-03,3\n999999,2021-09-02,1\n"
    with pytest.raises(ValidationError) as exc:
        do_upload_reports(bad, actor=operator)
    text = str(exc.value)
    assert "no site '999999'" in text and "days missing" in text
    assert SurveillanceReport.objects.count() == 2
    with pytest.raises(ValidationError):
        do_upload_reports("a,b\n1,2\n", actor=operator)


def test_a_rise_over_the_baseline_raises_an_alert_task_and_leads_to_a_switch(
    tree, site, operator, commander
):
    RuleFactory(jurisdiction=tree["3503"], baseline_weeks=4, ratio="1.50", min_increase=10)
    start = D - datetime.timedelta(weeks=4)
    values = [10] * 28 + [40]  # flat for four weeks, then 40 on 1 September
    do_record_reports(site, days(start, values), actor=operator)
    assert do_evaluate_warnings(D - datetime.timedelta(days=1), actor=operator) == []
    [alert] = do_evaluate_warnings(D, actor=operator)
    assert alert.jurisdiction_id == "350322" and alert.value == 40 and alert.baseline == 10
    assert Task.objects.get(pk=alert.task_id).jurisdiction_id == "350322"
    assert do_evaluate_warnings(D, actor=operator) == []  # once per county, rule, day
    with pytest.raises(PermissionDenied):  # an operator does not switch modes
        do_switch_on_alert(alert, actor=operator, level="III", reason="fever rise")
    alert.refresh_from_db()
    assert alert.status == "open"
    do_switch_on_alert(alert, actor=commander, level="III", reason="fever rise")
    alert.refresh_from_db()
    assert alert.status == "switched" and mode_for(tree["350322"]).mode == "emergency"
    assert Task.objects.get(pk=alert.task_id).status != "open"


@pytest.mark.parametrize("method", ["ears_c1", "ears_c2", "ears_c3", "cusum"])
def test_a_statistical_method_alerts_on_a_rise_out_of_noise_and_not_on_the_noise(
    tree, site, operator, method
):
    # Given 35 days of visits around 20, then a rise from 1 September
    RuleFactory(jurisdiction=tree["3503"], method=method, min_increase=10)
    noise = [18, 22, 19, 21, 20, 23, 17] * 5
    rise = [40, 45, 50]
    do_record_reports(site, days(D - datetime.timedelta(days=35), noise + rise), actor=operator)
    # Then the noisy days raise nothing, and the rise raises one alert (C3 needs two days of it)
    assert do_evaluate_warnings(D - datetime.timedelta(days=1), actor=operator) == []
    raised = [
        alert
        for later in range(len(rise))
        for alert in do_evaluate_warnings(D + datetime.timedelta(days=later), actor=operator)
    ]
    [alert] = raised  # one open alert per county and rule
    assert alert.value in rise and alert.baseline < alert.value


def test_a_statistical_method_needs_every_day_of_its_window(tree, operator):
    # Given a county whose reports began three days ago: EARS C1 reads 8 days
    RuleFactory(jurisdiction=tree["3503"], method="ears_c1", min_increase=1)
    site = SiteFactory(jurisdiction=tree["350322100001001"], name="新的哨点")
    do_record_reports(site, days(D - datetime.timedelta(days=3), [1, 1, 1, 90]), actor=operator)
    # Then it is not judged (a missing day is not a zero)
    assert do_evaluate_warnings(D, actor=operator) == []


def test_the_minimum_increase_holds_for_a_statistical_method(tree, site, operator):
    # Given a flat zero, then one visit: EARS alone would call it an outbreak (no spread)
    RuleFactory(jurisdiction=tree["3503"], method="ears_c1", min_increase=3)
    do_record_reports(site, days(D - datetime.timedelta(days=7), [0] * 7 + [1]), actor=operator)
    assert do_evaluate_warnings(D, actor=operator) == []


def test_editing_the_threshold_changes_what_alerts(tree, site, operator):
    rule = RuleFactory(jurisdiction=tree["350322"], ratio="5.00", min_increase=10)
    do_record_reports(site, days(D - datetime.timedelta(weeks=4), [10] * 28 + [40]), actor=operator)
    assert do_evaluate_warnings(D, actor=operator) == []
    do_save_rule({"ratio": "1.50"}, actor=operator, instance=rule)
    assert len(do_evaluate_warnings(D, actor=operator)) == 1
    assert Alert.objects.count() == 1
    with pytest.raises(ValidationError):
        do_save_rule({"ratio": "0.5"}, actor=operator, instance=rule)


def test_api_reports_and_hostile_input(api, site, operator):
    url = f"/api/preparedness/sites/{site.pk}/reports/"
    assert (
        api(operator).post(url, [{"day": "2021-09-01", "count": "5"}], format="json").status_code
        == 201
    )
    bad = api(operator).post(url, [{"day": "2021-09-03", "count": "5"}], format="json")
    assert bad.status_code == 400 and "days missing" in str(bad.json())
    assert api(operator).post(url, {"x": 1}, format="json").status_code == 400
    assert SurveillanceReport.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("min_increase", "-3", "greater than or equal to 0"),
        ("ratio", "", "This field is required"),
        ("baseline_weeks", "four", "Enter a whole number"),
        ("ratio", "1.00", "greater than or equal to 1.01"),
        ("baseline_weeks", "13", "less than or equal to 12"),
    ],
)
def test_a_bad_threshold_on_the_page_saves_nothing(client, tree, operator, field, value, says):
    rule = RuleFactory(jurisdiction=tree["350322"], ratio="2.00", min_increase=10)
    data = {"baseline_weeks": "4", "ratio": "1.80", "min_increase": "12", "active": "on"}
    client.force_login(operator)
    answer = client.post(f"/preparedness/rules/{rule.pk}/edit/", {**data, field: value})
    assert answer.status_code == 400 and says in answer.content.decode()
    rule.refresh_from_db()
    assert (str(rule.ratio), rule.min_increase, rule.baseline_weeks) == ("2.00", 10, 4)
    assert not DomainEvent.objects.filter(kind="preparedness.rule_saved").exists()


def test_thresholds_are_edited_on_the_page_scoped_and_audited(
    client, tree, operator, outsider, commander
):
    rule = RuleFactory(jurisdiction=tree["350322"], ratio="2.00", min_increase=10)
    data = {"method": "ears_c3", "baseline_weeks": "6", "ratio": "1.80", "min_increase": "12"}
    url = f"/preparedness/rules/{rule.pk}/edit/"
    client.force_login(outsider)  # someone else's rule does not exist for them
    assert client.post(url, data).status_code == 404
    client.force_login(commander)  # sees the rule, but the role does not edit thresholds
    assert 'id="rule"' not in client.get(rule.get_absolute_url()).content.decode()
    assert client.post(url, data).status_code == 403
    rule.refresh_from_db()
    assert rule.ratio == Decimal("2.00")
    client.force_login(operator)
    assert 'id="rule"' in client.get(rule.get_absolute_url()).content.decode()
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.method, rule.baseline_weeks, rule.ratio, rule.min_increase, rule.active) == (
        "ears_c3",
        6,
        Decimal("1.80"),
        12,
        False,
    )
    event = DomainEvent.objects.get(kind="preparedness.rule_saved")
    assert event.actor == operator and event.payload["ratio"] == "1.80"


def test_an_upload_with_an_endless_cell_or_a_huge_count_is_a_400(api, site, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/api/preparedness/reports/upload/"
    endless = f"site,day,count\n{site.pk},2021-09-01," + "9" * 200_000 + "\n"
    answer = api(operator).post(
        url, {"file": SimpleUploadedFile("r.csv", endless.encode())}, format="multipart"
    )
    assert answer.status_code == 400 and "longer than 128 KB" in str(answer.json())
    huge = f"site,day,count\n{site.pk},2021-09-01,{'9' * 30}\n"
    answer = api(operator).post(
        url, {"file": SimpleUploadedFile("r.csv", huge.encode())}, format="multipart"
    )
    assert answer.status_code == 400 and "not a whole number" in str(answer.json())
    assert "9" * 30 in str(answer.json())  # a count is not personal: shown (cut if long)
    not_utf8 = SimpleUploadedFile("r.csv", "site,day,count\n1,二,3\n".encode("gbk"))
    answer = api(operator).post(url, {"file": not_utf8}, format="multipart")
    assert answer.status_code == 400 and "UTF-8" in str(answer.json())
    assert not SurveillanceReport.objects.exists()


def test_an_upload_over_its_limit_is_refused(api, site, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = b"site,day,count\n" + b"1,2021-09-01,1\n" * (MAX_UPLOAD_BYTES // 15 + 1)
    answer = api(operator).post(
        "/api/preparedness/reports/upload/",
        {"file": SimpleUploadedFile("r.csv", big)},
        format="multipart",
    )
    assert answer.status_code == 400 and "larger than" in str(answer.json())
    assert not SurveillanceReport.objects.exists()

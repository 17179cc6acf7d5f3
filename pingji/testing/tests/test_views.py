"""Pages: campaign and round creation, upload through the form, reports, follow-up, phone list."""

import pytest
from django.urls import reverse

from pingji.core.models import DomainEvent
from pingji.testing.models import Campaign, FollowUp, Round, Upload
from pingji.users.choices import Role

from .conftest import GRID1, csv_bytes, sampling_file


@pytest.fixture
def logged_in(client, operator):
    client.force_login(operator)
    return client


def post_file(client, round_, kind, content, name="s.csv", capture=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        return client.post(
            reverse("testing:upload_create", args=[round_.pk]),
            {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")},
        )


def test_a_campaign_and_its_first_round_are_created_from_the_pages(logged_in, tree, residents):
    response = logged_in.post(
        reverse("testing:campaign_create"),
        {
            "name": "全员核酸",
            "jurisdiction": "350322",
            "areas": [GRID1],
            "setting": "general",
            "scope": "city",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    response = logged_in.post(
        reverse("testing:round_open", args=[campaign.pk]), {"starts_at": "2021-09-11T06:00"}
    )
    rnd = Round.objects.get()
    assert response.url == rnd.get_absolute_url() and rnd.target == 6 and rnd.pool_ratio == 10
    page = logged_in.get(rnd.get_absolute_url()).content.decode()
    assert "0 / 6" in page


def test_bad_campaign_and_round_input_is_shown_and_nothing_saved(logged_in, campaign):
    response = logged_in.post(
        reverse("testing:campaign_create"),
        {"name": "", "jurisdiction": "350206", "setting": "nowhere"},
    )
    assert response.status_code == 400 and Campaign.objects.count() == 1
    response = logged_in.post(
        reverse("testing:round_open", args=[campaign.pk]),
        {"starts_at": "2021-09-11T06:00", "ratio": "7"},
    )
    assert response.status_code == 400 and b"ratio" in response.content
    assert not Round.objects.exists()


def test_upload_from_the_round_page_then_the_report_and_the_phone_list(
    logged_in, round_, residents, django_capture_on_commit_callbacks
):
    bad = csv_bytes("barcode,person,sampled_at", [f"T0000001,{residents[0].pk},nope"])
    post_file(logged_in, round_, "sampling", bad, capture=django_capture_on_commit_callbacks)
    refused = Upload.objects.get()
    page = logged_in.get(refused.get_absolute_url()).content.decode()
    assert "nothing of this file was applied" in page and "not a date and time" in page
    post_file(
        logged_in,
        round_,
        "sampling",
        sampling_file(residents[:4]),
        capture=django_capture_on_commit_callbacks,
    )
    response = post_file(
        logged_in,
        round_,
        "sampling",
        sampling_file(residents[:4]),
        capture=django_capture_on_commit_callbacks,
    )
    assert Upload.objects.count() == 2  # the same file again changed nothing
    page = logged_in.get(response.url).content.decode()
    assert "already uploaded" in page and "4 / 12" in page
    phone = logged_in.get(reverse("testing:untested", args=[round_.pk]) + f"?code={GRID1}")
    names = {p.name for p in phone.context["people"]}
    assert names == {p.name for p in residents[4:6]}
    assert (
        logged_in.get(reverse("testing:untested", args=[round_.pk]) + "?code=350206").status_code
        == 404
    )


def test_a_positive_member_gets_a_prefilled_case_report(
    client, make_user, round_, residents, operator, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    post_file(
        client,
        round_,
        "sampling",
        sampling_file(residents[:3]),
        capture=django_capture_on_commit_callbacks,
    )
    post_file(
        client,
        round_,
        "results",
        csv_bytes("barcode,result,resulted_at", ["T0000000,阳性,2021-09-11 20:00"]),
        capture=django_capture_on_commit_callbacks,
    )
    follow = FollowUp.objects.first()
    worker = make_user(Role.GRID_WORKER, GRID1)
    client.force_login(worker)
    response = client.post(reverse("testing:retest", args=[follow.pk]), {"result": "maybe"})
    assert response.status_code == 400
    client.post(
        reverse("testing:retest", args=[follow.pk]), {"result": "positive", "barcode": "R9"}
    )
    follow.refresh_from_db()
    assert follow.status == "positive"
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    client.force_login(epi)
    form = client.get(reverse("testing:report_case", args=[follow.pk])).context["form"]
    assert form.initial["channel"] == "community_screening"
    assert form.initial["id_number"] and form.initial["name"] == follow.person.name
    assert DomainEvent.objects.filter(kind="people.identity_revealed").count() == 1
    untouched = FollowUp.objects.exclude(pk=follow.pk).first()
    assert client.get(reverse("testing:report_case", args=[untouched.pk])).status_code == 404

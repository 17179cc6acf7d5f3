"""The API: open a round, upload a file (202, then 200 for the same file), coverage, retest."""

from django.core.files.uploadedfile import SimpleUploadedFile

from pingji.testing.models import FollowUp, Round, Upload

from .conftest import GRID1, csv_bytes, sampling_file


def test_rounds_uploads_coverage_and_retests_through_the_api(
    api, operator, huli, campaign, residents, django_capture_on_commit_callbacks
):
    client = api(operator)
    bad = client.post(
        "/api/testing/rounds/", {"campaign": campaign.pk, "starts_at": "soon"}, format="json"
    )
    assert bad.status_code == 400 and not Round.objects.exists()
    made = client.post(
        "/api/testing/rounds/",
        {"campaign": campaign.pk, "starts_at": "2021-09-11T06:00:00+08:00", "ratio": 5},
        format="json",
    )
    assert made.status_code == 201, made.content
    rnd = made.json()["id"]

    def send(content, kind="sampling", who=client):
        with django_capture_on_commit_callbacks(execute=True):
            return who.post(
                "/api/testing/uploads/",
                {"round": rnd, "kind": kind, "file": SimpleUploadedFile("s.csv", content)},
                format="multipart",
            )

    first = send(sampling_file(residents))
    assert first.status_code == 202
    again = send(sampling_file(residents))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert send(sampling_file(residents[:1]), who=api(huli)).status_code == 400  # round unseen
    send(csv_bytes("barcode,result,resulted_at", ["T0000000,阳性,2021-09-11 20:00"]), "results")
    assert Upload.objects.filter(status="applied").count() == 2
    grids = client.get(f"/api/testing/rounds/{rnd}/coverage/?level=grid").json()
    assert {g["code"]: g["sampled"] for g in grids} == {GRID1: 6, "350322100001002": 6}
    assert client.get(f"/api/testing/rounds/{rnd}/coverage/?level=moon").status_code == 400
    untested = client.get(f"/api/testing/rounds/{rnd}/untested/?code={GRID1}").json()
    assert untested["persons"] == []
    follow = FollowUp.objects.first()
    url = f"/api/testing/follow-ups/{follow.pk}/retest/"
    assert client.post(url, {"result": "??"}, format="json").status_code == 400
    assert api(huli).post(url, {"result": "negative"}, format="json").status_code == 404
    done = client.post(url, {"result": "negative", "barcode": "R1"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "negative"

"""The pages: scoped list and detail, files, revocation, batch printing, the public verification."""

import pytest
from django.urls import reverse

from pingji.notices import printing
from pingji.notices.choices import NoticeStatus
from pingji.notices.models import Notice
from pingji.people.models import Person

from .conftest import GRID, GRID_2
from .pdfinfo import pages

pytestmark = pytest.mark.django_db


def first_notice():
    return Notice.objects.filter(kind="sealing", jurisdiction_id=GRID).order_by("pk").first()


def test_the_list_shows_a_grid_worker_only_its_grid(sealed, client, grid_worker):
    client.force_login(grid_worker)
    response = client.get(reverse("notices:notice_list"))
    assert response.status_code == 200
    mine = Notice.objects.filter(jurisdiction_id=GRID)
    assert response.context["paginator"].count == mine.count() == 2
    for notice in Notice.objects.exclude(jurisdiction_id=GRID):
        assert notice.number not in response.content.decode()


def test_the_list_filters_by_kind_status_and_grid(sealed, client, commander):
    client.force_login(commander)
    url = reverse("notices:notice_list")
    assert client.get(url, {"grid": GRID_2}).context["paginator"].count == 1
    assert client.get(url, {"kind": "lifting"}).context["paginator"].count == 0
    assert client.get(url, {"status": "valid"}).context["paginator"].count == 3
    # a malformed or huge grid code lists nobody and says why
    for bad in ("9" * 5000, "35'; drop", "abc"):
        response = client.get(url, {"grid": bad})
        assert response.status_code == 200 and response.context["paginator"].count == 0
    assert client.get(url, {"kind": "nonsense"}).context["paginator"].count == 0


def test_another_county_sees_nothing_and_gets_404(sealed, client, huli_operator):
    client.force_login(huli_operator)
    notice = first_notice()
    assert client.get(reverse("notices:notice_list")).context["paginator"].count == 0
    for url in (
        reverse("notices:notice_detail", args=[notice.pk]),
        reverse("notices:notice_file", args=[notice.pk, "pdf"]),
        reverse("notices:notice_file", args=[notice.pk, "docx"]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("notices:notice_revoke", args=[notice.pk]), {"reason": "越权撤销"}
    )
    assert response.status_code in (403, 404)
    assert Notice.objects.get(pk=notice.pk).is_valid


def test_the_detail_gives_both_files_and_the_revoke_form(sealed, client, commander, grid_worker):
    notice = first_notice()
    client.force_login(commander)
    page = client.get(reverse("notices:notice_detail", args=[notice.pk]))
    assert page.status_code == 200 and page.context["revoke_form"] is not None
    assert notice.token in page.context["verify_url"]
    pdf = client.get(reverse("notices:notice_file", args=[notice.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    word = client.get(reverse("notices:notice_file", args=[notice.pk, "docx"]))
    assert word.content.startswith(b"PK")
    assert client.get(reverse("notices:notice_file", args=[notice.pk, "exe"])).status_code == 404
    client.force_login(grid_worker)  # may print, may not revoke
    assert (
        client.get(reverse("notices:notice_detail", args=[notice.pk])).context["revoke_form"]
        is None
    )
    assert (
        client.post(
            reverse("notices:notice_revoke", args=[notice.pk]), {"reason": "网格员撤销"}
        ).status_code
        == 403
    )


def test_revoking_through_the_page_and_twice_is_a_conflict(sealed, client, commander):
    notice = first_notice()
    client.force_login(commander)
    url = reverse("notices:notice_revoke", args=[notice.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "送达对象错误"}).status_code == 302
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.REVOKED
    assert client.post(url, {"reason": "再撤销一次"}).status_code == 409


def test_printing_a_grid_gives_one_pdf_of_its_valid_notices(sealed, client, grid_worker):
    client.force_login(grid_worker)
    url = reverse("notices:batch_print")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "sealing", "grid": GRID})
    assert response["Content-Type"] == "application/pdf" and pages(response.content) == 2
    # another grid prints nothing for this worker; bad input is refused
    assert client.post(url, {"kind": "sealing", "grid": GRID_2}).status_code == 404
    assert client.post(url, {"kind": "nonsense", "grid": GRID}).status_code == 400
    assert client.post(url, {"kind": "sealing", "grid": "9" * 5000}).status_code == 400
    assert client.post(url, {"kind": "sealing"}).status_code == 400


def test_a_large_batch_is_a_job_with_its_own_file(
    sealed,
    client,
    commander,
    other_grid_worker,
    settings,
    monkeypatch,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.JOBS_BACKEND = "sync"
    monkeypatch.setattr(printing, "SYNC_LIMIT", 1)
    client.force_login(commander)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notices:batch_print"), {"kind": "sealing", "grid": "350322"}
        )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page["Content-Type"] == "application/pdf" and pages(page.content) == 3
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    assert printing.batch_path(job_id).exists()
    # the file is its requester's alone
    client.force_login(other_grid_worker)
    assert client.get(response["Location"]).status_code == 404


def test_the_verification_page_says_valid_and_shows_only_the_printed_facts(sealed, client):
    notice = first_notice()
    response = client.get(reverse("notices:verify", args=[notice.token]))  # no login
    text = response.content.decode()
    assert response.status_code == 200 and 'data-status="valid"' in text
    assert notice.number in text and notice.content["issuer"] in text
    # a household is 住户 there, without its address (a public page has no scope)
    assert "住户" in text and notice.household.address not in text
    # no names, no identity numbers, no phones
    for person in Person.objects.all():
        assert person.name not in text
        assert person.id_number_masked not in text and person.phone_masked not in text


def test_the_verification_page_says_revoked_and_superseded(
    sealed, client, commander, epi, tree, evidence
):
    from pingji.notices.actions.revoking import do_revoke_notice

    from .conftest import at, change_level

    revoked = do_revoke_notice(first_notice(), commander, "送达对象错误")
    text = client.get(reverse("notices:verify", args=[revoked.token])).content.decode()
    assert 'data-status="revoked"' in text and "送达对象错误" in text
    change_level(sealed, epi, commander, tree, "", at(9, 29))
    other = Notice.objects.filter(kind="sealing", status="superseded").first()
    text = client.get(reverse("notices:verify", args=[other.token])).content.decode()
    assert 'data-status="superseded"' in text
    assert Notice.objects.get(kind="lifting").number in text


def test_the_verification_page_refuses_numbers_and_reveals_nothing_of_unknown_tokens(
    sealed, client
):
    notice = first_notice()
    unknown = client.get(reverse("notices:verify", args=["A" * 22]))
    assert unknown.status_code == 404
    for hostile in (
        notice.number,
        str(notice.pk),
        notice.token[:-1],
        notice.token + "x",
        "x" * 5000,
        "' OR 1=1 --",
        "<script>",
        "%00",
        notice.token.upper() if notice.token.upper() != notice.token else "0" * 22,
    ):
        response = client.get(f"/notices/v/{hostile}/")
        assert response.status_code == 404
        assert notice.number.encode() not in response.content

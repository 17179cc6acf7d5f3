"""The API (read-only, files, revoke step) and ``pingji notices print``."""

import pytest
from django.core.management import CommandError, call_command

from pingji.notices.models import Notice

from .conftest import GRID
from .pdfinfo import pages

pytestmark = pytest.mark.django_db
BASE = "/api/notices/notices/"


def test_the_api_lists_what_the_caller_sees(sealed, api, grid_worker, huli_operator):
    rows = api(grid_worker).get(BASE).json()["results"]
    assert sorted(r["number"] for r in rows) == sorted(
        Notice.objects.filter(jurisdiction_id=GRID).values_list("number", flat=True)
    )
    assert all(
        r["verification_url"].endswith(f"/notices/v/{Notice.objects.get(pk=r['id']).token}/")
        for r in rows
    )
    assert api(huli_operator).get(BASE).json()["results"] == []
    notice = Notice.objects.filter(jurisdiction_id=GRID).first()
    assert api(huli_operator).get(f"{BASE}{notice.pk}/").status_code == 404
    assert api(huli_operator).get(f"{BASE}{notice.pk}/pdf/").status_code == 404
    assert api(grid_worker).get(f"{BASE}?kind=lifting").json()["results"] == []
    assert api(grid_worker).get(f"{BASE}?kind=nonsense").status_code == 400


def test_the_api_is_read_only_but_for_the_revoke_step(sealed, api, commander, grid_worker):
    notice = Notice.objects.filter(jurisdiction_id=GRID).first()
    client = api(commander)
    assert client.post(BASE, {}).status_code == 405
    assert client.patch(f"{BASE}{notice.pk}/", {"reason": "x"}).status_code == 405
    assert client.delete(f"{BASE}{notice.pk}/").status_code == 405
    pdf = client.get(f"{BASE}{notice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pages(pdf.content) == 1
    assert client.get(f"{BASE}{notice.pk}/docx/").content.startswith(b"PK")
    assert (
        api(grid_worker).post(f"{BASE}{notice.pk}/revoke/", {"reason": "网格员无权"}).status_code
        == 403
    )
    assert client.post(f"{BASE}{notice.pk}/revoke/", {}).status_code == 400
    done = client.post(f"{BASE}{notice.pk}/revoke/", {"reason": "送达对象错误"})
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert client.post(f"{BASE}{notice.pk}/revoke/", {"reason": "再次撤销"}).status_code == 409


def test_the_cli_prints_a_grid(sealed, tmp_path, grid_worker):
    out = tmp_path / "grid.pdf"
    call_command("notices", "print", "--grid", GRID, "--kind", "sealing", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF") and pages(out.read_bytes()) == 2
    call_command(
        "notices",
        "print",
        "--grid",
        "350322",
        "--kind",
        "sealing",
        "--out",
        str(out),
        "--user",
        grid_worker.username,
    )
    assert pages(out.read_bytes()) == 2  # as the grid worker sees it
    with pytest.raises(CommandError):
        call_command("notices", "print", "--grid", "9" * 40, "--kind", "sealing", "--out", str(out))
    with pytest.raises(CommandError):
        call_command("notices", "print", "--grid", GRID, "--kind", "lifting", "--out", str(out))
    with pytest.raises(CommandError):
        call_command("notices", "print", "--kind", "sealing", "--out", str(out))


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}99999999999999999999999/",
        f"{BASE}99999999999999999999999/pdf/",
        f"{BASE}abc/",
        f"{BASE}?jurisdiction={'9' * 5000}",
        f"{BASE}?status=%00",
        f"{BASE}?page=99999999999999999999",
    ],
)
def test_hostile_requests_are_refused_not_failed(sealed, api, commander, path):
    assert api(commander).get(path).status_code in (400, 404)


def test_hostile_pages_are_refused_not_failed(sealed, client, commander):
    client.force_login(commander)
    for path in (
        "/notices/99999999999999999999999/",
        "/notices/99999999999999999999999/file.pdf",
        "/notices/print/99999999999999999999999/",
        "/notices/?page=99999999999999999999",
    ):
        assert client.get(path).status_code in (400, 404), path

"""The API docs page reads the live schema; the Excel export ends in a file to download."""

from openpyxl import load_workbook
from playwright.sync_api import expect

from pingji.core.models import Job
from pingji.geo.tests.factories import PlaceFactory
from pingji.users.choices import Role

from .browser import login

GRID = "350322100001001"
HULI_GRID = "350206001001001"
#: Operations the page must list whatever else the schema holds: one per app at least.
OPERATIONS = {"GET /api/geo/places/", "GET /api/people/persons/", "GET /api/tasks/tasks/"}


def test_the_api_docs_list_every_operation_of_the_schema(page, make_user):
    # given a logged-in operator on the API page
    login(page, make_user(Role.OPERATOR, "350322"), to="/api/docs/")

    # when the page has read the schema
    schema = page.request.get("/api/schema/?format=json").json()
    expected = sorted(
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    )
    rows = page.locator("#ops tbody tr")
    expect(rows).to_have_count(len(expected))

    # then it lists each operation of the schema once, with its method and path
    listed = rows.evaluate_all(
        "rows => rows.map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent)"
    )
    assert sorted(listed) == expected
    assert OPERATIONS <= set(listed)


def test_exporting_the_places_list_gives_a_job_page_and_an_excel_file(
    page, tree, make_user, tmp_path
):
    # given places in the county and one in the other city
    PlaceFactory(jurisdiction=tree[GRID], name="东门小区")
    PlaceFactory(jurisdiction=tree[GRID], name="东门菜市场")
    PlaceFactory(jurisdiction=tree[HULI_GRID], name="海山小区")
    user = make_user(Role.OPERATOR, "350322")

    # when the county operator exports the places list
    login(page, user, to="/geo/places/")
    page.get_by_role("button", name="Export to Excel").click()

    # then a job page shows the finished export and a link to its file
    job = Job.objects.get(kind="core.export", created_by=user)
    expect(page).to_have_url(f"/core/jobs/{job.pk}/")
    expect(page.locator("#job")).to_have_attribute("data-status", "succeeded")
    download_link = page.locator("#download")
    expect(download_link).to_be_visible()

    # when the file is downloaded
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value

    # then it is a workbook holding the county's places, and nothing of the other city
    assert download.suggested_filename == f"pingji-export-{job.pk}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved, read_only=True).active
    cells = {str(value) for row in sheet.iter_rows(values_only=True) for value in row}
    assert {"东门小区", "东门菜市场"} <= cells
    assert "海山小区" not in cells

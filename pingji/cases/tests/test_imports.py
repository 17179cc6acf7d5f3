"""Excel import of a line list: all rows checked first, per-row errors, nothing half-written."""

import datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from pingji.cases.imports import import_line_list, template_workbook
from pingji.cases.models import Case
from pingji.core import uploads
from pingji.core.choices import JobStatus
from pingji.core.jobs import enqueue
from pingji.core.models import DomainEvent
from pingji.people.actions.persons import cannot_register_here
from pingji.people.models import Person
from pingji.people.tests.factories import id_number_for

from .conftest import GRID

CHINESE = ["身份证号", "姓名", "手机号", "病例分类", "临床分型", "发病日期", "采样时间", "报告时间",
           "发现途径", "本土/输入", "备注"]  # fmt: skip


def workbook(rows, header=CHINESE) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def row(number, name="", classification="确诊", severity="轻型", onset="2021-09-10", **over):
    values = {
        "sampled": datetime.datetime(2021, 9, 11, 8, 0),
        "reported": "2021-09-12 09:00",
        "channel": "社区筛查",
        "origin": "本土",
    }
    values.update(over)
    return [
        number,
        name,
        "",
        classification,
        severity,
        onset,
        values["sampled"],
        values["reported"],
        values["channel"],
        values["origin"],
        "",
    ]


def test_a_line_list_reports_every_row_and_registers_unknown_persons(epi, tree, resident):
    # given a line list with a registered resident and a person nobody registered yet
    known = resident.reveal()["id_number"]
    source = workbook(
        [
            row(known, "林某"),
            row(id_number_for(5000), "郑某", "无症状感染者", "", "", channel="集中隔离"),
        ]
    )
    # when it is imported into the first grid
    result = import_line_list(source, actor=epi, grid=tree[GRID])
    # then both cases are reported and one person is registered
    assert result["errors"] == []
    assert (result["created"], result["persons_created"]) == (2, 1)
    cases = Case.objects.order_by("pk")
    assert [c.classification for c in cases] == ["confirmed", "asymptomatic"]
    assert cases[0].person == resident and cases[1].found_inside_control
    assert cases[0].reported_at.isoformat() == "2021-09-12T01:00:00+00:00"
    assert DomainEvent.objects.filter(kind="cases.reported").count() == 2


def test_english_headers_and_codes_are_accepted(epi, tree, resident):
    header = ["identity number", "classification", "severity", "symptom onset date",
              "sampling time", "report time", "discovery channel"]  # fmt: skip
    known = resident.reveal()["id_number"]
    source = workbook(
        [
            [
                known,
                "confirmed",
                "Mild",
                "2021-09-10",
                "2021-09-11 08:00",
                "2021-09-12 09:00",
                "fever clinic",
            ]
        ],  # fmt: skip
        header=header,
    )
    result = import_line_list(source, actor=epi, grid=None)
    assert result["created"] == 1 and Case.objects.get().channel == "fever_clinic"


def test_a_bad_workbook_gives_per_row_errors_and_writes_nothing(epi, tree, resident):
    # given a line list with one good row and several bad ones
    known = resident.reveal()["id_number"]
    fresh = id_number_for(5001)
    source = workbook(
        [
            row(fresh, "郑某"),  # fine on its own
            row(known, "林某", onset="2021-09-13"),  # onset after the report
            row(fresh, "郑某"),  # the same person again
            row(id_number_for(5002), "<script>x</script>", classification="阳性"),
            row("350322195001010000", "吴某"),  # bad checksum
            row(id_number_for(5003), "", reported="yesterday"),
        ]
    )
    # when it is imported
    result = import_line_list(source, actor=epi, grid=tree[GRID])
    # then every bad row is reported by row and column, and nothing at all is written
    found = {(e["row"], e["column"]) for e in result["errors"]}
    assert found == {
        (3, "发病日期"),
        (4, "身份证号"),
        (5, "病例分类"),
        (6, "身份证号"),
        (7, "报告时间"),
    }
    by_row = {e["row"]: e["message"] for e in result["errors"]}
    assert by_row[4] == "The same person is in row 2."
    assert "is not one of" in by_row[5]
    assert result["created"] == 0
    assert not Case.objects.exists()
    assert list(Person.objects.all()) == [resident]


def test_a_person_with_an_open_case_is_flagged(epi, tree, resident):
    known = resident.reveal()["id_number"]
    import_line_list(workbook([row(known, "林某")]), actor=epi, grid=tree[GRID])
    # another report of the same person (a later report time) would double the open case
    later = row(known, "林某", reported="2021-09-12 15:00")
    result = import_line_list(workbook([later]), actor=epi, grid=tree[GRID])
    assert result["created"] == 0
    assert "already has Case" in result["errors"][0]["message"]
    assert Case.objects.count() == 1


def test_an_unknown_person_needs_a_name_and_a_grid(epi, tree):
    result = import_line_list(
        workbook([row(id_number_for(5004), ""), row(id_number_for(5005), "郑某")]),
        actor=epi,
        grid=None,
    )
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(2, "姓名"), (3, "身份证号")]


def test_a_person_registered_outside_the_area_is_refused(epi, tree, huli_resident):
    number = huli_resident.reveal()["id_number"]
    result = import_line_list(workbook([row(number, "陈某")]), actor=epi, grid=tree[GRID])
    # the same answer as the person form: "cannot be registered here", never "registered elsewhere"
    assert result["errors"][0]["message"] == cannot_register_here()
    assert not Case.objects.exists()
    refused = DomainEvent.objects.get(kind="people.registration_refused")
    assert refused.actor == epi and refused.payload["purpose"] == "case import"


def test_missing_columns_and_non_workbooks_are_reported(epi, tree):
    result = import_line_list(workbook([], header=["姓名"]), actor=epi, grid=tree[GRID])
    assert {e["column"] for e in result["errors"]} == {
        "identity number",
        "classification",
        "report time",
        "discovery channel",
    }
    junk = import_line_list(BytesIO(b"not a zip"), actor=epi, grid=tree[GRID])
    assert junk["errors"][0]["message"] == "The file is not an Excel workbook (.xlsx)."


def test_identity_numbers_stored_as_numbers_are_refused(epi, tree):
    result = import_line_list(workbook([row(3.50322195001e17, "郑某")]), actor=epi, grid=tree[GRID])
    assert "Store identity numbers as text" in result["errors"][0]["message"]


def test_the_job_imports_as_its_uploader_and_deletes_the_file(
    epi, tree, resident, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_BACKEND = "sync"
    number = resident.reveal()["id_number"]
    stored = uploads.store(workbook([row(number, "林某")]).getvalue(), suffix=".xlsx")
    path = uploads.path_of(stored.name)
    assert number.encode() not in path.read_bytes()  # waits encrypted
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("cases.import_line_list", {"file": stored.name, "grid": GRID}, actor=epi)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["created"] == 1
    assert Case.objects.get().reported_by == epi
    assert not path.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "/tmp/x.xlsx"])
def test_upload_paths_stay_in_the_uploads_folder(name, settings):
    assert uploads.path_of(name).parent.name == "uploads"


def test_the_template_round_trips(epi, tree):
    book = load_workbook(BytesIO(template_workbook()))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:4] == ["identity number", "full name", "phone", "classification"]
    result = import_line_list(BytesIO(template_workbook()), actor=epi, grid=tree[GRID])
    assert result == {
        "rows": 0, "created": 0, "persons_created": 0, "cases": [], "already": [], "errors": []
    }  # fmt: skip


def test_a_workbook_that_expands_far_beyond_its_size_is_refused_unopened(epi, tree):
    from pingji.core.tests.test_uploads import expanding_workbook

    result = import_line_list(BytesIO(expanding_workbook(3_000_000)), actor=epi, grid=tree[GRID])
    assert result["created"] == 0 and "expands" in result["errors"][0]["message"]
    assert not Person.objects.exists()


def test_the_report_masks_phone_numbers_and_cuts_long_cells(epi, tree):
    from pingji.core.personal_data import mask_phone

    phone = "13912345678"
    result = import_line_list(
        workbook([row(id_number_for(1), "林某", classification=phone, origin="x" * 5000)]),
        actor=epi,
        grid=tree[GRID],
    )
    messages = " ".join(e["message"] for e in result["errors"])
    assert phone not in messages and mask_phone(phone) in messages
    assert "x" * 100 not in messages and result["created"] == 0

"""Reconciliation of county counts, and the card-layout export (scoped, nothing plain)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from pingji.cases.actions.reports import do_report_case
from pingji.core import clock
from pingji.exchange.actions.extracts import do_import_extract
from pingji.exchange.layout import EXPORT_COLUMNS, export_cards
from pingji.exchange.models import ReportCard
from pingji.exchange.reconcile import reconcile
from pingji.users.choices import Role

from .conftest import at
from .helpers import csv_bytes, plain_id, row, workbook_text

pytestmark = pytest.mark.django_db
DAY = datetime.date(2021, 9, 12)


def report(epi, person, facts):
    with clock.pinned(at(12, 10)):  # entered on the day, as the bulletin counted it
        return do_report_case(actor=epi, person=person, **facts)


def test_counts_agree_when_every_card_is_there(epi, resident, confirmed_facts):
    case = report(epi, resident, confirmed_facts)
    do_import_extract(csv_bytes([row("C-1", case.person)]), name="a", actor=epi)
    [line] = reconcile(epi, DAY)
    assert (line.code, line.extract, line.pingji, line.difference) == ("350322", 1, 1, 0)
    assert line.extract_only == [] and line.pingji_only == []


def test_a_difference_names_the_cards_behind_it(epi, resident, make_person, confirmed_facts):
    case = report(epi, resident, confirmed_facts)
    missing = report(epi, make_person("李某"), confirmed_facts)  # no card in the extract
    unmatched = make_person("张某")  # a card in the extract, no case here
    rows = [
        row("C-1", case.person),
        row("C-2", unmatched),
        row("C-3", case.person, diagnosed="2021-09-11 09:00"),
    ]
    rows.pop()  # the same person twice would be refused; keep two rows
    do_import_extract(csv_bytes(rows), name="a", actor=epi)
    [line] = reconcile(epi, DAY)
    assert (line.extract, line.pingji, line.difference) == (2, 2, 0)
    assert [c.card_number for c in line.extract_only] == ["C-2"]
    assert [c.case_id for c in line.pingji_only] == [missing.pk]


def test_a_card_on_another_day_shows_as_a_difference(epi, resident, confirmed_facts):
    case = report(epi, resident, confirmed_facts)
    r = row("C-1", case.person, diagnosed="2021-09-11 20:00")
    do_import_extract(csv_bytes([r]), name="a", actor=epi)
    [line] = reconcile(epi, DAY)
    assert (line.extract, line.pingji, line.difference) == (0, 1, -1)
    assert [c.case_id for c in line.pingji_only] == [case.pk]


def test_another_county_sees_nothing_of_it(epi, huli_epi, resident, confirmed_facts):
    case = report(epi, resident, confirmed_facts)
    do_import_extract(csv_bytes([row("C-1", case.person)]), name="a", actor=epi)
    assert reconcile(huli_epi, DAY) == []


def sheet_of(data: bytes):
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_export_is_the_card_layout_without_plain_numbers(
    epi, make_user, resident, confirmed_facts
):
    resident.name = '=HYPERLINK("http://x")'
    resident.save()
    case = do_report_case(actor=epi, person=resident, **confirmed_facts)
    data = export_cards(epi, ReportCard.objects.restrict(epi))
    header, line = sheet_of(data)
    assert header == EXPORT_COLUMNS
    values = dict(zip(header, line, strict=True))
    assert values["患者姓名"] == resident.name  # text, not a formula
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows())[1]
    assert all(c.data_type != "f" for c in cells)
    assert values["有效证件号"] == resident.id_number_masked
    assert plain_id(case.person) not in workbook_text(data)
    assert values["出生日期"] == str(resident.birth_date)  # the epidemiologist may reveal
    reader = make_user(Role.AUDITOR)
    _header, line = sheet_of(export_cards(reader, ReportCard.objects.restrict(reader)))
    values = dict(zip(header, line, strict=True))
    assert values["出生日期"] is None and isinstance(values["实足年龄"], int)
    assert values["有效证件号"] == resident.id_number_masked
    assert values["病例分类"] == "确诊病例"


def test_the_export_holds_only_the_caller_s_area(epi, huli_epi, case, huli_case):
    assert len(sheet_of(export_cards(epi, ReportCard.objects.restrict(epi)))) == 2
    rows = sheet_of(export_cards(huli_epi, ReportCard.objects.restrict(huli_epi)))
    assert [r[1] for r in rows[1:]] == [huli_case.person.name]

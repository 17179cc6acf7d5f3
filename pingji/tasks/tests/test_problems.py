"""Problem lists: items rectified as tasks, closed or sent back; Excel in and ledger out."""

import datetime
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from pingji.tasks.actions.problems import ItemRow, do_create_problem_list
from pingji.tasks.actions.work import (
    do_escalate_overdue,
    do_return_task,
    do_submit_evidence,
    do_verify_task,
)
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.ledger import ledger_workbook, read_items
from pingji.tasks.models import ProblemItem, ProblemList, Task
from pingji.users.choices import Role


def later(days=7):
    return timezone.now() + timedelta(days=days)


def make_list(actor, items, **fields):
    fields.setdefault("title", "国务院联防联控机制工作组反馈问题清单")
    fields.setdefault("inspection", "国务院联防联控机制工作组")
    fields.setdefault("inspected_on", datetime.date(2021, 9, 25))
    return do_create_problem_list(actor=actor, items=items, **fields)


def test_each_item_becomes_a_rectification_task_attached_to_it(tree, province_cmd):
    plist = make_list(
        province_cmd,
        [
            ItemRow(2, tree["350322"], "隔离点管理不规范", "逐一排查隔离点", later()),
            ItemRow(3, tree["350206"], "核酸检测进度慢", "增派采样力量", later(3)),
        ],
    )
    items = list(plist.items.order_by("number"))
    assert [i.number for i in items] == [1, 2]
    assert items[0].task.kind == TaskKind.RECTIFICATION
    assert items[0].task.source == items[0]
    assert items[1].task.jurisdiction_id == "350206"
    assert plist.tasks().count() == 2


def test_the_issuing_level_closes_or_sends_back(tree, province_cmd, make_user):
    plist = make_list(province_cmd, [ItemRow(2, tree["350322"], "问题", "措施", later())])
    task = plist.items.get().task
    county = make_user(Role.OPERATOR, "350322")
    do_submit_evidence(task, actor=county, evidence="已整改")
    do_return_task(task, actor=province_cmd, note="缺少照片")
    do_submit_evidence(task, actor=county, evidence="已整改，附照片")
    do_verify_task(task, actor=province_cmd, note="对账销号")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.verification_note == "对账销号"


def test_an_overdue_item_is_flagged_up_the_tree(tree, province_cmd):
    plist = make_list(province_cmd, [ItemRow(2, tree["350322"], "问题", "措施", later(1))])
    task = plist.items.get().task
    do_escalate_overdue(now=task.deadline + timedelta(minutes=1))
    task.refresh_from_db()
    assert task.escalated_to_id == "3503"


def test_bad_items_are_refused_by_row_and_nothing_is_written(tree, make_user):
    putian = make_user(Role.COMMANDER, "3503")
    items = [
        ItemRow(2, None, "问题一", "措施", later()),
        ItemRow(3, tree["350206"], "问题二", "措施", later()),
        ItemRow(4, tree["350322"], "问题三", "", timezone.now() - timedelta(days=1)),
        ItemRow(5, tree["350322"], "问题四", "措施", later()),
        ItemRow(6, tree["350322"], "问题四", "措施", later()),
    ]
    with pytest.raises(ValidationError) as exc:
        make_list(putian, items)
    messages = exc.value.message_dict["items"]
    assert any(m.startswith("row 2, responsible unit") for m in messages)
    assert any("row 3" in m and "not under 莆田市" in m for m in messages)
    assert any(m.startswith("row 4, measures") for m in messages)
    assert any(m.startswith("row 4, deadline") for m in messages)
    assert any(m.startswith("row 6, problem") and "row 5" in m for m in messages)
    assert not ProblemList.objects.exists() and not Task.objects.exists()


def workbook(rows, header=("序号", "问题", "责任单位", "整改措施", "整改时限")) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_excel_import_reads_units_by_name_or_code(tree, province_cmd):
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    items, errors = read_items(
        workbook(
            [(1, "隔离点管理不规范", "仙游县", "排查", due), (2, "进度慢", "350206", "增援", due)]
        ),
        tree["35"],
    )
    assert errors == []
    assert [i.jurisdiction.code for i in items] == ["350322", "350206"]
    plist = make_list(province_cmd, items)
    assert plist.items.count() == 2


def test_excel_import_reports_every_bad_row(tree):
    items, errors = read_items(
        workbook(
            [
                (1, "无责任单位", None, "措施", "2031-01-01"),
                (2, "不存在", "火星市", "措施", "2031-01-01"),
                (3, "日期错", "仙游县", "措施", "next week"),
            ]
        ),
        tree["3503"],
    )
    by_row = {(e["row"], e["column"]) for e in errors}
    assert (2, "responsible unit") in by_row and (3, "responsible unit") in by_row
    assert (4, "deadline") in by_row


def test_excel_import_without_a_needed_column_says_which(tree):
    items, errors = read_items(workbook([], header=("问题", "整改措施")), tree["35"])
    assert items == [] and {e["column"] for e in errors} == {"responsible unit", "deadline"}


def test_not_a_workbook_is_a_clear_error(tree):
    from pingji.tasks.ledger import LedgerError

    with pytest.raises(LedgerError):
        read_items(BytesIO(b"<html>not excel</html>"), tree["35"])


def test_the_ledger_exports_each_item_with_its_status(tree, province_cmd, make_user):
    plist = make_list(
        province_cmd,
        [
            ItemRow(2, tree["350322"], "隔离点管理不规范", "排查", later()),
            ItemRow(3, tree["350206"], "进度慢", "增援", later()),
        ],
    )
    task = plist.items.get(number=1).task
    do_submit_evidence(task, actor=make_user(Role.OPERATOR, "350322"), evidence="已整改")
    do_verify_task(task, actor=province_cmd)
    sheet = load_workbook(BytesIO(ledger_workbook(plist))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "responsible unit"
    assert rows[1][1] == "仙游县" and rows[1][5] == "verified and closed" and rows[1][7] == "已整改"
    assert rows[2][1] == "湖里区" and rows[2][5] == "open"
    assert ProblemItem.objects.count() == 2


def test_the_ledger_writes_formula_text_as_text(tree, province_cmd):
    from pingji.core.tests.test_spreadsheets import formulas

    plist = make_list(
        province_cmd, [ItemRow(2, tree["350322"], '=HYPERLINK("http://x","点击")', "=1+1", later())]
    )
    content = ledger_workbook(plist)
    assert formulas(content) == []
    row = [c.value for c in load_workbook(BytesIO(content)).active[2]]
    assert row[2] == '=HYPERLINK("http://x","点击")' and row[3] == "=1+1"

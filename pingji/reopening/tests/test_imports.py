"""Excel imports: every row checked first, per-row errors, nothing half saved."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from pingji.reopening.actions.imports import import_establishments, import_returns
from pingji.reopening.actions.surveys import do_open_survey
from pingji.reopening.choices import OperatingState, Status
from pingji.reopening.models import Establishment, SurveyReturn

from .conftest import GRID, at
from .factories import EstablishmentFactory, credit_code

HEADER = ["kind", "名称", "统一社会信用代码", "sector", "workforce", "pupils", "区划代码"]


def book(rows, header=HEADER) -> BytesIO:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


GOOD = [
    ["enterprise", "仙游鞋业一厂", credit_code(11), "manufacturing", 300, None, GRID],
    ["学校", "枫亭中心小学", None, "education", 60, 900, GRID],
    ["shop", "东门超市", "", "retail", 12, 0, "350322100001002"],
]


def test_a_good_workbook_registers_every_row(operator, tree):
    result = import_establishments(book(GOOD), actor=operator, area=tree["350322"])
    assert result == {"rows": 3, "created": 3, "already": 0, "errors": []}
    school = Establishment.objects.get(name="枫亭中心小学")
    assert (school.kind, school.pupils, school.status) == ("school", 900, Status.OPEN)


def test_bad_rows_are_listed_and_nothing_is_saved(operator, tree):
    EstablishmentFactory(jurisdiction=tree[GRID], credit_code=credit_code(99))
    rows = [
        *GOOD,
        ["enterprise", "错码公司", credit_code(12)[:-1] + "0", "manufacturing", 10, 0, GRID],
        ["enterprise", "重复公司", credit_code(11), "manufacturing", 10, 0, GRID],
        ["enterprise", "已登记公司", credit_code(99), "manufacturing", 10, 0, GRID],
        ["factory", "怪类型", None, "manufacturing", "many", 0, GRID],
        ["shop", "湖里店", None, "retail", 1, 0, "350206001001001"],
        ["shop", "<script>alert(1)</script>", None, "retail", -1, 5, GRID],
    ]
    result = import_establishments(book(rows), actor=operator, area=tree["350322"])
    assert result["created"] == 0
    by_row = {(e["row"], e["column"]) for e in result["errors"]}
    assert {
        (5, "unified social credit code"),
        (6, "unified social credit code"),
        (7, "unified social credit code"),
        (8, "kind"),
        (8, "workforce"),
        (9, "jurisdiction code"),
        (10, "workforce"),
    } <= by_row
    assert Establishment.objects.count() == 1  # only the one registered before


def test_missing_columns_and_not_a_workbook(operator, tree):
    result = import_establishments(
        book(GOOD, header=["kind", "name"]), actor=operator, area=tree["350322"]
    )
    assert {e["column"] for e in result["errors"]} == {"sector", "jurisdiction code"}
    result = import_establishments(BytesIO(b"kind,name\n"), actor=operator, area=tree["350322"])
    assert "not an Excel workbook" in result["errors"][0]["message"]
    assert not Establishment.objects.exists()


def test_an_area_outside_the_importer_is_refused(huli, tree):
    with pytest.raises(PermissionDenied):
        import_establishments(book(GOOD), actor=huli, area=tree["350322"])


class TestReturns:
    def setup(self, operator, tree):
        a = EstablishmentFactory(jurisdiction=tree[GRID])
        b = EstablishmentFactory(jurisdiction=tree[GRID])
        survey = do_open_survey(
            actor=operator,
            title="摸排",
            jurisdiction=tree["350322"],
            due_at=at(9, 16),
            at=at(9, 14),
        )
        return a, b, survey

    def test_returns_are_recorded(self, operator, tree):
        a, b, survey = self.setup(operator, tree)
        header = ["establishment", "state", "staff in quarantine", "供应链问题"]
        rows = [[a.pk, "停工", 3, "原料进不来"], [b.pk, "working", 0, None]]
        result = import_returns(book(rows, header), survey, actor=operator)
        assert result["created"] == 2 and not result["errors"]
        a.refresh_from_db()
        assert a.status == Status.CLOSED
        assert SurveyReturn.objects.get(establishment=a).supply_problem == "原料进不来"
        assert not survey.unanswered().exists()

    def test_a_bad_return_saves_nothing(self, operator, tree, make_user):
        a, b, survey = self.setup(operator, tree)
        other = EstablishmentFactory(jurisdiction=tree["350206001001001"])
        header = ["establishment", "state", "staff in quarantine"]
        rows = [
            [a.pk, "closed", 1],
            [b.pk, "half", "x"],
            [a.pk, "closed", 0],
            [other.pk, "closed", 0],
        ]
        result = import_returns(book(rows, header), survey, actor=operator)
        assert result["created"] == 0
        assert {(e["row"], e["column"]) for e in result["errors"]} == {
            (3, "state"),
            (3, "staff in quarantine"),
            (4, "establishment id"),
            (5, "establishment id"),
        }
        assert not SurveyReturn.objects.exists()
        a.refresh_from_db()
        assert a.status == Status.OPEN
        assert OperatingState.CLOSED

"""Health-code fixtures: epidemiologists of 仙游县 and 湖里区, residents of each, list builders."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingji.people.tests.factories import HouseholdFactory, PersonFactory, id_number_for
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def huli_epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350206")


@pytest.fixture
def resident(tree):
    return PersonFactory(
        name="林某",
        id_number=id_number_for(11),
        household=HouseholdFactory(jurisdiction=tree[GRID]),
    )


@pytest.fixture
def huli_resident(tree):
    return PersonFactory(
        name="陈某",
        id_number=id_number_for(12, "350206"),
        household=HouseholdFactory(jurisdiction=tree[HULI_GRID]),
    )


def code_row(id_number: str, **extra) -> dict:
    """A red/yellow code row as the bureau sends it (English columns, our API)."""
    return {
        "id_number": id_number,
        "name": "某人",
        "phone": "13900000001",
        "colour": "red",
        "at": "2021-09-12 09:00",
        **extra,
    }


def as_csv(rows: list[dict], name: str = "list.csv", chinese: bool = False) -> SimpleUploadedFile:
    """Rows as a CSV upload; ``chinese`` writes the bureau's own headers."""
    headers = {
        "id_number": "身份证号",
        "name": "姓名",
        "phone": "手机号",
        "colour": "赋码颜色",
        "at": "赋码时间",
        "region": "现住址区划代码",
    }
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([headers.get(c, c) if chinese else c for c in columns])
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), "text/csv")


def post_rows(client, kind: str, rows: list[dict]):
    return client.post(
        "/api/health_codes/pushes/",
        json.dumps({"kind": kind, "rows": rows}),
        content_type="application/json",
    )

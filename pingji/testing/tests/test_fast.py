"""The fast path of an upload (``testing.fast``) writes exactly what the SQL path writes.

A clean file never reaches the per-row SQL checks; these tests pin that it is still stored the
same (so the speed of issue 5 costs nothing in meaning) and that a doubt hands over to SQL.
"""

import datetime

import pytest

from pingji.core import lake
from pingji.testing import fast, ingest, store

START = datetime.datetime(2021, 9, 14, 14, 0)


def _targets(round_id: int = 1) -> None:
    people = list(range(101, 131))
    store.snapshot_targets(
        round_id,
        START.date(),
        {
            "person_id": people,
            "grid": [f"35032210000100{1 + p % 2}" for p in people],
            "place_id": [None if p % 3 else 7 for p in people],
            "household_id": [p // 3 for p in people],
            "id_hash": [None] * len(people),
        },
    )


def _files(folder):
    sampling = folder / "sampling.csv"
    rows = [
        f"T{1000 + i // 5:08d},{101 + i},2021-09-1{4 + i % 2} 1{4 + i % 5}:0{i % 10}"
        + (":30" if i % 2 else "")
        + f",{1 + i % 2}"
        for i in range(30)
    ]
    sampling.write_text("试管编码,person,采样时间,point\n" + "\n".join(rows) + "\n")
    results = folder / "results.csv"
    words = ["阴性", "NEG", "阳性", "invalid", "negative", "阴性"]
    results.write_text(
        "barcode,result,resulted_at,lab\n"
        + "\n".join(
            f"T{1000 + t:08d},{w},2021-09-15 2{t % 3}:00,{'' if t == 1 else ' 莆田市疾控 '}"
            for t, w in enumerate(words)
        )
        + "\n"
    )
    return sampling, results


def _ingest_both(folder):
    sampling, results = _files(folder)
    rules = ingest.Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5, points={1, 2})
    assert ingest.ingest_sampling(sampling, rules).ok
    rules.upload_id, rules.applied = 2, [1]
    assert ingest.ingest_results(results, rules).ok
    return [
        sorted(lake.read(name).to_pylist(), key=lambda r: (r["barcode"], r.get("person_id", 0)))
        for name in (ingest.SAMPLES, ingest.RESULTS)
    ]


def test_a_clean_file_is_stored_the_same_by_both_paths(settings, tmp_path, monkeypatch):
    settings.ANALYTIC_DIR = tmp_path / "fast"
    _targets()
    checked = []
    for name in ("_checked_sampling", "_checked_results"):
        original = getattr(ingest, name)
        monkeypatch.setattr(
            ingest, name, lambda *a, _o=original, **k: checked.append(1) or _o(*a, **k)
        )
    quick = _ingest_both(tmp_path)
    assert not checked  # both clean files took the fast path
    assert len(quick[0]) == 30 and len(quick[1]) == 6

    settings.ANALYTIC_DIR = tmp_path / "sql"
    _targets()

    def doubt(*args, **kwargs):
        raise fast.Doubt

    monkeypatch.setattr(fast, "read_csv", doubt)
    slow = _ingest_both(tmp_path)
    assert len(checked) == 2
    assert quick == slow


@pytest.mark.parametrize(
    "line",
    [
        "t0001000,101,2021-09-14 15:00,1",  # lower case: SQL upper-cases it
        "T0001000, 101 ,2021-09-14 15:00,1",  # spaces around the person number
        "T0001000,101,2021-09-31 15:00,1",  # no such day (Arrow's strptime would roll over)
        "T0001000,101,2021-09-14 15:00,",  # no sampling point
        "T0001000,999,2021-09-14 15:00,1",  # not a resident of the round
        "T0001000,101,2021-09-13 15:00,1",  # before the round
    ],
)
def test_anything_unusual_goes_to_the_sql_checks(settings, tmp_path, monkeypatch, line):
    settings.ANALYTIC_DIR = tmp_path / "lake"
    _targets()
    (tmp_path / "f.csv").write_text(f"barcode,person,sampled_at,point\n{line}\n")
    checked = []
    original = ingest._checked_sampling
    monkeypatch.setattr(ingest, "_checked_sampling", lambda *a: checked.append(1) or original(*a))
    rules = ingest.Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5, points={1})
    ingest.ingest_sampling(tmp_path / "f.csv", rules)
    assert checked

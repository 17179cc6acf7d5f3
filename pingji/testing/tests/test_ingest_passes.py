"""The two passes over an upload (``actions.ingest``) accept, refuse and write the same.

The column pass (``ingest_columns``) settles a plainly clean file in whole columns; the row pass
asks every rule of every row and reports. Both are built from ``ingest_rules``. These tests pin
that a clean file is stored the same by both, that any doubt hands the file to the row pass, and —
on random small files of valid and invalid rows — that the upload behaves exactly as if only the
row pass existed: the same accepted rows in the analytic store, the same refusals with the same
messages, the same rows in the ORM once applied.

Where the passes legitimately differ, it is in one direction only, and asserted as such: the
column pass may doubt a file the row pass accepts (a barcode in lower case, a space around a
number, an empty point, identity numbers: the row pass normalises or looks these up), never accept
one the row pass refuses, and never refuse anything itself.
"""

import contextlib
import datetime
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, event, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from pingji.core import lake
from pingji.core.models import DomainEvent
from pingji.tasks.models import Task
from pingji.testing import store
from pingji.testing.actions import ingest, ingest_columns
from pingji.testing.actions.ingest_rules import (
    RESULT_RULES,
    SAMPLING_RULES,
    Doubt,
    Rules,
    Step,
)
from pingji.testing.actions.uploads import do_upload
from pingji.testing.models import Coverage, FollowUp, PositiveTube, Upload

START = datetime.datetime(2021, 9, 14, 14, 0)
PEOPLE = list(range(101, 131))


def _targets(round_id: int = 1) -> None:
    store.snapshot_targets(
        round_id,
        START.date(),
        {
            "person_id": PEOPLE,
            "grid": [f"35032210000100{1 + p % 2}" for p in PEOPLE],
            "place_id": [None if p % 3 else 7 for p in PEOPLE],
            "household_id": [p // 3 for p in PEOPLE],
            "id_hash": [None] * len(PEOPLE),
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


def _stored() -> list[list[dict]]:
    """Both datasets' rows, in a stable order (neither pass promises one)."""
    return [
        sorted(lake.read(name).to_pylist(), key=lambda r: (r["barcode"], r.get("person_id", 0)))
        for name in (store.SAMPLES, store.RESULTS)
    ]


def _ingest_both(folder):
    sampling, results = _files(folder)
    rules = Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5, points={1, 2})
    assert ingest.ingest_sampling(sampling, rules).ok
    rules.upload_id, rules.applied = 2, [1]
    assert ingest.ingest_results(results, rules).ok
    return _stored()


def test_every_rule_is_settled_by_a_step_of_the_column_pass():
    steps = {rule.step for rule in (*SAMPLING_RULES, *RESULT_RULES)}
    assert steps <= ingest_columns.SETTLED.keys()
    assert set(Step) == ingest_columns.SETTLED.keys()  # no step answers a rule nobody states


def test_a_clean_file_is_stored_the_same_by_both_passes(settings, tmp_path, monkeypatch):
    settings.ANALYTIC_DIR = tmp_path / "columns"
    _targets()
    checked = []
    for name in ("_checked_sampling", "_checked_results"):
        original = getattr(ingest, name)
        monkeypatch.setattr(
            ingest, name, lambda *a, _o=original, **k: checked.append(1) or _o(*a, **k)
        )
    quick = _ingest_both(tmp_path)
    assert not checked  # both clean files took the column pass
    assert len(quick[0]) == 30 and len(quick[1]) == 6

    settings.ANALYTIC_DIR = tmp_path / "rows"
    _targets()

    def doubt(*args, **kwargs):
        raise Doubt("not_plain_csv")

    monkeypatch.setattr(ingest_columns, "read_csv", doubt)
    slow = _ingest_both(tmp_path)
    assert len(checked) == 2
    assert quick == slow


@pytest.mark.parametrize(
    "line",
    [
        "t0001000,101,2021-09-14 15:00,1",  # lower case: the row pass upper-cases it
        "T0001000, 101 ,2021-09-14 15:00,1",  # spaces around the person number
        "T0001000,101,2021-09-31 15:00,1",  # no such day (Arrow's strptime would roll over)
        "T0001000,101,2021-09-14 15:00,",  # no sampling point
        "T0001000,999,2021-09-14 15:00,1",  # not a resident of the round
        "T0001000,101,2021-09-13 15:00,1",  # before the round
    ],
)
def test_anything_unusual_goes_to_the_row_pass(settings, tmp_path, monkeypatch, line):
    settings.ANALYTIC_DIR = tmp_path / "lake"
    _targets()
    (tmp_path / "f.csv").write_text(f"barcode,person,sampled_at,point\n{line}\n")
    checked = []
    original = ingest._checked_sampling
    monkeypatch.setattr(ingest, "_checked_sampling", lambda *a: checked.append(1) or original(*a))
    rules = Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5, points={1})
    ingest.ingest_sampling(tmp_path / "f.csv", rules)
    assert checked


# --- random files through both passes ---------------------------------------------------------

GOOD_TIMES = ["2021-09-14 15:00", "2021-09-14 16:30:30", "2021/09/15 08:00", "2021-09-14T15:00:00"]
BAD_TIMES = ["", "2021-09-31 15:00", "yesterday", "2021-09-13 15:00"]
TUBES = [f"T{n:07d}" for n in range(1, 10)]
#: Barcodes the row pass accepts after trimming and upper-casing, and barcodes it refuses.
ODD_TUBES = ["t0000001", " T0000002", "T0000003 "]
BAD_TUBES = ["", "AB12", "T-000001", "T" * 40]
WORDS = ["阴性", "阳性", "NEG", "positive", "Invalid", "无效"]
ODD_WORDS = [" 阴性", "NEGATIVE "]
BAD_WORDS = ["", "maybe", "阴"]
#: How a file is drawn: only valid values; some the row pass normalises; some it refuses too.
MODES = ["clean", "clean", "odd", "mixed"]


def _spoil(draw, mode: str, value: str, odd=(), bad=()) -> str:
    """``value``, or in an odd or mixed file now and then a variant of it."""
    roll = draw(st.integers(0, 5)) if mode != "clean" else 5
    if roll == 0 and odd:
        return draw(st.sampled_from(odd))
    if roll == 1 and bad and mode == "mixed":
        return draw(st.sampled_from(bad))
    return value


@st.composite
def sampling_files(draw):
    """A small sampling file and the round's pooling: header names, 1–8 rows of residents in
    tubes of at most ``max_per_tube``, maybe no point column, now and then identity numbers."""
    max_per_tube = draw(st.integers(1, 4))
    mode = draw(st.sampled_from(MODES))
    n = draw(st.integers(1, 8))
    targets = st.sampled_from(PEOPLE[:12])
    people = draw(st.lists(targets, min_size=n, max_size=n, unique=mode != "mixed"))
    rows = []
    for i, person in enumerate(people):
        rows.append(
            (
                _spoil(draw, mode, TUBES[i // max_per_tube], ODD_TUBES, BAD_TUBES),
                _spoil(draw, mode, str(person), [" 101", "0102"], ["", "999", "x1", "-5"]),
                _spoil(draw, mode, draw(st.sampled_from(GOOD_TIMES)), (), BAD_TIMES),
                _spoil(draw, mode, draw(st.sampled_from(["1", "2"])), [""], ["9", "p"]),
            )
        )
    header = [
        draw(st.sampled_from(["barcode", "试管编码"])),
        draw(st.sampled_from(["person", "人员编号"])),
        draw(st.sampled_from(["sampled_at", "采样时间"])),
        "point",
    ]
    width = 4 if draw(st.booleans()) else 3
    if draw(st.sampled_from([False] * 7 + [True])):  # identity numbers: the row pass's
        header[1], rows = "身份证号", [(b, "35032219900101001X", t, p) for b, _p, t, p in rows]
    lines = [",".join(header[:width])] + [",".join(r[:width]) for r in rows]
    return "\n".join(lines) + "\n", max_per_tube


@st.composite
def result_files(draw):
    """A small results file about the tubes sampled (and one that never was)."""
    mode = draw(st.sampled_from(MODES))
    n = draw(st.integers(1, 6))
    tubes = draw(
        st.lists(st.sampled_from(TUBES[:6]), min_size=n, max_size=n, unique=mode != "mixed")
    )
    rows = [
        (
            _spoil(draw, mode, tube, ODD_TUBES, [*BAD_TUBES, "T0000099"]),
            _spoil(draw, mode, draw(st.sampled_from(WORDS)), ODD_WORDS, BAD_WORDS),
            _spoil(draw, mode, "2021-09-15 20:00", ["2021-09-15 21:30:10"], ["", "2021-02-30"]),
            draw(st.sampled_from(["莆田市疾控", " 仙游县疾控 ", ""])),
        )
        for tube in tubes
    ]
    header = [draw(st.sampled_from(["barcode", "条码"])), "result", "resulted_at", "lab"]
    width = 4 if draw(st.booleans()) else 3
    lines = [",".join(header[:width])] + [",".join(r[:width]) for r in rows]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _lake_copy(source: Path | None):
    """A fresh analytic store for one pass: a copy of ``source`` (targets, earlier files)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lake"
        if source is not None and source.exists():
            shutil.copytree(source, folder)
        with override_settings(ANALYTIC_DIR=folder):
            yield folder


def _report(report) -> tuple:
    return report.rows, report.error_count, [(e.row, e.field, e.reason) for e in report.errors]


def _row_pass_only(kind: str):
    """The upload as if the column pass did not exist: it doubts every file."""
    name = "clean_sampling" if kind == "sampling" else "clean_results"
    return mock.patch.object(ingest_columns, name, side_effect=Doubt("not_plain_csv"))


def _both_passes(source: Path | None, content: str, rules: Rules, kind: str):
    """The report and stored rows of the upload (column pass first), of the row pass alone, and
    what the column pass alone answered: its rows, or the ``Doubt`` that handed the file over."""
    ingest_file = ingest.ingest_sampling if kind == "sampling" else ingest.ingest_results
    clean = ingest_columns.clean_sampling if kind == "sampling" else ingest_columns.clean_results
    outcomes = []
    checked = "_checked_sampling" if kind == "sampling" else "_checked_results"
    for forced in (False, True):
        with _lake_copy(source) as folder:
            path = folder.parent / "upload.csv"
            path.write_text(content, encoding="utf-8")
            spy = mock.patch.object(ingest, checked, wraps=getattr(ingest, checked))
            with spy as row_pass, _row_pass_only(kind) if forced else contextlib.nullcontext():
                report = ingest_file(path, rules)
            outcomes.append((_report(report), _stored(), row_pass.called))
    with _lake_copy(source) as folder:
        path = folder.parent / "upload.csv"
        path.write_text(content, encoding="utf-8")
        con = lake.connect()
        try:
            alone: object = sorted(
                clean(con, path, rules).to_pylist(),
                key=lambda r: (r["barcode"], r.get("person_id", 0)),
            )
        except Doubt as doubt:
            alone = doubt
        finally:
            con.close()
    return outcomes[0], outcomes[1], alone


def _assert_one_behaviour(upload, rows_only, alone, dataset: int, upload_id: int) -> None:
    (report, stored, row_pass_ran), (report_rows, stored_rows, _ran) = upload, rows_only
    # The same accepted rows, the same refusals with the same messages, the same store.
    assert report == report_rows
    assert stored == stored_rows
    accepted = report[1] == 0
    event(f"column pass: {alone.why}" if isinstance(alone, Doubt) else "column pass: accepted")
    event("row pass: accepted" if accepted else "row pass: refused")
    if isinstance(alone, Doubt):
        # A doubt hands the file to the row pass, which alone decides.
        assert row_pass_ran
    else:
        # The column pass accepted: the row pass would have accepted the very same rows.
        assert not row_pass_ran and accepted
        assert alone == [r for r in stored[dataset] if r["upload_id"] == upload_id]
    if not accepted:
        assert isinstance(alone, Doubt)  # the column pass never accepts what the rows refuse


@examples(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(file=sampling_files(), by_household=st.booleans(), earlier=st.booleans())
def test_random_sampling_files_behave_as_the_row_pass_alone(
    tmp_path_factory, file, by_household, earlier
):
    content, max_per_tube = file
    base = tmp_path_factory.mktemp("base") / "lake"
    with override_settings(ANALYTIC_DIR=base):
        _targets()
        if earlier:  # an applied earlier file: tube T0000001 and person 101 are taken
            path = base.parent / "earlier.csv"
            path.write_text("barcode,person,sampled_at\nT0000001,101,2021-09-14 15:00\n")
            first = Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5)
            assert ingest.ingest_sampling(path, first).ok
    rules = Rules(
        round_id=1,
        upload_id=2,
        starts_at=START,
        max_per_tube=max_per_tube,
        by_household=by_household,
        points={1, 2},
        applied=[1] if earlier else [],
    )
    upload, rows_only, alone = _both_passes(base, content, rules, "sampling")
    _assert_one_behaviour(upload, rows_only, alone, dataset=0, upload_id=2)


@examples(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=result_files(), resulted_before=st.booleans())
def test_random_results_files_behave_as_the_row_pass_alone(
    tmp_path_factory, content, resulted_before
):
    base = tmp_path_factory.mktemp("base") / "lake"
    with override_settings(ANALYTIC_DIR=base):
        _targets()
        path = base.parent / "sampling.csv"
        path.write_text(
            "barcode,person,sampled_at\n"
            + "".join(f"{t},{101 + i},2021-09-14 15:00\n" for i, t in enumerate(TUBES[:6]))
        )
        sampled = Rules(round_id=1, upload_id=1, starts_at=START, max_per_tube=5)
        assert ingest.ingest_sampling(path, sampled).ok
        applied = [1]
        if resulted_before:  # tube T0000002 already has its result
            path.write_text("barcode,result,resulted_at\nT0000002,阴性,2021-09-15 10:00\n")
            earlier = Rules(round_id=1, upload_id=2, starts_at=START, max_per_tube=5, applied=[1])
            assert ingest.ingest_results(path, earlier).ok
            applied.append(2)
    rules = Rules(round_id=1, upload_id=3, starts_at=START, max_per_tube=5, applied=applied)
    upload, rows_only, alone = _both_passes(base, content, rules, "results")
    _assert_one_behaviour(upload, rows_only, alone, dataset=1, upload_id=3)


# --- and through the upload job, into the ORM -------------------------------------------------


class _Undo(Exception):
    """Raised to roll one run of the upload back once its writes are read."""


def _orm_state(round_) -> dict:
    """What an applied or refused upload wrote in the ORM, without ids or clocks."""
    return {
        "uploads": sorted(
            (u.kind, u.status, u.rows, u.error_count, str(u.errors))
            for u in Upload.objects.filter(round=round_)
        ),
        "coverage": sorted(
            (c.jurisdiction_id, c.place_id or 0, c.target, c.sampled, c.resulted, c.positive)
            for c in Coverage.objects.filter(round=round_)
        ),
        "tubes": sorted(
            (t.barcode, t.size, t.resulted_at, t.jurisdiction_id)
            for t in PositiveTube.objects.filter(round=round_)
        ),
        "follow_ups": sorted(
            (f.tube.barcode, f.person_id, f.status, f.sampled_at)
            for f in FollowUp.objects.filter(tube__round=round_)
        ),
        "tasks": Task.objects.filter(kind="testing.retest").count(),
        # Upload events are dated when the platform applied the file (now); a tube's when the
        # laboratory found it positive.
        "events": sorted(
            (e.kind, e.summary, e.time if e.kind == "testing.tube_positive" else None)
            for e in DomainEvent.objects.filter(
                kind__in=[
                    "testing.upload_applied",
                    "testing.upload_refused",
                    "testing.tube_positive",
                ]
            )
        ),
    }


@st.composite
def upload_rows(draw):
    """Rows of a sampling file (resident index, tube, time) and the laboratory's three words.

    Indexes 12 and 13 are no resident of the round. A clean draw names each resident once, in
    tubes of five (the round's ratio), at a valid time: the files the column pass settles.
    """
    clean = draw(st.booleans())
    n = draw(st.integers(1, 8))
    people = draw(
        st.lists(st.integers(0, 11 if clean else 13), min_size=n, max_size=n, unique=clean)
    )
    tubes = st.sampled_from([*TUBES[:3], "t0000003", "BAD"])
    times = st.sampled_from(["2021-09-11 08:30", "2021-09-31 08:00"])
    rows = [
        (
            person,
            TUBES[i // 5] if clean else draw(tubes),
            "2021-09-11 08:30" if clean else draw(times),
        )
        for i, person in enumerate(people)
    ]
    words = st.sampled_from(["阴性", "阳性", " 阳性", "maybe"])
    return rows, draw(st.lists(words, min_size=3, max_size=3))


@examples(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=upload_rows())
def test_uploads_write_the_same_orm_rows_whichever_pass_decides(
    settings,
    round_,
    operator,
    residents,
    django_capture_on_commit_callbacks,
    drawn,
):
    # Residents of the round, and two who are not (indexes 12 and 13: no such person).
    rows, words = drawn
    pks = [p.pk for p in residents] + [999_999, 999_998]
    sampling = "barcode,person,sampled_at\n" + "".join(
        f"{tube},{pks[person]},{time}\n" for person, tube, time in rows
    )
    # The laboratory answers for the tubes the file sampled (a refused file's: unknown tubes).
    sampled = sorted({tube for _p, tube, _t in rows if tube in TUBES}) or TUBES[:1]
    results = "barcode,result,resulted_at\n" + "".join(
        f"{t},{w},2021-09-12 09:00\n" for t, w in zip(sampled, words, strict=False)
    )
    base = Path(settings.ANALYTIC_DIR)
    states = []
    for forced in (False, True):
        with _lake_copy(base), contextlib.suppress(_Undo), transaction.atomic():
            with contextlib.ExitStack() as stack:
                if forced:
                    stack.enter_context(_row_pass_only("sampling"))
                    stack.enter_context(_row_pass_only("results"))
                for kind, content in (("sampling", sampling), ("results", results)):
                    with django_capture_on_commit_callbacks(execute=True):
                        do_upload(
                            round_,
                            actor=operator,
                            kind=kind,
                            name="f.csv",
                            content=content.encode(),
                        )
            states.append(_orm_state(round_))
            raise _Undo
    for kind, status, *_rest in states[0]["uploads"]:
        event(f"{kind} {status}")
    assert states[0] == states[1]

"""``pingji rt``: the CSV in, EpiEstim's table out; every bad file refused with line and reason."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pingji.epi.tests import epiestim_reference as ref


def run(*args) -> list[dict]:
    out = io.StringIO()
    call_command("rt", *map(str, args), stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def flu2009_csv(tmp_path):
    import datetime

    first = datetime.date.fromisoformat(ref.FLU2009_FIRST_DATE)
    lines = ["date,I"] + [
        f"{first + datetime.timedelta(days=i)},{n}" for i, n in enumerate(ref.FLU2009_INCIDENCE)
    ]
    return write(tmp_path / "flu.csv", "\n".join(lines) + "\n")


def test_dates_and_parametric_si_print_epiestims_example3(tmp_path):
    # Given Flu2009 as a dated CSV, when running with mean 2.6 and sd 1.5
    rows = run(flu2009_csv(tmp_path), "--si-mean", "2.6", "--si-sd", "1.5")
    # then the table is EpiEstim's Example 3, with the windows' dates
    expected = ref.parse_table(ref.EXAMPLE3)
    assert list(rows[0])[:4] == ["t_start", "t_end", "date_start", "date_end"]
    assert list(rows[0])[4:] == ["mean", "std"] + [
        f"q{q}" for q in (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
    ]
    assert len(rows) == len(expected) == 25
    for mine, theirs in zip(rows, expected, strict=True):
        assert mine["date_start"] == theirs["date_start"]
        assert mine["date_end"] == theirs["date_end"]
        assert int(mine["t_start"]) == theirs["t_start"]
        for column in ref.COLUMNS.values():
            assert float(mine[column]) == pytest.approx(theirs[column], abs=1e-7)


def test_day_index_with_local_and_imported_prints_example2(tmp_path):
    lines = ["day,local,imported"] + [
        f"{d},{a},{b}"
        for d, (a, b) in enumerate(zip(ref.EXAMPLE2_LOCAL, ref.EXAMPLE2_IMPORTED, strict=True))
    ]
    incidence = write(tmp_path / "ex2.csv", "\n".join(lines) + "\n")
    rows = run(incidence, "--si-mean", "2.6", "--si-sd", "1.5")
    expected = ref.parse_table(ref.EXAMPLE2)
    assert "date_start" not in rows[0]
    assert [float(r["q0.975"]) for r in rows] == pytest.approx(
        [e["q0.975"] for e in expected], abs=1e-7
    )


def test_si_distr_file_gives_example1(tmp_path):
    si = write(tmp_path / "si.txt", "\n".join(map(str, ref.FLU2009_SI)) + "\n")
    rows = run(flu2009_csv(tmp_path), "--si-distr", si)
    expected = ref.parse_table(ref.EXAMPLE1)
    assert [float(r["mean"]) for r in rows] == pytest.approx(
        [e["mean"] for e in expected], abs=1e-7
    )


def test_window_option_changes_the_windows(tmp_path):
    rows = run(flu2009_csv(tmp_path), "--si-mean", "2.6", "--si-sd", "1.5", "--window", "14")
    assert (rows[0]["t_start"], rows[0]["t_end"], rows[-1]["t_end"]) == ("2", "15", "32")


GOOD_SI = ("--si-mean", "4", "--si-sd", "2")
DAYS = "".join(f"{d},{d + 1}\n" for d in range(10))


@pytest.mark.parametrize(
    "text, message",
    [
        ("day,I\n0,1\n1,2\n2,-3\n" + DAYS[6:], "line 4: I '-3' is not a whole number >= 0"),
        ("day,I\n0,1\n1,x\n", "line 3: I 'x' is not a number"),
        ("day,I\n0,1\n1,\n", "line 3: I '' is not a number"),
        ("day,I\n0,1\n1,nan\n", "line 3: I 'nan' is not a whole number"),
        ("day,I\n0,1\n1,2.5\n", "line 3: I '2.5' is not a whole number"),
        ("day,I\n0,1\n1,2\n1,3\n", "line 4: duplicate day 1"),
        ("day,I\n0,1\n1,2\n4,3\n", "line 4: gap of 2 day.s. before day 4"),
        ("day,I\n0,1\n2,2\n1,3\n", "line 3: gap of 1"),
        ("day,I\n3,1\n2,2\n", "line 3: day 2 is out of order"),
        ("day,I\n0,1\nzero,2\n", "line 3: day 'zero' is not a whole number"),
        ("date,I\n2021-09-10,1\n2021-09-12,2\n", "line 3: gap of 1 day.s. before date 2021-09-12"),
        ("date,I\n2021-09-10,1\n10/09/2021,2\n", "line 3: date '10/09/2021' is not an ISO date"),
        ("date,I\n2021-09-10,1\n2021-09-10,2\n", "line 3: duplicate date 2021-09-10"),
        ("when,I\n0,1\n", "missing column 'date'"),
        ("day,cases\n0,1\n", "missing column 'I'"),
        ("day,local\n0,1\n", "'local' and 'imported' must be given together"),
        ("day,local,imported\n0,1,1\n1,2,-1\n", "line 3: imported '-1'"),
        ("day,I\n", "no data rows"),
        ("", "no data rows"),
        ("day,I\n" + "".join(f"{d},1\n" for d in range(5)), "too short for a 7-day window"),
    ],
)
def test_bad_incidence_files_are_refused_with_line_and_reason(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path / "bad.csv", text), *GOOD_SI)


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "missing.csv", *GOOD_SI)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(CommandError, match="cannot read"):
        run(binary, *GOOD_SI)
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path, *GOOD_SI)


@pytest.mark.parametrize(
    "options, message",
    [
        ((), "give the serial interval"),
        (("--si-mean", "4"), "must be given together"),
        (("--si-mean", "4", "--si-sd", "2", "--si-distr", "x"), "give the serial interval"),
        (("--si-mean", "0.5", "--si-sd", "2"), "mean must be greater than 1"),
        (("--si-mean", "4", "--si-sd", "2", "--window", "0"), "window must be"),
    ],
)
def test_serial_interval_is_required_and_checked(tmp_path, options, message):
    incidence = write(tmp_path / "ok.csv", "day,I\n" + DAYS)
    with pytest.raises(CommandError, match=message):
        run(incidence, *options)


def test_bad_si_distr_files_are_refused(tmp_path):
    incidence = write(tmp_path / "ok.csv", "day,I\n" + DAYS)
    with pytest.raises(CommandError, match="line 2: 'half' is not a number"):
        run(incidence, "--si-distr", write(tmp_path / "si.txt", "0\nhalf\n"))
    with pytest.raises(CommandError, match="sums to 0.5"):
        run(incidence, "--si-distr", write(tmp_path / "si.txt", "0, 0.25, 0.25\n"))
    with pytest.raises(CommandError, match="cannot read"):
        run(incidence, "--si-distr", tmp_path / "nope.txt")

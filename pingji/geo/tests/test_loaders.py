"""The real divisions and boundaries: the shipped files load completely, bad files load nothing."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from pingji.core.models import DomainEvent
from pingji.geo.choices import Level
from pingji.geo.loaders import (
    DEFAULT_BOUNDARIES,
    DEFAULT_DIVISIONS,
    BoundaryFileError,
    DivisionFileError,
    apportion,
    load_boundaries,
    load_divisions,
    read_divisions,
)
from pingji.geo.models import Jurisdiction

HEADER = DEFAULT_DIVISIONS.read_text(encoding="utf-8").splitlines()[0].split(",")


def shipped_rows(*codes: str) -> list[dict]:
    with open(DEFAULT_DIVISIONS, encoding="utf-8") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    return [dict(rows[c]) for c in codes]


def write_divisions(path, rows: list[dict]):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


#: Province, Putian, Xianyou and two of its townships: lines 2–6 of the files the tests write.
SMALL = ("350000", "350300", "350322", "350322001", "350322100")


@pytest.fixture
def loaded(db):
    load_divisions()
    return {j.code: j for j in Jurisdiction.objects.all()}


def test_the_shipped_file_loads_the_whole_province(loaded):
    # given the shipped divisions, loaded
    levels = {level: sum(j.level == level for j in loaded.values()) for level in Level.values}
    # then every level is complete
    assert levels == {
        "province": 1,
        "city": 9,
        "county": 84,
        "township": 1170,
        "community": 0,
        "grid": 0,
    }
    assert loaded["3503"].parent_id == "35" and loaded["350322101"].parent_id == "350322"
    assert loaded["350322"].gb_code == "350322" and loaded["3503"].gb_code == "350300"


def test_pingtan_reports_on_its_own_line_inside_fuzhou(loaded):
    pingtan = loaded["350128"]
    assert pingtan.parent_id == "3501"  # administratively in Fuzhou's subtree
    assert pingtan.reporting_unit_id == "350128"
    assert all(j.reporting_unit_id == "350128" for c, j in loaded.items() if c.startswith("350128"))
    assert loaded["350102"].reporting_unit_id == "3501"
    assert loaded["350322101"].reporting_unit_id == "3503"
    assert loaded["3503"].reporting_unit_id == "3503" and loaded["35"].reporting_unit_id is None
    units = {j.reporting_unit_id for j in loaded.values()} - {None}
    assert len(units) == 10  # nine cities and Pingtan


def test_populations_follow_the_published_figures(loaded):
    # cities carry the 2020 year-end figures, counties with a census figure keep it
    assert loaded["3503"].population == 3_210_000
    assert loaded["3501"].population == 8_320_000
    assert loaded["35"].population == 41_540_086
    assert loaded["350322"].population == 905_068
    assert loaded["350128"].population == 385_981
    assert "census" in loaded["350322"].population_source
    assert "Assumption" in loaded["350303"].population_source
    # and every level below a city adds up to it exactly
    for city in (j for j in loaded.values() if j.level == Level.CITY):
        for level in (Level.COUNTY, Level.TOWNSHIP):
            total = Jurisdiction.objects.filter(code__startswith=city.code, level=level).aggregate(
                n=Sum("population")
            )["n"]
            assert total == city.population, (city.name, level)


def test_a_code_prefix_is_exactly_the_subtree(loaded):
    children: dict[str, list[str]] = {}
    for j in loaded.values():
        children.setdefault(j.parent_id, []).append(j.code)

    def subtree(code: str) -> set[str]:
        return {code}.union(*(subtree(c) for c in children.get(code, [])))

    for code in ("35", "3501", "3503", "350322", "350128"):
        by_prefix = set(
            Jurisdiction.objects.filter(code__startswith=code).values_list("code", flat=True)
        )
        assert by_prefix == subtree(code)


def test_reloading_updates_in_place_and_records_an_event_per_load(loaded):
    # given a row changed since the first load
    Jurisdiction.objects.filter(code="350322").update(name="改名", population=1)
    # when the file is loaded again
    result = load_divisions()
    # then rows are updated, not duplicated
    assert result == {"rows": 1264, "created": 0, "updated": 1264}
    assert Jurisdiction.objects.count() == 1264
    assert Jurisdiction.objects.get(code="350322").name == "仙游县"
    assert DomainEvent.objects.filter(kind="geo.divisions_loaded").count() == 2


def _replace(rows, code, **changes):
    for row in rows:
        if row["code"] == code:
            row.update(changes)
    return rows


BAD_FILES = {
    "duplicate code": (lambda rows: rows + [dict(rows[3])], "line 7", "already appears on line 5"),
    "unknown parent": (
        lambda rows: _replace(rows, "350322100", parent_code="350399"),
        "line 6",
        "unknown parent 350399",
    ),
    "bad prefix": (
        lambda rows: rows + [dict(rows[3], code="350999001", nbs_code="350999001", name="外乡")],
        "line 7",
        "does not extend its parent's code 350322",
    ),
    "loop": (
        lambda rows: _replace(
            _replace(rows, "350322001", parent_code="350322100"),
            "350322100",
            parent_code="350322001",
        ),
        "line 5",
        "loop",
    ),
    "unknown level": (
        lambda rows: _replace(rows, "350322", level="district"),
        "line 4",
        "unknown level 'district'",
    ),
    "missing name": (
        lambda rows: _replace(rows, "350322001", name="  "),
        "line 5",
        "the name is missing",
    ),
    "bad number": (
        lambda rows: _replace(rows, "350322", pop_2020_census="90万"),
        "line 4",
        "not a whole number",
    ),
    "wrong level under parent": (
        lambda rows: _replace(rows, "350322001", parent_code="350300"),
        "line 5",
        "a township cannot lie in a city",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_divisions_file_names_the_line_and_loads_nothing(db, tmp_path, case):
    # given a small good file with one defect
    mutate, where, reason = BAD_FILES[case]
    path = write_divisions(tmp_path / "bad.csv", mutate(shipped_rows(*SMALL)))
    # when it is loaded
    with pytest.raises(DivisionFileError) as caught:
        load_divisions(path)
    # then the error says where and why, and nothing was written
    assert any(m.startswith(where) and reason in m for m in caught.value.messages), (
        caught.value.messages
    )
    assert Jurisdiction.objects.count() == 0
    assert not DomainEvent.objects.exists()


def test_every_problem_is_reported_at_once(db, tmp_path):
    rows = _replace(
        _replace(shipped_rows(*SMALL), "350322001", name=""), "350322100", level="village"
    )
    with pytest.raises(DivisionFileError) as caught:
        load_divisions(write_divisions(tmp_path / "bad.csv", rows))
    assert [m.split(":")[0] for m in caught.value.messages] == ["line 5", "line 6"]


def test_a_file_without_the_required_columns_is_refused(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n35,福建省\n", encoding="utf-8")
    with pytest.raises(DivisionFileError, match="nbs_code, level, parent_code"):
        load_divisions(path)


def test_a_small_good_file_shares_populations_by_township(db, tmp_path):
    rows = write_divisions(tmp_path / "good.csv", shipped_rows(*SMALL))
    by_code = {d.code: d for d in read_divisions(rows)}
    assert by_code["350322001"].population + by_code["350322100"].population == 905_068
    assert abs(by_code["350322001"].population - by_code["350322100"].population) <= 1


def test_apportion_is_exact_and_proportional():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(apportion(905_068, [3, 5, 7, 11])) == 905_068
    assert apportion(0, [1, 2]) == [0, 0]


# --- boundaries ----------------------------------------------------------------------------------


def test_the_shipped_boundaries_reach_every_city_and_county(loaded):
    # when the shipped GeoJSON is loaded
    result = load_boundaries()
    # then every city and county has a shape and a centre inside Fujian
    assert result == {"boundaries": 93}
    drawn = Jurisdiction.objects.exclude(boundary=None)
    assert set(drawn.values_list("level", flat=True)) == {Level.CITY, Level.COUNTY}
    for j in drawn:
        assert 115 < j.center_lon < 121 and 23 < j.center_lat < 28.5, j.name
    # including the four counties renumbered since the boundaries were drawn, and Pingtan
    for code in ("350404", "350405", "350604", "350605", "350128"):
        assert Jurisdiction.objects.get(code=code).boundary["type"] == "MultiPolygon"
    assert DomainEvent.objects.filter(kind="geo.boundaries_loaded").count() == 1


def _counties_with(tmp_path, change):
    data = json.loads(DEFAULT_BOUNDARIES[1].read_text(encoding="utf-8"))
    data["features"] = data["features"][:3]
    change(data["features"])
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _unclose(features):
    ring = features[1]["geometry"]["coordinates"][0][0]
    ring[-1] = [ring[-1][0] + 1, ring[-1][1]]


BAD_BOUNDARIES = {
    "unknown adcode": (
        lambda f: f[2]["properties"].update(adcode=350999),
        "features[2]",
        "unknown adcode",
    ),
    "malformed geometry": (_unclose, "features[1]", "is not closed"),
    "not a polygon": (
        lambda f: f[0].update(geometry={"type": "Point", "coordinates": [1, 2]}),
        "features[0]",
        "not a Polygon",
    ),
    "duplicate feature": (lambda f: f.append(f[0]), "features[3]", "a second boundary for 350102"),
}


@pytest.mark.parametrize("case", BAD_BOUNDARIES)
def test_a_bad_boundary_file_names_the_feature_and_writes_nothing(loaded, tmp_path, case):
    change, where, reason = BAD_BOUNDARIES[case]
    path = _counties_with(tmp_path, change)
    with pytest.raises(BoundaryFileError) as caught:
        load_boundaries([path])
    assert any(where in m and reason in m for m in caught.value.messages), caught.value.messages
    assert not Jurisdiction.objects.exclude(boundary=None).exists()
    assert not DomainEvent.objects.filter(kind="geo.boundaries_loaded").exists()


def test_boundaries_need_their_divisions_loaded_first(db):
    with pytest.raises(BoundaryFileError, match="not loaded"):
        load_boundaries()


def test_text_that_is_not_geojson_is_refused(loaded, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BoundaryFileError, match="not GeoJSON"):
        load_boundaries([path])


# --- the command ---------------------------------------------------------------------------------


def test_loadgeo_loads_the_shipped_files(db):
    out = io.StringIO()
    call_command("loadgeo", stdout=out)
    assert "1264 rows" in out.getvalue() and "93 jurisdictions" in out.getvalue()
    assert Jurisdiction.objects.exclude(boundary=None).count() == 93


def test_loadgeo_with_a_bad_boundary_file_loads_nothing_at_all(db, tmp_path):
    path = _counties_with(tmp_path, _unclose)
    with pytest.raises(CommandError, match=r"features\[1\]"):
        call_command("loadgeo", "--boundaries", str(path), stdout=io.StringIO())
    assert not Jurisdiction.objects.exists()

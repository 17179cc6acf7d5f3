"""Checking and loading boundary GeoJSON onto the cities and counties."""

import json
import math
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.events import record_event
from pingji.core.messages import message

from ..contracts import BOUNDARIES_LOADED
from ..models import Jurisdiction
from .common import (
    DEFAULT_BOUNDARIES,
    DEFAULT_DIVISIONS,
    BoundaryFileError,
    Problems,
    digest,
    scope_of,
)
from .divisions import read_divisions


def _position_problem(position) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return _("a position is not a [longitude, latitude] pair")
    lon, lat = position[0], position[1]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (lon, lat)):
        return _("a coordinate is not a number")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return _("a coordinate is out of range (%(lon)s, %(lat)s)") % {"lon": lon, "lat": lat}
    return None


def _geometry_problem(geometry) -> str | None:
    """Why a GeoJSON (Multi)Polygon is malformed (RFC 7946 §3.1.6), or None if it is sound."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return _("the geometry is not a Polygon or MultiPolygon")
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        return _("the geometry has no coordinates")
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            return _("polygon %(p)d has no rings") % {"p": p}
        for r, ring in enumerate(rings):
            problem: str | None
            if not isinstance(ring, list) or len(ring) < 4:
                problem = _("it has fewer than 4 positions")
            else:
                problem = next(filter(None, map(_position_problem, ring)), None)
                if problem is None and ring[0][:2] != ring[-1][:2]:
                    problem = _("it is not closed")
            if problem:
                return _("ring %(r)d of polygon %(p)d: %(problem)s") % {
                    "r": r,
                    "p": p,
                    "problem": problem,
                }
    return None


def _centre(properties: dict, geometry: dict) -> tuple[float, float]:
    """The feature's centroid property, else its ``center``, else the middle of its bounding box."""
    for key in ("centroid", "center"):
        point = properties.get(key)
        if point is not None and _position_problem(point) is None:
            return float(point[0]), float(point[1])
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    lons = [pt[0] for poly in polygons for pt in poly[0]]
    lats = [pt[1] for poly in polygons for pt in poly[0]]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def read_boundaries(
    paths: Iterable[Path | str], crosswalk: dict[str, str]
) -> dict[str, tuple[dict, float, float]]:
    """Check GeoJSON FeatureCollections; return jurisdiction code → (geometry, lon, lat).

    ``crosswalk`` maps a feature's ``adcode`` to our code (``Division.datav_adcode``).
    """
    problems = Problems()
    found: dict[str, tuple[dict, float, float]] = {}
    first_seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.add(path.name, _("not GeoJSON text (%(error)s)."), error=exc)
            continue
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list) or data.get("type") != "FeatureCollection":
            problems.add(path.name, _("not a GeoJSON FeatureCollection."))
            continue
        if not features:
            problems.add(path.name, _("the collection has no features."))
        for index, feature in enumerate(features):
            where = f"{path.name} features[{index}]"
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict):
                problems.add(where, _("not a Feature with properties."))
                continue
            adcode = str(props.get("adcode", "")).strip()
            where = f"{where} ({props.get('name', '?')}, adcode {adcode or '?'})"
            code = crosswalk.get(adcode)
            if code is None:
                problems.add(where, _("unknown adcode, it matches no division."))
                continue
            if code in first_seen:
                problems.add(
                    where,
                    _("a second boundary for %(code)s (first: %(first)s)."),
                    code=code,
                    first=first_seen[code],
                )
                continue
            first_seen[code] = where
            problem = _geometry_problem(feature.get("geometry"))
            if problem:
                problems.add(where, _("malformed geometry: %(problem)s."), problem=problem)
                continue
            found[code] = (feature["geometry"], *_centre(props, feature["geometry"]))
    if problems:
        raise BoundaryFileError(problems)
    return found


def load_boundaries(
    paths: Iterable[Path | str] = DEFAULT_BOUNDARIES, *, divisions: Path | str = DEFAULT_DIVISIONS
) -> dict[str, int]:
    """Set boundary and centre on the cities and counties, matched through ``datav_adcode``."""
    files = [Path(p) for p in paths]
    crosswalk = {d.datav_adcode: d.code for d in read_divisions(divisions) if d.datav_adcode}
    shapes = read_boundaries(files, crosswalk)
    rows = {j.code: j for j in Jurisdiction.objects.filter(code__in=list(shapes))}
    missing = sorted(set(shapes) - set(rows))
    if missing:
        problems = Problems()
        for code in missing:
            problems.add(code, _("has a boundary but is not loaded; load the divisions first."))
        raise BoundaryFileError(problems)
    with transaction.atomic():
        for code, (geometry, lon, lat) in shapes.items():
            rows[code].boundary, rows[code].center_lon, rows[code].center_lat = geometry, lon, lat
        Jurisdiction.objects.bulk_update(
            list(rows.values()), ["boundary", "center_lon", "center_lat"], batch_size=50
        )
        result = {"boundaries": len(rows)}
        record_event(
            BOUNDARIES_LOADED,
            message(
                gettext_noop("Boundaries loaded for %(n)d jurisdictions from %(files)s."),
                {"n": len(rows), "files": ", ".join(p.name for p in files)},
            ),
            jurisdiction_code=scope_of(rows),
            payload={"files": {p.name: digest(p) for p in files}, **result},
        )
    return result

"""Boundary GeoJSON for the map: the jurisdictions right below one, or itself at the bottom.

The map draws with plotly.js served by the app itself and no tile layer, so it renders on an
intranet without internet: no CDN, no external tiles.
"""


def _feature(j) -> dict:
    return {
        "type": "Feature",
        "id": j.code,
        "geometry": j.boundary,
        "properties": {"code": j.code, "name": j.name, "population": j.population},
    }


def boundary_features(visible, code: str) -> dict:
    """A FeatureCollection of the visible jurisdictions below ``code`` that have a boundary."""
    drawn = visible.exclude(boundary__isnull=True).order_by("code")
    below = drawn.filter(parent_id=code) if code else drawn.filter(parent__isnull=True)
    shapes = list(below) or list(drawn.filter(code=code))
    return {"type": "FeatureCollection", "features": [_feature(j) for j in shapes]}

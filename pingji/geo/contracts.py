"""What the geo domain tells the others: its event kinds and their payloads.

Geography changes rarely and by loads: the divisions and boundaries of the official files (with
their digests, so a reload can be traced to its file), the synthetic communities of the demo, and
places registered or removed by hand.

Other apps call into geo through ``loaders.apportion`` (people: spreading a population over
grids) and ``map.boundary_features`` (areas); the demo through ``loaders.load_divisions``,
``loaders.load_boundaries`` and ``synthetic.generate_tree``.
"""

from typing import TypedDict

from pingji.core.events import declare


class DivisionsLoadedPayload(TypedDict):
    file: str
    sha256: str
    rows: int
    created: int
    updated: int


class BoundariesLoadedPayload(TypedDict):
    #: File name → SHA-256 of each file read.
    files: dict[str, str]
    boundaries: int


class SyntheticGeneratedPayload(TypedDict):
    scale: float
    seed: int
    communities: int
    grids: int
    places: int


PLACE_CREATED = declare("geo.place_created", "a place registered in a grid")
PLACE_DELETED = declare("geo.place_deleted", "a place removed")
DIVISIONS_LOADED = declare(
    "geo.divisions_loaded", "administrative divisions loaded from a file", DivisionsLoadedPayload
)
BOUNDARIES_LOADED = declare(
    "geo.boundaries_loaded", "boundaries loaded from files", BoundariesLoadedPayload
)
SYNTHETIC_GENERATED = declare(
    "geo.synthetic_generated",
    "synthetic communities, grids and places generated",
    SyntheticGeneratedPayload,
)

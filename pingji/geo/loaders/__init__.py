"""Load the real jurisdiction tree and its boundaries from the files shipped in ``geo/data``.

Both loaders read and check the whole file first and write nothing unless every row is good: each
problem names its line (CSV) or feature index (GeoJSON) and the reason, and all of them are raised
together. The writes are one transaction of bulk operations, logged as ``core.audit`` logs them: the
divisions as one load per batch (``core.audit.loading``), the boundaries as one update per row;
each load also records one domain event. Re-running a load updates the rows it wrote before; rows
below the file's levels (communities, grids) are left alone.
"""

from .boundaries import load_boundaries, read_boundaries
from .common import (
    DATA_DIR,
    DEFAULT_BOUNDARIES,
    DEFAULT_DIVISIONS,
    BoundaryFileError,
    DivisionFileError,
    apportion,
)
from .divisions import Division, load_divisions, read_divisions

__all__ = [
    "DATA_DIR",
    "DEFAULT_BOUNDARIES",
    "DEFAULT_DIVISIONS",
    "BoundaryFileError",
    "Division",
    "DivisionFileError",
    "apportion",
    "load_boundaries",
    "load_divisions",
    "read_boundaries",
    "read_divisions",
]

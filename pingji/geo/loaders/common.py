"""What both loaders share: the shipped files, the error types, and whole-number shares."""

import hashlib
import math
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..choices import CODE_LENGTH

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DIVISIONS = DATA_DIR / "fujian_admin_divisions.csv"
DEFAULT_BOUNDARIES = (
    DATA_DIR / "fujian_cities_datav.geojson",
    DATA_DIR / "fujian_counties_datav.geojson",
)


class DivisionFileError(ValidationError):
    """A divisions file that cannot be loaded; ``messages`` lists every problem found."""


class BoundaryFileError(ValidationError):
    """A boundary file that cannot be loaded; ``messages`` lists every problem found."""


class Problems(list):
    """The problems found in a file, each prefixed with where it is (a line, a feature)."""

    def add(self, where: int | str, message: str, **params) -> None:
        text = message % params if params else message
        if isinstance(where, int):
            where = _("line %(line)d") % {"line": where}
        self.append(f"{where}: {text}")


def apportion(total: int, weights: Collection[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` that sum exactly to ``total``.

    Largest-remainder method (Hamilton): floor every share, then hand the units left over to the
    largest fractional parts, earlier positions first on ties, so the result is deterministic.
    """
    weight_sum = float(sum(weights))
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def scope_of(codes: Iterable[str]) -> str:
    """The deepest jurisdiction code (a whole level) that every one of ``codes`` lies in."""
    prefix = os.path.commonprefix(list(codes))
    return max((prefix[:n] for n in CODE_LENGTH.values() if n <= len(prefix)), key=len, default="")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

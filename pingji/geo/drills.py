"""Drill sandboxes never count in a real figure: the one filter every aggregate uses.

A drill practises the real workflow inside a sandbox subtree of jurisdictions
(``Jurisdiction.drill`` on every node, decision 0020), so its cases, placements and reports are
ordinary rows. Any figure that sums rows across jurisdictions — a series, an indicator, a
capacity, a signal, a supervision count — passes them through ``real_only`` on the code it groups
by; a test builds a drill beside real data and checks that no such figure moves.
"""

from typing import TypeVar

from django.db.models import Q, QuerySet

from .choices import CODE_LENGTH, Level
from .models import Jurisdiction

Rows = TypeVar("Rows", bound=QuerySet)


def county_code(jurisdiction: Jurisdiction) -> str:
    """The code of the county that manages ``jurisdiction``: a drill sandbox's root (township
    level) stands for its county, so a drill's work never lands on the real county."""
    level = Level.TOWNSHIP if jurisdiction.drill else Level.COUNTY
    return jurisdiction.code[: CODE_LENGTH[level]]


def drill_roots() -> list[str]:
    """Codes of the drill sandbox subtrees, the topmost ones only (usually none: one query)."""
    codes = sorted(Jurisdiction.objects.drills().values_list("code", flat=True))
    roots: list[str] = []
    for code in codes:
        if not any(code.startswith(root) for root in roots):
            roots.append(code)
    return roots


def real_only(rows: Rows, field: str = "jurisdiction_code") -> Rows:
    """The rows of ``rows`` whose jurisdiction code lies outside every drill sandbox; ``field`` is
    a code column (``jurisdiction_code``) or a path ending in the jurisdiction's ``__code``."""
    roots = drill_roots()
    if not roots:
        return rows
    drill = Q()
    for code in roots:
        drill |= Q(**{f"{field}__startswith": code})
    return rows.exclude(drill)

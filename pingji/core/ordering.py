"""Ordering text the way people count: room 2 before room 10, 3-2 before 3-10."""

import re

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """A sort key that compares the runs of digits in ``text`` as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _NUMBERS.split(str(text))
        if part
    )

"""What every kernel shares: the typed ``njit`` decorator and the encodings of days, states and
layer kinds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

_F = TypeVar("_F", bound=Callable[..., Any])


def njit(**options: Any) -> Callable[[_F], _F]:
    """``numba.njit`` typed as returning the function itself (numba ships no precise types)."""
    decorator: Callable[[_F], _F] = numba.njit(**options)
    return decorator


NEVER = 32000
SUS, EXP, INF, REC, DEAD = 0, 1, 2, 3, 4
HOUSEHOLD, GROUP, STATIC = 0, 1, 2
MAX_STAGE = 1000  # longest single stage (days); a draw beyond is clipped

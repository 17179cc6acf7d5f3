"""Per-user budget for identity look-ups: searches and cross-area duplicate refusals.

Both answer something about numbers the caller may not see, so both spend from one budget
(decision 0031); going over it is refused with 429 and recorded for the province to see.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import scope_code
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.choices import CODE_LENGTH, Level

from .contracts import IDENTITY_SEARCH_REFUSED

#: Searches per user per window: (count, seconds). ``settings.PINGJI_SEARCH_RATE`` overrides.
DEFAULT_RATE = (20, 600)


#: The code of the refusal; the API answers it with 429 (``core.api.base.exception_handler``).
RATE_LIMITED = "rate_limited"


class SearchRateExceeded(ValidationError):
    """Too many identity look-ups in the window: a ValidationError, so every form shows it; the
    API answers 429.
    """

    def __init__(self, limit: int, seconds: int):
        message = _(
            "You have made %(n)d identity look-ups in %(m)d minutes; wait and try again later."
        ) % {"n": limit, "m": max(seconds // 60, 1)}
        super().__init__(message, code=RATE_LIMITED)


def search_rate() -> tuple[int, int]:
    limit, seconds = getattr(settings, "PINGJI_SEARCH_RATE", DEFAULT_RATE)
    return int(limit), int(seconds)


def province_of(code: str) -> str:
    """The province prefix of a jurisdiction code ("" for a national user)."""
    return code[: CODE_LENGTH[Level.PROVINCE]]


def spend_attempt(actor, purpose: str) -> None:
    """Count one identity look-up against the actor's budget; over it, log and refuse.

    A fixed window in Django's cache: coarse, but enough to turn enumeration from seconds into
    weeks, and the refused attempt itself is recorded for the province to see.
    """
    limit, seconds = search_rate()
    key = f"pingji:identity-lookups:{actor.pk}:{int(time.time() // seconds)}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, seconds)
        used = 1
    if used > limit:
        record_event(
            IDENTITY_SEARCH_REFUSED,
            message(
                gettext_noop("Identity look-up refused: rate limit (%(purpose)s)"),
                {"purpose": purpose},
            ),
            jurisdiction_code=province_of(scope_code(actor) or ""),
            actor=actor,
            payload={"purpose": purpose, "limit": limit, "seconds": seconds},
        )
        raise SearchRateExceeded(limit, seconds)

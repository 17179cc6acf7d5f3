"""Rows every request reads, kept in the cache every process shares until they change.

Each request read its user, its second-factor device and the response mode in force: three
queries before the page began, about a tenth of a page's CPU. With a cache every process shares
(``PINGJI_CACHE_URL``, as in production) they are read from it instead. Without one nothing is
kept: a cache of each process's own would go on serving a row another process had changed (the
web server would not see a user deactivated from the command line).

A change of a kept row forgets it when it is saved and again when its transaction commits, so a
request that read the old row between the two cannot keep it. A request that read it just before
the save and stores it just after the commit could; ``TIMEOUT`` bounds how long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

#: Seconds a kept row lives at most (the bound on the race above).
TIMEOUT = 60
_MISSING = object()


def is_shared() -> bool:
    """Whether the default cache is one every process shares (Redis), not each one's memory."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def read(key: str, load: Callable[[], Any]) -> Any:
    """The value kept under ``key``, else ``load()``'s, kept unless it is None."""
    if not is_shared():
        return load()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value


def forget(key: str) -> None:
    """Drop ``key`` now and when the current transaction commits."""
    if not is_shared():
        return
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_on_change(model, key_of: Callable[[Any], str]) -> None:
    """Forget ``key_of(row)`` whenever a row of ``model`` is saved or deleted."""

    def changed(sender, instance, **kwargs):
        forget(key_of(instance))

    post_save.connect(changed, sender=model, weak=False)
    post_delete.connect(changed, sender=model, weak=False)

"""Rows every request reads, kept in the cache every process shares until they change.

Each request read its user, its second-factor device, the response mode in force and the path to
its jurisdiction: queries before the page began, about a tenth of a page's CPU. With a cache every
process shares (``PINGJI_CACHE_URL``, as in production) they are read from it instead. Without one
nothing is kept: a cache of each process's own would go on serving a row another process had
changed (the web server would not see a user deactivated from the command line).

A change of a kept row forgets it when it is saved and again when its transaction commits, so a
request that read the old row between the two cannot keep it. A request that read it just before
the save and stores it just after the commit could; ``TIMEOUT`` bounds how long.

**Within a request, a process remembers what it read** (``request_reads``). Each round trip
to the shared cache costs a request more CPU than the row it brings, and a process serves the
same few users, devices and paths over and over. So each forget also renews one ``VERSION`` in
the shared cache; a request reads that one key first, together with its session
(``core.sessions``), and a value this process kept under the same version is still the shared
cache's. One round trip instead of six on every page (the session, the user, the device, the
mode switches, the path and its generation), and a change made anywhere is seen by every process
from its next request on.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

#: Seconds a kept row lives at most (the bound on the race above).
TIMEOUT = 60
#: The shared cache's key of the version every forget renews.
VERSION_KEY = "pingji:shared:version"
#: Values a process keeps at most; past that it starts again (a few per active user).
MEMO_LIMIT = 10_000
_MISSING = object()
#: (version, key) → the pickled value, as this process last read it; pickled so that each
#: request gets its own copy of a row, as from the shared cache.
_memo: dict[tuple[str, str], bytes] = {}
_memo_version = ""  # the newest version a request of this process has read
_request = threading.local()  # .version: the version the current request read


def is_shared() -> bool:
    """Whether the default cache is one every process shares (Redis), not each one's memory."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def read(key: str, load: Callable[[], Any], timeout: int | None = TIMEOUT) -> Any:
    """The value kept under ``key``, else ``load()``'s, kept (for ``timeout`` seconds, None:
    until forgotten) unless it is None."""
    if not is_shared():
        return load()
    version = getattr(_request, "version", None)
    blob = _memo.get((version, key)) if version else None
    if blob is not None:
        return pickle.loads(blob)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        if value is not None:
            cache.set(key, value, timeout)
    if version and value is not None:
        if len(_memo) >= MEMO_LIMIT:
            _memo.clear()
        _memo[(version, key)] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return value


def forget(key: str) -> None:
    """Drop ``key`` now and when the current transaction commits, in every process."""
    if not is_shared():
        return
    _drop(key)
    transaction.on_commit(lambda: _drop(key))


def _drop(key: str) -> None:
    cache.delete(key)
    version = uuid4().hex
    cache.set(VERSION_KEY, version, None)
    if getattr(_request, "version", None):  # the rest of this request reads what is new
        _request.version = version


def forget_on_change(model, key_of: Callable[[Any], str]) -> None:
    """Forget ``key_of(row)`` whenever a row of ``model`` is saved or deleted."""

    def changed(sender, instance, **kwargs):
        forget(key_of(instance))

    post_save.connect(changed, sender=model, weak=False)
    post_delete.connect(changed, sender=model, weak=False)


@contextmanager
def request_reads(*keys: str) -> Iterator[dict[str, Any]]:
    """A request's reads of the shared cache: its version is read first, in one round trip with
    ``keys`` (what the request reads anyway, such as its session: ``core.sessions``), so that
    ``read`` may answer from what this process kept under the version. Yields the values of
    ``keys`` that were found. Without a shared cache nothing is read or kept."""
    if not is_shared():
        yield {}
        return
    global _memo_version
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.pop(VERSION_KEY, None) or _first_version()
    _request.version = version
    if version != _memo_version:  # what was kept under an older one is no longer read
        _memo_version = version
        _memo.clear()
    try:
        yield found
    finally:
        _request.version = None


def _first_version() -> str:
    cache.add(VERSION_KEY, uuid4().hex, None)
    return cache.get(VERSION_KEY) or ""

"""The way down to a jurisdiction and the level below it: what every page's breadcrumb and
switcher show.

Every HTML page asks for it, so it is read in one query (the ancestors, the jurisdiction and its
children all lie on one prefix path, ``Jurisdiction.ancestor_codes``) and kept in the cache.
Whatever changes a jurisdiction forgets every cached path (``forget_paths``): a save or delete
through its signals, a bulk load through its event (``GeoConfig.ready``). With a cache shared by
the web processes (``PINGJI_CACHE_URL``) that is immediate everywhere, and each process answers
from what it read while the shared cache's version stands (``core.shared_cache``); with each
process's own memory the other processes read theirs again within ``CACHE_SECONDS``.
"""

from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from pingji.core import shared_cache
from pingji.core.events import subscribe

from .contracts import DIVISIONS_LOADED, SYNTHETIC_GENERATED
from .models import Jurisdiction

#: The switcher offers at most this many lower levels (a township may have hundreds of grids).
SWITCHER_LIMIT = 300
#: How long a process may show a path it cached, should it miss a change made elsewhere.
CACHE_SECONDS = 300
#: The fields a breadcrumb, a switcher and the mode banner read.
FIELDS = ("code", "name", "level", "parent_id")
_GENERATION_KEY = "geo:paths:generation"


@dataclass(frozen=True)
class Path:
    """A jurisdiction with its ancestors (province first) and its children (by code)."""

    ancestors: tuple[Jurisdiction, ...]
    jurisdiction: Jurisdiction
    children: tuple[Jurisdiction, ...]


def path_to(code: str) -> Path | None:
    """The path to the jurisdiction ``code``, None if there is none; at most one query."""
    if shared_cache.is_shared():  # and what this process read in its last requests
        key = f"geo:path:{shared_cache.read(_GENERATION_KEY, _new_generation, None)}:{code}"
        found = shared_cache.read(key, lambda: _read(code) or "missing", CACHE_SECONDS)
    else:
        key = f"geo:path:{_generation()}:{code}"
        found = cache.get(key)
        if found is None:
            found = _read(code) or "missing"
            cache.set(key, found, CACHE_SECONDS)
    return found if isinstance(found, Path) else None


def _read(code: str) -> Path | None:
    """Ordered by code, the ancestors come first, then the jurisdiction, then its children."""
    above = Jurisdiction(code=code).ancestor_codes()
    rows = list(
        Jurisdiction.objects.filter(Q(code__in=[*above, code]) | Q(parent_id=code))
        .only(*FIELDS)
        .order_by("code")[: len(above) + 1 + SWITCHER_LIMIT]
    )
    by_code = {j.code: j for j in rows}
    if code not in by_code:
        return None
    return Path(
        ancestors=tuple(by_code[c] for c in above if c in by_code),
        jurisdiction=by_code[code],
        children=tuple(j for j in rows if j.parent_id == code),
    )


def _generation() -> str:
    """The token in every path's key: a new one orphans every path cached before it."""
    token = cache.get(_GENERATION_KEY)
    if token is None:
        cache.add(_GENERATION_KEY, _new_generation(), None)
        token = cache.get(_GENERATION_KEY)
    return token


def _new_generation() -> str:
    return uuid4().hex


def forget_paths() -> None:
    if shared_cache.is_shared():  # a new generation when next read, in every process
        shared_cache.forget(_GENERATION_KEY)
    else:
        cache.set(_GENERATION_KEY, _new_generation(), None)


def on_jurisdiction_changed(**_signal) -> None:
    """A jurisdiction saved or deleted: forget now, and again after the commit, since a request
    in between may cache the old path again (connected to its signals in ``GeoConfig.ready``)."""
    forget_paths()
    transaction.on_commit(forget_paths)


@subscribe(DIVISIONS_LOADED, SYNTHETIC_GENERATED)
def on_tree_loaded(event) -> None:
    """A bulk load writes jurisdictions without their signals; its event says so."""
    transaction.on_commit(forget_paths)
